/** SQL text escaping for the SQL Lakeward builds itself (never for user SQL). */

/** A DuckDB identifier: always double-quoted, so keywords and any characters are safe. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A DuckDB string literal. */
export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
