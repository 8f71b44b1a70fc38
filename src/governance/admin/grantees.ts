import { NotFound } from '../../errors/index.js';
import type { Metastore } from '../../metastore/index.js';
import type { Grantee } from '../contract.js';
import { ALL_USERS_GROUP } from '../contract.js';

export function granteeText(grantee: Grantee): string {
  return `${grantee.kind} ${grantee.name}`;
}

export function sameGrantee(a: Grantee, b: Grantee): boolean {
  return a.kind === b.kind && a.name === b.name;
}

/** NotFound GRANTEE_NOT_FOUND unless each grantee is a principal, a group, or all_users. */
export async function requireGrantees(
  metastore: Metastore,
  grantees: readonly Grantee[],
): Promise<void> {
  for (const grantee of grantees) {
    const exists =
      grantee.kind === 'principal'
        ? (await metastore.principals.getByName(grantee.name)) !== undefined
        : grantee.name === ALL_USERS_GROUP ||
          (await metastore.groups.getByName(grantee.name)) !== undefined;
    if (!exists) {
      const list =
        grantee.kind === 'principal' ? 'lakeward principals list' : 'lakeward groups list';
      throw new NotFound('GRANTEE_NOT_FOUND', `There is no ${granteeText(grantee)}.`, {
        hint: `${list} shows who exists; create the ${grantee.kind} first.`,
      });
    }
  }
}

/** Grantees without repeats, in first-seen order. */
export function distinctGrantees(grantees: readonly Grantee[]): Grantee[] {
  const out: Grantee[] = [];
  for (const g of grantees)
    if (!out.some((o) => sameGrantee(o, g))) out.push({ kind: g.kind, name: g.name });
  return out;
}
