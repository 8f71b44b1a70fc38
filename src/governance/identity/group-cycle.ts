import type { GroupMemberRecord } from '../../metastore/index.js';

/**
 * Would putting group `member` inside group `group` make a cycle? It would when `group` is
 * `member` itself or already inside it, directly or through nested groups. Returns that chain
 * (member ⊃ … ⊃ group) for the error message, or undefined when there is no cycle.
 */
export function cycleThrough(
  memberships: GroupMemberRecord[],
  group: string,
  member: string,
): string[] | undefined {
  const childGroups = new Map<string, string[]>();
  for (const m of memberships) {
    if (m.member.kind !== 'group') continue;
    childGroups.set(m.groupName, [...(childGroups.get(m.groupName) ?? []), m.member.name]);
  }
  // Breadth first, remembering how each group was reached, so the chain shown is a shortest one.
  const reachedFrom = new Map<string, string | null>([[member, null]]);
  const pending = [member];
  for (let current = pending.shift(); current !== undefined; current = pending.shift()) {
    if (current === group) {
      const chain: string[] = [];
      for (let at: string | null = current; at !== null; at = reachedFrom.get(at) ?? null) {
        chain.unshift(at);
      }
      return chain;
    }
    for (const child of childGroups.get(current) ?? []) {
      if (reachedFrom.has(child)) continue;
      reachedFrom.set(child, current);
      pending.push(child);
    }
  }
  return undefined;
}
