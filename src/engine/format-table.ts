import type { QueryResult } from './ports.js';

const numericType =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/;

/** A result as an aligned text table for a terminal: numbers right-aligned, NULL spelled out. */
export function formatTable(result: QueryResult): string {
  const headers = result.columns.map((c) => c.name);
  const rightAligned = result.columns.map((c) => numericType.test(c.type));
  const cells = result.rows.map((row) => headers.map((_, i) => cellText(row[i])));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]?.length ?? 0)));
  const line = (values: string[]): string =>
    values
      .map((v, i) => (rightAligned[i] ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0)))
      .join(' | ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-+-');
  const body = [line(headers), rule, ...cells.map(line)];
  return [...body, footer(result)].join('\n');
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  // One row per line: embedded line breaks would tear the table apart.
  return text.replace(/\r?\n/g, '\\n');
}

function footer(result: QueryResult): string {
  const rows = `(${result.rowCount} ${result.rowCount === 1 ? 'row' : 'rows'})`;
  if (!result.truncated) return rows;
  return `${rows} — more rows were cut off; add a LIMIT, or export with --format csv or parquet for everything.`;
}
