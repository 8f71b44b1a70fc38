import type { Caller, Grantee, Securable } from '../contract.js';
import { ownsOrInherits, refuse } from './access.js';
import type { AdminDeps, Repositories } from './admin-deps.js';
import { granteeText, requireGrantees } from './grantees.js';
import { commitChange, recordAllowed } from './policy-change.js';
import { requireExisting } from './securables.js';

const OWNER = 'OWNER';

/** One owner per securable: the previous OWNER grant goes in the same transaction. */
async function replaceOwner(
  tx: Repositories,
  securable: Securable,
  owner: Grantee,
  by: string,
): Promise<void> {
  for (const g of await tx.grants.listOn(securable)) {
    if (g.privilege === OWNER) await tx.grants.delete(g.id);
  }
  await tx.grants.upsert({
    securable,
    privilege: OWNER,
    grantee: { kind: owner.kind, name: owner.name },
    withGrantOption: false,
    grantedBy: by,
  });
}

/** Only an admin or an owner (of the securable or an ancestor) hands ownership on. */
export async function setOwner(
  deps: AdminDeps,
  caller: Caller,
  securable: Securable,
  owner: Grantee,
): Promise<void> {
  await requireExisting(deps, caller.principal, securable);
  const allowed =
    caller.principal.isAdmin || (await ownsOrInherits(deps, caller.principal, securable));
  if (!allowed)
    await refuse(
      deps,
      caller,
      'owner.set',
      securable,
      'change the owner (only an admin or an owner may)',
    );
  await requireGrantees(deps.metastore, [owner]);
  await commitChange(deps, (tx) => replaceOwner(tx, securable, owner, caller.principal.name));
  await recordAllowed(deps, caller, 'owner.set', securable, `owner is now ${granteeText(owner)}`);
}

/**
 * Called by the use case that created the securable, which has authorized and
 * audited the creation itself; hence no check and no event here.
 */
export async function recordOwner(
  deps: AdminDeps,
  securable: Securable,
  owner: Grantee,
  by: string,
): Promise<void> {
  await commitChange(deps, (tx) => replaceOwner(tx, securable, owner, by));
}

/** Catalog hooks: everything attached to a path follows its rename or goes with its drop. */
export async function renamed(deps: AdminDeps, from: string[], to: string[]): Promise<void> {
  await commitChange(deps, (tx) => tx.securablePaths.rename(from, to));
}

export async function dropped(deps: AdminDeps, path: string[]): Promise<void> {
  await commitChange(deps, (tx) => tx.securablePaths.forget(path));
}
