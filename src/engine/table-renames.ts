import { isNode, serializeSql } from './sql-parser.js';
import type { SqlNode } from './sql-parser.js';
import { analyzeTree } from './sql-analysis.js';
import { sqlPosition } from './sql-position.js';
import { quoteIdent } from './sql-quote.js';

/** The new name of a table as written in SQL (its parts), or undefined when it keeps its name. */
export type TableRenaming = (parts: readonly string[]) => string[] | undefined;

/** A query with its table names replaced, or why that cannot be done safely. */
export type RenamedSql =
  | { kind: 'renamed'; sql: string; renamed: number }
  | { kind: 'unchanged' }
  | { kind: 'impossible'; reason: string };

/**
 * Replaces the catalog table names a query reads, by the positions DuckDB's parser gives
 * (never by searching the text, which would also hit strings, comments and columns).
 * A table read without an alias keeps its old name as alias when the query qualifies
 * columns with it (`sales.amount`), so those keep binding. The result is parsed again
 * and must read exactly the renamed tables; anything else is reported as impossible.
 */
export async function renameTablesInSql(sql: string, rename: TableRenaming): Promise<RenamedSql> {
  const analysis = analyzeTree(sql, await serializeSql(sql));
  const edits: { start: number; end: number; to: string[]; alias: string | undefined }[] = [];
  const qualifiers = columnQualifiers(analysis.root);
  for (const site of analysis.sites) {
    const to = rename(site.ref.parts);
    if (to === undefined) continue;
    const start = charOffset(sql, locationOf(site.node));
    const end = start === undefined ? undefined : endOfName(sql, start, site.ref.parts);
    if (start === undefined || end === undefined) {
      return impossible(`the name ${site.written} could not be found where the parser placed it`);
    }
    const oldName = site.ref.parts.at(-1) ?? '';
    const keepAlias =
      site.node.alias === '' &&
      to.at(-1)?.toLowerCase() !== oldName.toLowerCase() &&
      qualifiers.has(oldName.toLowerCase());
    edits.push({ start, end, to, alias: keepAlias ? oldName : undefined });
  }
  for (const column of analysis.qualifiedColumns) {
    if (rename((column.column_names as string[]).slice(0, -1)) !== undefined) {
      const at = sqlPosition(sql, charOffset(sql, locationOf(column)) ?? 0);
      return impossible(
        `the column ${(column.column_names as string[]).join('.')} (line ${at.line}) is qualified with the full table name`,
      );
    }
  }
  if (edits.length === 0) return { kind: 'unchanged' };
  const expected = analysis.sites.map((s) => key(rename(s.ref.parts) ?? s.ref.parts)).sort();
  // Plain lower-case names stay bare, as people write them; a keyword among them would
  // not parse back, so the fallback quotes every new name.
  for (const quote of [quoteIfNeeded, quoteIdent]) {
    let renamed = sql;
    for (const edit of [...edits].sort((a, b) => b.start - a.start)) {
      const alias = edit.alias === undefined ? '' : ` AS ${quoteIdent(edit.alias)}`;
      const text = edit.to.map(quote).join('.') + alias;
      renamed = renamed.slice(0, edit.start) + text + renamed.slice(edit.end);
    }
    if (await readsExactly(renamed, expected)) {
      return { kind: 'renamed', sql: renamed, renamed: edits.length };
    }
  }
  return impossible('the rewritten query would no longer read the same tables');
}

/** The rewritten query must parse and read what the old one read, under the new names. */
async function readsExactly(sql: string, expected: string[]): Promise<boolean> {
  try {
    const sites = analyzeTree(sql, await serializeSql(sql)).sites.map((s) => key(s.ref.parts));
    return JSON.stringify(sites.sort()) === JSON.stringify(expected);
  } catch {
    return false;
  }
}

function key(parts: readonly string[]): string {
  return parts.map((p) => p.toLowerCase()).join('\u0000');
}

function impossible(reason: string): RenamedSql {
  return { kind: 'impossible', reason };
}

/** Lower-case names that qualify a column (`sales.amount`) or a star (`sales.*`). */
function columnQualifiers(root: SqlNode): Set<string> {
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (!isNode(value)) return;
    if (value.class === 'COLUMN_REF') {
      const names = value.column_names as string[];
      if (names.length >= 2) found.add(String(names.at(-2)).toLowerCase());
    }
    if (value.class === 'STAR' && typeof value.relation_name === 'string') {
      found.add(value.relation_name.toLowerCase());
    }
    for (const [k, child] of Object.entries(value)) {
      if (!(value.class === 'CONSTANT' && k === 'value')) walk(child);
    }
  };
  walk(root);
  found.delete('');
  return found;
}

function locationOf(node: SqlNode): number | undefined {
  const raw = node.query_location as { value?: string } | number | undefined;
  const value = typeof raw === 'object' ? Number(raw.value) : raw;
  // DuckDB says "no location" with the largest unsigned 64-bit number.
  return value === undefined || !Number.isSafeInteger(value) ? undefined : value;
}

/** DuckDB counts bytes of UTF-8; JavaScript strings count UTF-16 units. */
function charOffset(sql: string, bytes: number | undefined): number | undefined {
  if (bytes === undefined) return undefined;
  const encoded = Buffer.from(sql, 'utf8');
  if (bytes > encoded.length) return undefined;
  return encoded.subarray(0, bytes).toString('utf8').length;
}

const BARE = /[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/y;

/**
 * Where the name starting at `start` ends, read part by part (bare or double-quoted,
 * dots with optional spaces between); undefined unless it spells exactly `parts`.
 */
function endOfName(sql: string, start: number, parts: readonly string[]): number | undefined {
  let at = start;
  for (const [i, part] of parts.entries()) {
    if (i > 0) {
      const dot = /\s*\.\s*/y;
      dot.lastIndex = at;
      if (dot.exec(sql) === null) return undefined;
      at = dot.lastIndex;
    }
    const read = readPart(sql, at);
    if (read === undefined || read.text !== part) return undefined;
    at = read.end;
  }
  return at;
}

function readPart(sql: string, at: number): { text: string; end: number } | undefined {
  if (sql[at] === '"') {
    let text = '';
    for (let i = at + 1; i < sql.length; i++) {
      if (sql[i] !== '"') text += sql[i];
      else if (sql[i + 1] === '"') text += sql[i++];
      else return { text, end: i + 1 };
    }
    return undefined;
  }
  BARE.lastIndex = at;
  const match = BARE.exec(sql);
  return match === null ? undefined : { text: match[0], end: BARE.lastIndex };
}

function quoteIfNeeded(part: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(part) ? part : quoteIdent(part);
}
