import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { isLosslessNumber, parse, stringify } from 'lossless-json';
import { checkSqlLimits } from './sql-limits.js';

/**
 * DuckDB's own parser, exposed as JSON trees (json_serialize_sql) and back
 * (json_deserialize_sql), so what we check is exactly what DuckDB will run.
 * Trees are parsed losslessly: 64-bit constants survive a round trip.
 * The instance behind it touches no files and holds no tables.
 */

export type SqlNode = Record<string, unknown>;

let parserConnection: Promise<DuckDBConnection> | undefined;

function connection(): Promise<DuckDBConnection> {
  parserConnection ??= (async () => {
    const instance = await DuckDBInstance.create(':memory:', {
      threads: '1',
      memory_limit: '64MB',
      enable_external_access: 'false',
      lock_configuration: 'true',
    });
    return instance.connect();
  })();
  // A failed start is not cached: the next call tries again.
  parserConnection.catch(() => {
    parserConnection = undefined;
  });
  return parserConnection;
}

/**
 * The parse tree of SQL text; `{error: true, error_message}` when DuckDB rejects it.
 * Text past the size and nesting limits is refused before the parser sees it.
 */
export async function serializeSql(sql: string): Promise<SqlNode> {
  checkSqlLimits(sql);
  const reader = await (
    await connection()
  ).runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)', [sql]);
  return parse(String(reader.getRows()[0]?.[0])) as SqlNode;
}

/** SQL text of a parse tree as serializeSql returns it. */
export async function deserializeSql(tree: SqlNode): Promise<string> {
  const json = stringify(tree) ?? '';
  const reader = await (
    await connection()
  ).runAndReadAll('SELECT json_deserialize_sql($1::JSON)', [json]);
  return String(reader.getRows()[0]?.[0]);
}

/**
 * SQL text of a parse tree and that text parsed again, in one round trip: the
 * text is what runs, so callers check the tree it parses to.
 */
export async function printAndReparse(tree: SqlNode): Promise<{ sql: string; tree: SqlNode }> {
  const json = stringify(tree) ?? '';
  const reader = await (
    await connection()
  ).runAndReadAll(
    'SELECT printed, json_serialize_sql(printed) FROM (SELECT json_deserialize_sql($1::JSON) AS printed)',
    [json],
  );
  const [sql, reparsed] = reader.getRows()[0] ?? [];
  return { sql: String(sql), tree: parse(String(reparsed)) as SqlNode };
}

let selectOne: Promise<SqlNode> | undefined;

/** A copy of the tree of `SELECT 1`, to print one expression with; DuckDB parses it once. */
export async function selectOneTree(): Promise<SqlNode> {
  selectOne ??= serializeSql('SELECT 1');
  selectOne.catch(() => {
    selectOne = undefined;
  });
  return parse(stringify(await selectOne) ?? '') as SqlNode;
}

/** One scalar computed by DuckDB, as text (NULL → null); for constants already validated. */
export async function evaluateToText(sql: string): Promise<string | null> {
  const reader = await (await connection()).runAndReadAll(`SELECT CAST((${sql}) AS VARCHAR)`);
  const value = reader.getRows()[0]?.[0];
  return value === null || value === undefined ? null : String(value);
}

export function isNode(value: unknown): value is SqlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Replaces, in place, every node of the tree that `replace` answers for (its
 * children are not visited). Lossless numbers are values, not nodes.
 */
export function replaceNodes(tree: SqlNode, replace: (node: SqlNode) => SqlNode | undefined): void {
  const visit = (holder: SqlNode | unknown[], key: string | number, value: unknown): void => {
    if (Array.isArray(value)) value.forEach((item, i) => visit(value, i, item));
    else if (isNode(value) && !isLosslessNumber(value)) {
      const replaced = replace(value);
      if (replaced !== undefined) (holder as Record<string | number, unknown>)[key] = replaced;
      else for (const [k, child] of Object.entries(value)) visit(value, k, child);
    }
  };
  for (const [key, child] of Object.entries(tree)) visit(tree, key, child);
}
