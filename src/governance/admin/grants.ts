import type { Caller, GrantInfo, Grantee, Privilege, Securable } from '../contract.js';
import { securableText } from '../policy/securable.js';
import { requireGrantRight } from './access.js';
import type { AdminDeps } from './admin-deps.js';
import { granteeText, requireGrantees, sameGrantee } from './grantees.js';
import { commitChange, recordAllowed } from './policy-change.js';
import { canonicalPrivileges, requireApplicable } from './privilege-rules.js';
import { grantInfo } from './records.js';
import { describable, requireDescribable, requireExisting } from './securables.js';

export interface GrantInput {
  privileges: Privilege[];
  securable: Securable;
  grantee: Grantee;
  withGrantOption?: boolean;
}

/**
 * Validate (names, applicability, existence) -> authorize (canGrant for each
 * privilege) -> check the grantee (after authorizing, so a stranger cannot probe
 * which principals exist) -> write every grant in one transaction.
 */
export async function grant(
  deps: AdminDeps,
  caller: Caller,
  input: GrantInput,
): Promise<GrantInfo[]> {
  const privileges = canonicalPrivileges(input.privileges);
  requireApplicable(privileges, [input.securable.kind]);
  await requireExisting(deps, caller.principal, input.securable);
  await requireGrantRight(deps, caller, 'grant', privileges, input.securable);
  await requireGrantees(deps.metastore, [input.grantee]);
  const withGrantOption = input.withGrantOption === true;
  const records = await commitChange(deps, async (tx) => {
    const written = [];
    for (const privilege of privileges) {
      written.push(
        await tx.grants.upsert({
          securable: input.securable,
          privilege,
          grantee: { kind: input.grantee.kind, name: input.grantee.name },
          withGrantOption,
          grantedBy: caller.principal.name,
        }),
      );
    }
    return written;
  });
  const option = withGrantOption ? ' with grant option' : '';
  await recordAllowed(
    deps,
    caller,
    'grant',
    input.securable,
    `${privileges.join(', ')} to ${granteeText(input.grantee)}${option}`,
  );
  return records.map(grantInfo);
}

/** Revoking what was never granted is not an error: it removes nothing and returns 0. */
export async function revoke(
  deps: AdminDeps,
  caller: Caller,
  input: { privileges: Privilege[]; securable: Securable; grantee: Grantee },
): Promise<number> {
  const privileges = canonicalPrivileges(input.privileges);
  await requireExisting(deps, caller.principal, input.securable);
  await requireGrantRight(deps, caller, 'revoke', privileges, input.securable);
  const removed = await commitChange(deps, async (tx) => {
    const matching = (await tx.grants.listOn(input.securable)).filter(
      (g) => privileges.includes(g.privilege as Privilege) && sameGrantee(g.grantee, input.grantee),
    );
    for (const g of matching) await tx.grants.delete(g.id);
    return matching.length;
  });
  await recordAllowed(
    deps,
    caller,
    'revoke',
    input.securable,
    `${privileges.join(', ')} from ${granteeText(input.grantee)} (${removed} removed)`,
  );
  return removed;
}

/** Grants (ownership included) on securables the caller may DESCRIBE. */
export async function listGrants(
  deps: AdminDeps,
  caller: Caller,
  filter: { securable?: Securable; grantee?: Grantee } = {},
): Promise<GrantInfo[]> {
  const { securable, grantee } = filter;
  if (securable !== undefined) await requireDescribable(deps, caller.principal, securable);
  const all =
    securable === undefined
      ? await deps.metastore.grants.list()
      : await deps.metastore.grants.listOn(securable);
  const narrowed = grantee === undefined ? all : all.filter((g) => sameGrantee(g.grantee, grantee));
  const shown = await describable(deps, caller.principal, narrowed, (g) => g.securable);
  return shown.map(grantInfo).sort(byPlace);
}

function byPlace(a: GrantInfo, b: GrantInfo): number {
  return (
    securableText(a.securable).localeCompare(securableText(b.securable)) ||
    a.privilege.localeCompare(b.privilege) ||
    a.grantee.name.localeCompare(b.grantee.name)
  );
}
