import { PermissionDenied } from '../../errors/index.js';
import type { Caller, Principal, Privilege, Securable } from '../contract.js';
import { ancestorsOf, securableText } from '../policy/securable.js';
import type { AdminDeps } from './admin-deps.js';
import type { AuditResource } from './policy-change.js';
import { recordDenied } from './policy-change.js';
import { catalogSecurable, notFoundFor, requireExisting } from './securables.js';

/**
 * Records the refusal, then throws: NotFound (as for a missing object) when the
 * caller may not even DESCRIBE the securable, so its existence is not revealed;
 * PermissionDenied naming what is missing otherwise.
 */
export async function refuse(
  deps: AdminDeps,
  caller: Caller,
  action: string,
  securable: Securable,
  reason: string,
): Promise<never> {
  await recordDenied(deps, caller, action, securable, reason);
  const [visible] = await deps.authorizer.visible(caller.principal, [securable]);
  if (securable.kind !== 'catalog' && visible !== true) {
    throw await notFoundFor(deps, caller.principal, securable);
  }
  throw new PermissionDenied(
    'PERMISSION_DENIED',
    `${caller.principal.name} may not ${reason} on ${securableText(securable)}.`,
    {
      hint: `Ask an admin, the owner of ${securableText(securable)}, or a holder of MANAGE_GRANTS on it.`,
    },
  );
}

/**
 * The rule for changing who may do what on a securable (grants, revokes, filters,
 * masks): canGrant for every privilege involved.
 */
export async function requireGrantRight(
  deps: AdminDeps,
  caller: Caller,
  action: string,
  privileges: readonly Privilege[],
  securable: Securable,
): Promise<void> {
  for (const privilege of privileges) {
    const decision = await deps.authorizer.canGrant(caller.principal, privilege, securable);
    if (!decision.allowed) {
      await refuse(deps, caller, action, securable, `grant ${privilege}`);
    }
  }
}

/** Admin, or MANAGE_GRANTS on the catalog: the rule for tag keys and tag policies. */
export async function managesCatalog(deps: AdminDeps, principal: Principal): Promise<boolean> {
  if (principal.isAdmin) return true;
  const decision = await deps.authorizer.decide(principal, 'MANAGE_GRANTS', catalogSecurable());
  return decision.allowed;
}

export async function requireCatalogManager(
  deps: AdminDeps,
  caller: Caller,
  action: string,
  resource: AuditResource,
): Promise<void> {
  if (await managesCatalog(deps, caller.principal)) return;
  await recordDenied(deps, caller, action, resource, 'needs MANAGE_GRANTS on the catalog');
  throw new PermissionDenied(
    'PERMISSION_DENIED',
    `${caller.principal.name} may not manage tags and tag policies: that needs MANAGE_GRANTS on the catalog.`,
    { hint: 'Ask an admin to grant MANAGE_GRANTS on the catalog, or to make the change.' },
  );
}

/**
 * An owner of the securable or of one of its ancestors, directly or through a group
 * (ownership is a grant with privilege OWNER).
 */
export async function ownsOrInherits(
  deps: AdminDeps,
  principal: Principal,
  securable: Securable,
): Promise<boolean> {
  const groups = new Set(await deps.authorizer.groupsOf(principal));
  for (const s of [securable, ...ancestorsOf(securable)]) {
    const grants = await deps.metastore.grants.listOn(s);
    const owned = grants.some(
      (g) =>
        g.privilege === 'OWNER' &&
        (g.grantee.kind === 'principal'
          ? g.grantee.name === principal.name
          : groups.has(g.grantee.name)),
    );
    if (owned) return true;
  }
  return false;
}

/**
 * Filters and masks decide who sees which rows and cells of a table. The grant option
 * is not enough: a holder of SELECT WITH GRANT OPTION could exempt himself from a mask
 * or delete it. They take admin, ownership of the table or an ancestor, or
 * MANAGE_GRANTS on it or an ancestor — exactly who may grant MANAGE_GRANTS there
 * (canGrant), which, unlike decide, asks no USAGE of an owner. The table must exist first.
 */
export async function requireTablePolicyRight(
  deps: AdminDeps,
  caller: Caller,
  action: string,
  table: string[],
): Promise<void> {
  const securable: Securable = { kind: 'table', path: table };
  await requireExisting(deps, caller.principal, securable);
  const decision = await deps.authorizer.canGrant(caller.principal, 'MANAGE_GRANTS', securable);
  if (!decision.allowed) {
    await refuse(
      deps,
      caller,
      action,
      securable,
      'manage data filters and column masks (that takes ownership of the table or a namespace above it, or MANAGE_GRANTS on either; SELECT with grant option is not enough)',
    );
  }
}
