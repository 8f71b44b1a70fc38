import { Conflict } from '../../errors/index.js';
import type { GranteeRecord, Metastore } from '../../metastore/index.js';
import { securableText } from '../policy/securable.js';

type Repositories = Pick<Metastore, 'grants' | 'tags' | 'dataPolicies' | 'groups'>;

export interface GranteeCleanup {
  /** Grants and tag policies removed. */
  grants: number;
  /** Data filters and column masks the grantee was taken off. */
  filters: number;
  masks: number;
}

/** How many owned securables the refusal names; the rest are counted. */
const LISTED_OWNED = 10;

/**
 * Takes a principal or group that is about to be deleted out of the policy: its grants and
 * tag policies, data-filter grantee lists, mask exempt lists and (for principals) group
 * memberships. Names are reused, so anything left behind would pass to the next holder
 * of the name. An owner is refused instead (PRINCIPAL_OWNS_OBJECTS): dropping its OWNER
 * grants would leave objects without an owner, and keeping them would hand ownership to
 * whoever is next created (or signs in through OIDC) with the name.
 */
export async function removeGrantee(
  tx: Repositories,
  grantee: GranteeRecord,
): Promise<GranteeCleanup> {
  const same = (g: GranteeRecord): boolean => g.kind === grantee.kind && g.name === grantee.name;
  const result: GranteeCleanup = { grants: 0, filters: 0, masks: 0 };
  const grants = (await tx.grants.list()).filter((g) => same(g.grantee));
  const owned = grants.filter((g) => g.privilege === 'OWNER').map((g) => g.securable);
  if (owned.length > 0) throw ownsObjects(grantee, owned.map(securableText));

  for (const grant of grants) {
    await tx.grants.delete(grant.id);
    result.grants += 1;
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

function ownsObjects(grantee: GranteeRecord, owned: string[]): Conflict {
  const who = `${grantee.kind === 'group' ? 'Group' : 'Principal'} ${grantee.name}`;
  const listed = owned.slice(0, LISTED_OWNED).join(', ');
  const more = owned.length > LISTED_OWNED ? ` and ${owned.length - LISTED_OWNED} more` : '';
  return new Conflict(
    'PRINCIPAL_OWNS_OBJECTS',
    `${who} still owns ${listed}${more}, so it cannot be deleted.`,
    {
      hint: `give each a new owner first, e.g. lakeward owner set ${owned[0] ?? 'KIND NAME'} user OTHER`,
      details: { owned },
    },
  );
}
