import { PermissionDenied } from '../errors/index.js';
import type { Caller, ReadPolicy } from '../governance/index.js';
import type { AccessCheck, AccessGate } from './access-gate.js';
import { columnShapes, tableSecurable } from './catalog-securables.js';
import type { CatalogService, TableIdent } from './contract.js';
import { formatTableName } from './names.js';

/** Row changes that pick their rows by a condition the caller writes. */
const CHANGES = {
  delete: {
    what: 'Deleting rows by a condition',
    otherwise: '',
  },
  overwrite: {
    what: 'Replacing rows by a condition (an overwrite with where)',
    otherwise: ' An overwrite without where replaces the whole table and needs only MODIFY.',
  },
} as const;
export type RowChangeByCondition = keyof typeof CHANGES;

/** What a row change by condition needs to check the caller's right to read the table. */
export interface WholeTableReadContext {
  gate: AccessGate;
  catalog: Pick<CatalogService, 'describeTable'>;
  check: AccessCheck;
  caller: Caller;
}

/**
 * How many rows a condition matched tells whether such rows exist. A caller whose read
 * is narrowed (a data filter, a column mask, hidden columns) could change rows by a
 * guess about what it may not see, read the count and roll back: an oracle for hidden
 * rows and raw values. So a change by condition needs, besides MODIFY, a read of the
 * whole table with nothing filtered or masked (admins have it).
 */
export async function requireWholeTableRead(
  context: WholeTableReadContext,
  ident: TableIdent,
  change: RowChangeByCondition,
): Promise<void> {
  const { gate, catalog, check, caller } = context;
  // Masks apply to admins too, but an admin can drop any filter or mask: nothing to guard.
  if (caller.principal.isAdmin) return;
  const table = await catalog.describeTable(ident);
  const policy = await gate.authorizer.readPolicy(
    caller.principal,
    tableSecurable(ident).path,
    columnShapes(table),
  );
  const narrowing = narrowingOf(policy);
  if (narrowing === undefined) return;
  const name = formatTableName(ident);
  const { what, otherwise } = CHANGES[change];
  throw check.refuse(
    new PermissionDenied(
      'PERMISSION_DENIED',
      `${what} needs SELECT on the whole table ${name} without data filters or column masks; ${caller.principal.name} ${narrowing}.`,
      {
        hint: `Ask an admin for SELECT on ${name} itself (not through a data filter) and an exemption from its column masks, or have someone with that read make the change.${otherwise}`,
      },
    ),
  );
}

/** How the caller's read falls short of the whole table, in words; undefined when it does not. */
function narrowingOf(policy: ReadPolicy): string | undefined {
  if (!policy.allowed) return `may not read it (${policy.reason})`;
  const parts: string[] = [];
  if (policy.rowFilter !== undefined) {
    parts.push(`rows limited by data filter ${policy.applied.filters.join(', ')}`);
  }
  // Hidden columns are not named: their names are part of what is hidden.
  if (policy.columns !== undefined) parts.push('some columns hidden');
  if (policy.masks !== undefined && Object.keys(policy.masks).length > 0) {
    parts.push(
      policy.applied.masks.length > 0
        ? `masked columns (${policy.applied.masks.join(', ')})`
        : 'some cells masked',
    );
  }
  return parts.length === 0 ? undefined : `reads it narrowed (${parts.join('; ')})`;
}
