/** Securables, grantees and privileges as users type them on the command line. */
import { InvalidInput } from '../../errors/index.js';
import {
  APPLICABLE_PRIVILEGES,
  canonicalPrivileges,
  parseSecurable,
} from '../../governance/index.js';
import type { Grantee, Privilege, Securable, SecurableKind } from '../../governance/index.js';

const SECURABLE_KINDS: readonly SecurableKind[] = [
  'catalog',
  'namespace',
  'table',
  'volume',
  'column',
];
const GRANTEE_KINDS = ['user', 'service', 'group'] as const;

export function isSecurableKind(word: string): word is SecurableKind {
  return (SECURABLE_KINDS as readonly string[]).includes(word);
}

export function securableArg(kind: string, name: string): Securable {
  const lower = kind.toLowerCase();
  if (!isSecurableKind(lower)) {
    throw new InvalidInput('INVALID_SECURABLE_KIND', `"${kind}" is not a kind of securable.`, {
      hint: `Use one of ${SECURABLE_KINDS.join(', ')}, e.g. table gold.revenue.monthly.`,
    });
  }
  return parseSecurable(lower, name);
}

export function granteeArg(kind: string, name: string | undefined): Grantee {
  const lower = kind.toLowerCase();
  if (!(GRANTEE_KINDS as readonly string[]).includes(lower) || !name) {
    throw new InvalidInput(
      'INVALID_GRANTEE',
      `"${[kind, name].filter(Boolean).join(' ')}" is not a user or group.`,
      { hint: 'Name a grantee as user NAME or group NAME (user:NAME, group:NAME in lists).' },
    );
  }
  return { kind: lower === 'group' ? 'group' : 'principal', name };
}

/** `user:alice,group:us_analysts` (also `user alice` as two words). */
export function granteeList(text: string): Grantee[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map((item) => {
      const colon = item.indexOf(':');
      return colon === -1
        ? granteeArg(item, undefined)
        : granteeArg(item.slice(0, colon), item.slice(colon + 1).trim());
    });
}

/** `--to group marketing_team` or `--to group:marketing_team` (variadic option values). */
export function granteeWords(words: string[]): Grantee {
  if (words.length === 1 && words[0]!.includes(':')) return granteeList(words[0]!)[0]!;
  return granteeArg(words[0] ?? '', words[1]);
}

/** `--on table gold.revenue.monthly`, `--on catalog`. */
export function securableWords(words: string[]): Securable {
  return securableArg(words[0] ?? '', words.slice(1).join(' '));
}

/** `SELECT,DESCRIBE`, case-insensitive; `ALL` is every privilege that applies to the kind. */
export function privilegeList(text: string, kind: SecurableKind): Privilege[] {
  const names = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (names.length === 1 && names[0]!.toUpperCase() === 'ALL') {
    return [...APPLICABLE_PRIVILEGES[kind]];
  }
  return canonicalPrivileges(names);
}

export function csv(text: string): string[] {
  return text
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

export function tableArg(text: string): string[] {
  return parseSecurable('table', text).path;
}

export function granteeText(grantee: Grantee): string {
  return `${grantee.kind === 'group' ? 'group' : 'user'} ${grantee.name}`;
}
