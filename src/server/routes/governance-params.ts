/** Securables and grantees as the governance routes receive them, parsed at the edge. */
import { InvalidInput } from '../../errors/index.js';
import { parseSecurable } from '../../governance/index.js';
import type { Grantee, Securable, SecurableKind } from '../../governance/index.js';
import { GRANTEE_KINDS, SECURABLE_KINDS } from '../schemas.js';

export type GranteeKindText = (typeof GRANTEE_KINDS)[number];

export function securableOf(ref: { kind: SecurableKind; name: string }): Securable {
  return parseSecurable(ref.kind, ref.name);
}

export function granteeOf(ref: { kind: GranteeKindText; name: string }): Grantee {
  return { kind: ref.kind === 'group' ? 'group' : 'principal', name: ref.name };
}

/** `kind:name` in a query string, e.g. `table:gold.revenue.monthly`, `group:analysts`, `catalog`. */
function splitRef(text: string, what: string, example: string): { kind: string; name: string } {
  const colon = text.indexOf(':');
  if (colon === -1 && text.trim() !== 'catalog') {
    throw new InvalidInput('INVALID_REFERENCE', `"${text}" is not a ${what} as kind:name.`, {
      hint: `Write it as kind:name, e.g. ${example}.`,
    });
  }
  return colon === -1
    ? { kind: 'catalog', name: '' }
    : { kind: text.slice(0, colon).trim(), name: text.slice(colon + 1) };
}

export function parseSecurableRef(text: string): Securable {
  const { kind, name } = splitRef(text, 'securable', 'table:gold.revenue.monthly');
  if (!(SECURABLE_KINDS as readonly string[]).includes(kind)) {
    throw new InvalidInput('INVALID_REFERENCE', `"${kind}" is not a kind of securable.`, {
      hint: `Use one of ${SECURABLE_KINDS.join(', ')}, e.g. table:gold.revenue.monthly.`,
    });
  }
  return parseSecurable(kind as SecurableKind, name);
}

export function parseGranteeRef(text: string): Grantee {
  const { kind, name } = splitRef(text, 'grantee', 'group:marketing_team');
  if (!(GRANTEE_KINDS as readonly string[]).includes(kind) || name.trim() === '') {
    throw new InvalidInput('INVALID_REFERENCE', `"${text}" is not a user or group.`, {
      hint: 'Write it as user:NAME or group:NAME, e.g. group:marketing_team.',
    });
  }
  return granteeOf({ kind: kind as GranteeKindText, name: name.trim() });
}

/** A table's path from its dotted name. */
export function tablePath(text: string): string[] {
  return parseSecurable('table', text).path;
}

export const tableQuery = {
  type: 'string',
  description: 'Dotted table name, e.g. bronze.crm.customers',
} as const;
