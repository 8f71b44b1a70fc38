import type { GranteeRecord, Metastore, SecurableRecord } from '../../metastore/index.js';

type Repositories = Pick<Metastore, 'grants' | 'tags' | 'dataPolicies' | 'groups'>;

export interface GranteeCleanup {
  /** Grants and tag policies removed. */
  grants: number;
  /** Data filters and column masks the grantee was taken off. */
  filters: number;
  masks: number;
  /** Securables it still owns: ownership is kept so nothing is left without an owner. */
  keptOwnership: SecurableRecord[];
}

/**
 * Takes a principal or group that is about to be deleted out of the policy: its grants and
 * tag policies, data-filter grantee lists, mask exempt lists and (for principals) group
 * memberships. Names are reused, so anything left behind would pass to the next holder
 * of the name. OWNER grants stay: an owner must be reassigned on purpose (setOwner).
 */
export async function removeGrantee(
  tx: Repositories,
  grantee: GranteeRecord,
): Promise<GranteeCleanup> {
  const same = (g: GranteeRecord): boolean => g.kind === grantee.kind && g.name === grantee.name;
  const result: GranteeCleanup = { grants: 0, filters: 0, masks: 0, keptOwnership: [] };

  for (const grant of await tx.grants.list()) {
    if (!same(grant.grantee)) continue;
    if (grant.privilege === 'OWNER') {
      result.keptOwnership.push(grant.securable);
    } else {
      await tx.grants.delete(grant.id);
      result.grants += 1;
    }
  }
  for (const policy of await tx.tags.listPolicies()) {
    if (!same(policy.grantee)) continue;
    await tx.tags.deletePolicy(policy.id);
    result.grants += 1;
  }
  for (const filter of await tx.dataPolicies.listFilters()) {
    if (!filter.grantees.some(same)) continue;
    await tx.dataPolicies.updateFilter(filter.id, {
      grantees: filter.grantees.filter((g) => !same(g)),
    });
    result.filters += 1;
  }
  for (const mask of await tx.dataPolicies.listMasks()) {
    if (!mask.exempt.some(same)) continue;
    const { id: _id, createdAt: _createdAt, ...rest } = mask;
    await tx.dataPolicies.setMask({ ...rest, exempt: mask.exempt.filter((g) => !same(g)) });
    result.masks += 1;
  }
  if (grantee.kind === 'principal') {
    // A group's own memberships go with the group; a principal's are rows naming it.
    for (const membership of await tx.groups.listMemberships()) {
      if (same(membership.member))
        await tx.groups.removeMember(membership.groupName, membership.member);
    }
  }
  return result;
}
