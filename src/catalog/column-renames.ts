import { Conflict } from '../errors/index.js';
import type { PolicyAdmin } from '../governance/index.js';
import { tableSecurable } from './catalog-securables.js';
import type { SchemaChange, TableIdent } from './contract.js';
import { formatTableName } from './names.js';

/**
 * Masks, data filters, column grants and column tags are keyed by column name: a
 * rename would silently detach them and leave the values unprotected. So a column any
 * policy refers to cannot be renamed; an admin drops the policies first and recreates
 * them for the new name.
 */
export async function refuseDetachingRenames(
  policies: Pick<PolicyAdmin, 'columnPolicies'>,
  ident: TableIdent,
  changes: readonly SchemaChange[],
): Promise<void> {
  const path = tableSecurable(ident).path;
  const blocked: { column: string; policies: string[] }[] = [];
  for (const change of changes) {
    if (change.kind !== 'rename') continue;
    const found = await policies.columnPolicies(path, change.name);
    if (found.length > 0) blocked.push({ column: change.name, policies: found });
  }
  if (blocked.length === 0) return;
  const columns = blocked.map((b) => b.column);
  const named = blocked.map((b) => `${b.column}: ${b.policies.join(', ')}`).join('; ');
  throw new Conflict(
    'COLUMN_HAS_POLICY',
    `Cannot rename ${columns.join(', ')} of ${formatTableName(ident)}: governance policies refer to it by name and would no longer apply (${named}).`,
    {
      hint: 'Ask an admin to drop those policies, rename the column, then recreate them for the new name.',
      details: { columns, policies: blocked },
    },
  );
}
