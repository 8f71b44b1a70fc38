import { InvalidInput } from '../../errors/index.js';
import type { Caller, Privilege, Securable, TagInfo } from '../contract.js';
import { ancestorsOf } from '../policy/securable.js';
import { parseTagExpression } from '../policy/tag-expression.js';
import { ownsOrInherits, refuse } from './access.js';
import type { AdminDeps } from './admin-deps.js';
import { commitChange, recordAllowed } from './policy-change.js';
import { describable, requireDescribable, requireExisting, sameSecurable } from './securables.js';
import { existingKey } from './tag-keys.js';

function requireTaggable(securable: Securable): void {
  if (securable.kind !== 'catalog') return;
  throw new InvalidInput(
    'TAG_NOT_APPLICABLE',
    'Tags go on namespaces, tables, volumes and columns, not on the catalog.',
    {
      hint: 'Tag the namespace or table instead; children inherit its tags.',
    },
  );
}

/**
 * APPLY_TAG on the securable (inherited from above), or an admin or owner. When a tag
 * policy's expression names the key, a tag change hands out (or takes back) that
 * policy's privileges on the securable, so it also takes the right to grant each of
 * them: otherwise APPLY_TAG alone would let its holder tag a table into a policy that
 * gives him SELECT, or strip a tag that keeps others' access narrow.
 */
async function requireTagRight(
  deps: AdminDeps,
  caller: Caller,
  action: string,
  securable: Securable,
  key: string,
): Promise<void> {
  const { principal } = caller;
  if (principal.isAdmin) return;
  const applies =
    (await deps.authorizer.decide(principal, 'APPLY_TAG', securable)).allowed ||
    (await ownsOrInherits(deps, principal, securable));
  if (!applies) await refuse(deps, caller, action, securable, 'apply tags (needs APPLY_TAG)');
  for (const policy of await deps.metastore.tags.listPolicies()) {
    const { clauses } = parseTagExpression(policy.expression);
    if (!clauses.some((c) => c.key === key)) continue;
    for (const privilege of policy.privileges as Privilege[]) {
      const decision = await deps.authorizer.canGrant(principal, privilege, securable);
      if (decision.allowed) continue;
      await refuse(
        deps,
        caller,
        action,
        securable,
        `change tag ${key} (tag policy "${policy.expression}" grants ${privilege} by it, so this needs the right to grant ${privilege}: ownership, MANAGE_GRANTS, or ${privilege} with grant option)`,
      );
    }
  }
}

export async function assignTag(
  deps: AdminDeps,
  caller: Caller,
  securable: Securable,
  key: string,
  value: string,
): Promise<TagInfo> {
  requireTaggable(securable);
  await requireExisting(deps, caller.principal, securable);
  await requireTagRight(deps, caller, 'tag.assign', securable, key);
  const tagKey = await existingKey(deps, key);
  if (!tagKey.allowedValues.includes(value)) {
    throw new InvalidInput(
      'TAG_VALUE_NOT_ALLOWED',
      `"${value}" is not an allowed value of tag key ${key}.`,
      {
        hint: `Allowed values: ${tagKey.allowedValues.join(', ')}.`,
        details: { allowedValues: tagKey.allowedValues },
      },
    );
  }
  await commitChange(deps, (tx) =>
    tx.tags.assign({ securable, key, value, assignedBy: caller.principal.name }),
  );
  await recordAllowed(deps, caller, 'tag.assign', securable, `${key}=${value}`);
  return { securable, key, value, inheritedFrom: null };
}

/** Removing a tag that is not there is not an error. */
export async function unassignTag(
  deps: AdminDeps,
  caller: Caller,
  securable: Securable,
  key: string,
): Promise<void> {
  requireTaggable(securable);
  await requireExisting(deps, caller.principal, securable);
  await requireTagRight(deps, caller, 'tag.unassign', securable, key);
  await commitChange(deps, (tx) => tx.tags.unassign(securable, key));
  await recordAllowed(deps, caller, 'tag.unassign', securable, key);
}

/**
 * With a securable: its effective tags, each key from the nearest place that sets
 * it (column, then table, then namespaces inward-out). Without: every assignment on
 * something the caller may DESCRIBE.
 */
export async function listTags(
  deps: AdminDeps,
  caller: Caller,
  securable?: Securable,
): Promise<TagInfo[]> {
  const assignments = await deps.metastore.tags.listAssignments();
  if (securable === undefined) {
    const shown = await describable(deps, caller.principal, assignments, (a) => a.securable);
    return shown.map((a) => ({
      securable: a.securable,
      key: a.key,
      value: a.value,
      inheritedFrom: null,
    }));
  }
  await requireDescribable(deps, caller.principal, securable);
  const effective = new Map<string, TagInfo>();
  for (const place of [securable, ...ancestorsOf(securable)]) {
    for (const a of assignments) {
      if (!sameSecurable(a.securable, place) || effective.has(a.key)) continue;
      const own = sameSecurable(place, securable);
      effective.set(a.key, {
        securable,
        key: a.key,
        value: a.value,
        inheritedFrom: own ? null : place,
      });
    }
  }
  return [...effective.values()].sort((a, b) => a.key.localeCompare(b.key));
}
