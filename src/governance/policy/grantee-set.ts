import type { GroupMemberRecord } from '../../metastore/index.js';
import { ALL_USERS_GROUP } from '../contract.js';
import type { Grantee, Principal } from '../contract.js';

export const granteeKey = (g: Grantee): string => `${g.kind === 'group' ? 'g' : 'p'}:${g.name}`;

/** Everyone a grant may name to reach one principal, with how the principal is in each. */
export interface GranteeSet {
  principal: string;
  /** granteeKey → why the principal counts as it ('' for the principal itself). */
  via: Map<string, string>;
  /** Every group, transitively (with all_users and sign-in groups), sorted. */
  groups: string[];
}

/** Group nesting, resolved in memory; cycles are tolerated (each group is visited once). */
export class GroupGraph {
  /** granteeKey of a member → the groups it is a direct member of. */
  private readonly containers = new Map<string, string[]>();

  constructor(memberships: readonly GroupMemberRecord[]) {
    for (const m of memberships) {
      const key = granteeKey(m.member);
      const list = this.containers.get(key);
      if (list) list.push(m.groupName);
      else this.containers.set(key, [m.groupName]);
    }
  }

  granteeSetOf(principal: Principal): GranteeSet {
    const via = new Map<string, string>([
      [granteeKey({ kind: 'principal', name: principal.name }), ''],
    ]);
    // Breadth first, so each group is described by its shortest chain of memberships.
    const queue: { group: string; why: string; chain: string[] }[] = [];
    const visit = (group: string, why: (chain: string[]) => string, chain: string[]): void => {
      const key = granteeKey({ kind: 'group', name: group });
      if (via.has(key)) return;
      via.set(key, why(chain));
      queue.push({ group, why: why(chain), chain });
    };
    const member = (chain: string[]): string =>
      chain.length === 0
        ? `${principal.name} is a member`
        : `${principal.name} is a member via ${chain.join(' > ')}`;
    for (const group of this.containers.get(
      granteeKey({ kind: 'principal', name: principal.name }),
    ) ?? []) {
      visit(group, member, []);
    }
    for (const group of principal.externalGroups ?? []) {
      visit(group, () => `${principal.name}'s sign-in groups name it`, []);
    }
    visit(ALL_USERS_GROUP, () => 'every principal is a member', []);
    for (let i = 0; i < queue.length; i++) {
      const { group, why, chain } = queue[i] as (typeof queue)[number];
      for (const parent of this.containers.get(granteeKey({ kind: 'group', name: group })) ?? []) {
        const longer = [...chain, group];
        visit(parent, why === 'every principal is a member' ? () => why : member, longer);
      }
    }
    const groups = [...via.keys()]
      .filter((k) => k.startsWith('g:'))
      .map((k) => k.slice(2))
      .sort();
    return { principal: principal.name, via, groups };
  }
}
