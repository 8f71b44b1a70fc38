/** Where an offset of the user's SQL text is, as an editor shows it (1-based). */
export interface SqlPosition {
  position: number;
  line: number;
  column: number;
}

export function sqlPosition(sql: string, position: number): SqlPosition {
  const before = sql.slice(0, position).split('\n');
  return { position, line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

/**
 * Where the first identifier DuckDB quotes in a run-time message appears in the
 * user's SQL. DuckDB's own positions point into the rewritten query, so the name
 * is looked up instead; undefined when it is absent or ambiguous.
 */
export function positionOfQuotedName(sql: string, message: string): SqlPosition | undefined {
  const name = /"([^"\n]+)"/.exec(message)?.[1];
  if (name === undefined) return undefined;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const matches = [...sql.matchAll(new RegExp(`(?<![\\w"])"?${escaped}"?(?![\\w"])`, 'gi'))];
  const only = matches.length === 1 ? matches[0] : undefined;
  return only?.index === undefined ? undefined : sqlPosition(sql, only.index);
}
