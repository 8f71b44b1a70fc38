import { InvalidInput } from '../../errors/index.js';
import type { Privilege, SecurableKind } from '../contract.js';
import { PRIVILEGES } from '../contract.js';

const tableLike: readonly Privilege[] = [
  'DESCRIBE',
  'SELECT',
  'INSERT',
  'MODIFY',
  'ALTER',
  'DROP',
  'MANAGE_GRANTS',
  'APPLY_TAG',
];

/**
 * Which privileges mean something on which kind of securable. Creating children only
 * makes sense on containers, the audit log and the external locations belong to the
 * catalog, and a column can only be read (writes and drops are table-wide).
 */
export const APPLICABLE_PRIVILEGES: Readonly<Record<SecurableKind, readonly Privilege[]>> = {
  catalog: PRIVILEGES,
  namespace: PRIVILEGES.filter((p) => p !== 'READ_AUDIT' && p !== 'CREATE_EXTERNAL_TABLE'),
  table: tableLike,
  // A volume's files are read and written with privileges of their own; creating one is a
  // container's right (catalog, namespace), like CREATE_TABLE.
  volume: [...tableLike, 'READ_VOLUME', 'WRITE_VOLUME'],
  column: ['SELECT'],
};

/** Case-insensitive, with spaces or dashes for underscores: 'create table' -> CREATE_TABLE. */
export function canonicalPrivileges(names: readonly string[]): Privilege[] {
  if (names.length === 0) {
    throw new InvalidInput('INVALID_PRIVILEGE', 'No privilege was given.', {
      hint: `Name at least one of: ${PRIVILEGES.join(', ')}.`,
    });
  }
  const out: Privilege[] = [];
  for (const name of names) {
    const canonical = name
      .trim()
      .toUpperCase()
      .replace(/[\s-]+/g, '_');
    const privilege = PRIVILEGES.find((p) => p === canonical);
    if (privilege === undefined) {
      throw new InvalidInput('INVALID_PRIVILEGE', `"${name}" is not a privilege.`, {
        hint: `Privileges: ${PRIVILEGES.join(', ')}.`,
      });
    }
    if (!out.includes(privilege)) out.push(privilege);
  }
  return out;
}

function kindsFor(privilege: Privilege): SecurableKind[] {
  return (Object.keys(APPLICABLE_PRIVILEGES) as SecurableKind[]).filter((kind) =>
    APPLICABLE_PRIVILEGES[kind].includes(privilege),
  );
}

export function requireApplicable(
  privileges: readonly Privilege[],
  kinds: readonly SecurableKind[],
): void {
  for (const privilege of privileges) {
    if (kinds.some((kind) => APPLICABLE_PRIVILEGES[kind].includes(privilege))) continue;
    const where = kindsFor(privilege).join(', ');
    throw new InvalidInput(
      'PRIVILEGE_NOT_APPLICABLE',
      `${privilege} cannot be granted on a ${kinds.join(' or ')}; it applies to: ${where}.`,
      {
        hint: `Grant ${privilege} on a ${where}, or choose a privilege that applies here.`,
        details: { privilege, appliesTo: kindsFor(privilege) },
      },
    );
  }
}
