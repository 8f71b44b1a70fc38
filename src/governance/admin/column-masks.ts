import { parseColumnExpression } from '../../engine/index.js';
import { InvalidInput, NotFound } from '../../errors/index.js';
import type { Caller, ColumnMaskInfo, ColumnShape, Grantee, MaskFunction } from '../contract.js';
import { MASK_FUNCTIONS } from '../contract.js';
import { dottedName } from '../policy/securable.js';
import { requireTablePolicyRight } from './access.js';
import type { AdminDeps } from './admin-deps.js';
import { distinctGrantees, granteeText, requireGrantees } from './grantees.js';
import { commitChange, recordAllowed } from './policy-change.js';
import { columnMaskInfo } from './records.js';
import { describable, requireDescribable, samePath, tableSecurable } from './securables.js';
import { columnNamed } from './table-columns.js';

export interface ColumnMaskInput {
  table: string[];
  column: string;
  function: MaskFunction;
  expression?: string;
  exempt?: Grantee[];
}

/** Iceberg types that have a year to show. */
const DATE_TYPES = ['date', 'timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns'];

function maskFunction(name: string): MaskFunction {
  const canonical = name.trim().toUpperCase();
  const found = MASK_FUNCTIONS.find((f) => f === canonical);
  if (found !== undefined) return found;
  throw new InvalidInput('INVALID_MASK_FUNCTION', `"${name}" is not a masking function.`, {
    hint: `Masking functions: ${MASK_FUNCTIONS.join(', ')}.`,
  });
}

/** Checks the function against the column; returns the CUSTOM expression as DuckDB prints it. */
async function checkedExpression(
  fn: MaskFunction,
  column: ColumnShape,
  expression: string | undefined,
  columns: readonly ColumnShape[],
): Promise<string | null> {
  if (fn === 'MASK_DATE_SHOW_YEAR' && !DATE_TYPES.includes(column.type)) {
    throw new InvalidInput(
      'MASK_NOT_APPLICABLE',
      `MASK_DATE_SHOW_YEAR needs a date or timestamp column; ${column.name} is ${column.type}.`,
      {
        hint: 'Use MASK, MASK_NULL or MASK_HASH for this column, or CUSTOM with an expression.',
      },
    );
  }
  const text = expression?.trim() ?? '';
  if (fn !== 'CUSTOM') {
    if (text === '') return null;
    throw new InvalidInput(
      'INVALID_MASK_EXPRESSION',
      `Only a CUSTOM mask takes an expression; ${fn} does not.`,
      {
        hint: `Drop the expression, or use CUSTOM with it.`,
      },
    );
  }
  if (text === '') {
    throw new InvalidInput(
      'INVALID_MASK_EXPRESSION',
      'A CUSTOM mask needs an SQL expression over the column.',
      {
        hint: `e.g. --expression "left(${column.name}, 2) || '***'"`,
      },
    );
  }
  return parseColumnExpression(
    text,
    columns.map((c) => c.name),
  );
}

/** One mask per column: setting it again replaces the previous one. */
export async function setColumnMask(
  deps: AdminDeps,
  caller: Caller,
  input: ColumnMaskInput,
): Promise<ColumnMaskInfo> {
  const fn = maskFunction(input.function);
  await requireTablePolicyRight(deps, caller, 'mask.set', input.table);
  const columns = await deps.securables.columns(input.table);
  const column = columnNamed(input.table, columns, input.column);
  const expression = await checkedExpression(fn, column, input.expression, columns);
  const exempt = distinctGrantees(input.exempt ?? []);
  await requireGrantees(deps.metastore, exempt);
  const saved = await commitChange(deps, (tx) =>
    tx.dataPolicies.setMask({
      table: input.table,
      column: column.name,
      function: fn,
      expression,
      exempt,
      createdBy: caller.principal.name,
    }),
  );
  const except = exempt.length === 0 ? '' : ` except ${exempt.map(granteeText).join(', ')}`;
  const resource = { kind: 'column' as const, path: [...input.table, column.name] };
  await recordAllowed(
    deps,
    caller,
    'mask.set',
    resource,
    `${fn}${expression === null ? '' : ` ${expression}`}${except}`,
  );
  return columnMaskInfo(saved);
}

export async function deleteColumnMask(
  deps: AdminDeps,
  caller: Caller,
  table: string[],
  column: string,
): Promise<void> {
  await requireTablePolicyRight(deps, caller, 'mask.delete', table);
  const columns = await deps.securables.columns(table);
  const name = columnNamed(table, columns, column).name;
  const mask = (await deps.metastore.dataPolicies.listMasks()).find(
    (m) => samePath(m.table, table) && m.column === name,
  );
  if (mask === undefined) {
    throw new NotFound(
      'MASK_NOT_FOUND',
      `The column ${name} of ${dottedName(table)} has no mask.`,
      {
        hint: `lakeward masks list ${dottedName(table)} shows its masks.`,
      },
    );
  }
  await commitChange(deps, (tx) => tx.dataPolicies.deleteMask(mask.id));
  await recordAllowed(
    deps,
    caller,
    'mask.delete',
    { kind: 'column', path: [...table, name] },
    mask.function,
  );
}

/** Masks on tables the caller may DESCRIBE, optionally of one table. */
export async function listColumnMasks(
  deps: AdminDeps,
  caller: Caller,
  table?: string[],
): Promise<ColumnMaskInfo[]> {
  if (table !== undefined) await requireDescribable(deps, caller.principal, tableSecurable(table));
  const all = await deps.metastore.dataPolicies.listMasks();
  const narrowed = table === undefined ? all : all.filter((m) => samePath(m.table, table));
  const shown = await describable(deps, caller.principal, narrowed, (m) => tableSecurable(m.table));
  return shown
    .map(columnMaskInfo)
    .sort(
      (a, b) =>
        dottedName(a.table).localeCompare(dottedName(b.table)) || a.column.localeCompare(b.column),
    );
}
