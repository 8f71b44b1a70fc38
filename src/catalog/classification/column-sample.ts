import { quoteIdent } from '../../engine/index.js';
import type { Caller } from '../../governance/index.js';
import type { TableIdent } from '../contract.js';
import type { QueryService } from '../query-service.js';

/** Rows drawn before the per-column pick, per value wanted: sparse columns still fill up. */
const ROWS_PER_VALUE = 20;
const MIN_SAMPLED_ROWS = 20_000;

/**
 * The SQL of one sample: a reservoir of rows (USING SAMPLE), then per column up to
 * `size` non-null values picked at random from it, all in one scan of the table.
 */
export function sampleSql(table: TableIdent, columns: readonly string[], size: number): string {
  const from = [...table.namespace, table.name].map(quoteIdent).join('.');
  const rows = Math.max(size * ROWS_PER_VALUE, MIN_SAMPLED_ROWS);
  const picks = columns.map((column, i) => {
    const c = quoteIdent(column);
    // As text: detectors read text, and whole-number columns may hold card numbers.
    return `arg_min(CAST(${c} AS VARCHAR), "__pick", ${size}) FILTER (WHERE ${c} IS NOT NULL) AS "v${i}"`;
  });
  const projected = columns.map(quoteIdent).join(', ');
  return (
    `SELECT ${picks.join(', ')} FROM (SELECT ${projected}, random() AS "__pick" ` +
    `FROM ${from} USING SAMPLE reservoir(${rows} ROWS))`
  );
}

/**
 * Non-null values of the columns as the caller reads them: the query runs through the
 * governed path, so row filters and masks apply and the read is audited as a query.
 */
export async function sampleColumns(
  query: Pick<QueryService, 'execute'>,
  caller: Caller,
  table: TableIdent,
  columns: readonly string[],
  size: number,
): Promise<Map<string, string[]>> {
  const samples = new Map<string, string[]>();
  if (columns.length === 0) return samples;
  const result = await query.execute(caller, sampleSql(table, columns, size), { maxRows: 1 });
  const row = result.rows[0] ?? [];
  columns.forEach((column, i) => {
    const values = row[i];
    samples.set(column, Array.isArray(values) ? values.map((v) => String(v)) : []);
  });
  return samples;
}
