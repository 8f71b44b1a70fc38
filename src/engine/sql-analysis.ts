import { InvalidInput } from '../errors/index.js';
import type { TableReference } from './ports.js';
import { isNode, serializeSql } from './sql-parser.js';
import type { SqlNode } from './sql-parser.js';
import { isComplexityMessage, tooComplex } from './sql-limits.js';
import { sqlPosition } from './sql-position.js';
import { checkFromItem, checkFunctionCall, statementNotAllowed } from './statement-policy.js';
import { timeTravelOf } from './time-travel.js';

/** A table named in the query: where it sits in the tree and what it refers to. */
export interface TableSite {
  /** The BASE_TABLE node; compilation rewrites it in place. */
  node: SqlNode;
  ref: TableReference;
  /** The name as written, for messages. */
  written: string;
}

export interface SqlAnalysis {
  /** json_serialize_sql's answer, numbers kept lossless. */
  tree: SqlNode;
  /** The statement's root query node. */
  root: SqlNode;
  sites: TableSite[];
  /** Column references with three or more parts (`retail.invoices.amount`). */
  qualifiedColumns: SqlNode[];
}

const queryNodeKinds = new Set([
  'SELECT_NODE',
  'SET_OPERATION_NODE',
  'RECURSIVE_CTE_NODE',
  'CTE_NODE',
]);

/**
 * Parses one read-only query with DuckDB's parser, refuses what a query may not
 * do, and finds every catalog table it reads (CTE names in scope excluded).
 */
export async function analyzeSql(sql: string): Promise<SqlAnalysis> {
  return analyzeTree(sql, await serializeSql(sql));
}

/** analyzeSql for text already parsed: `tree` is json_serialize_sql's answer for `sql`. */
export function analyzeTree(sql: string, tree: SqlNode): SqlAnalysis {
  if (tree.error === true) throw parseFailure(sql, tree);
  const statements = tree.statements as { node: SqlNode }[];
  if (statements.length === 0) {
    throw new InvalidInput('EMPTY_QUERY', 'The query is empty.', {
      hint: 'Write a SELECT statement.',
    });
  }
  if (statements.length > 1) {
    throw new InvalidInput(
      'STATEMENT_NOT_ALLOWED',
      `The query holds ${statements.length} statements; only one is allowed.`,
      { hint: 'Send one SELECT statement at a time.' },
    );
  }
  const root = (statements[0] as { node: SqlNode }).node;
  if (!queryNodeKinds.has(String(root.type))) throw statementNotAllowed(`A ${String(root.type)}`);
  const found: Found = { sites: [], qualifiedColumns: [] };
  walk(root, new Set(), found);
  return { tree, root, ...found };
}

/** Identifies a table at a point in time: names compare case-insensitively, as in DuckDB. */
export function tableKey(ref: TableReference): string {
  const at = ref.at?.kind === 'snapshot' ? ref.at.snapshotId : ref.at?.timestampMs;
  return JSON.stringify([ref.parts.map((p) => p.toLowerCase()), ref.at?.kind, String(at)]);
}

type Found = Pick<SqlAnalysis, 'sites' | 'qualifiedColumns'>;

function walk(value: unknown, ctes: ReadonlySet<string>, found: Found): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, ctes, found);
    return;
  }
  if (!isNode(value)) return;
  const scope = withCteNames(value, ctes);
  if (value.class === 'FUNCTION') checkFunctionCall(value);
  if (value.class === 'COLUMN_REF' && (value.column_names as unknown[]).length >= 3) {
    found.qualifiedColumns.push(value);
  }
  if (isFromItem(value)) {
    checkFromItem(value);
    if (value.type === 'BASE_TABLE') collectTable(value, scope, found.sites);
  }
  for (const [key, child] of Object.entries(value)) {
    // A constant's payload is data, never a query part.
    if (!(value.class === 'CONSTANT' && key === 'value')) walk(child, scope, found);
  }
}

/** CTE names shadow catalog tables inside the query that defines them (and its CTEs). */
function withCteNames(node: SqlNode, outer: ReadonlySet<string>): ReadonlySet<string> {
  const map = (node.cte_map as { map?: { key: string }[] } | undefined)?.map;
  if (!map || map.length === 0) return outer;
  return new Set([...outer, ...map.map((entry) => entry.key.toLowerCase())]);
}

function collectTable(node: SqlNode, ctes: ReadonlySet<string>, sites: TableSite[]): void {
  const parts = [node.catalog_name, node.schema_name, node.table_name]
    .map((part) => String(part ?? ''))
    .filter((part) => part !== '');
  const only = parts[0];
  if (parts.length === 1 && only !== undefined && ctes.has(only.toLowerCase())) return;
  const written = parts.join('.');
  const ref: TableReference = { parts };
  if (isNode(node.at_clause)) ref.at = timeTravelOf(node.at_clause, written);
  sites.push({ node, ref, written });
}

function isFromItem(node: SqlNode): boolean {
  return typeof node.type === 'string' && !('class' in node) && 'alias' in node && 'sample' in node;
}

function parseFailure(sql: string, tree: SqlNode): InvalidInput {
  const message = String(tree.error_message);
  if (isComplexityMessage(message)) {
    return tooComplex('The query nests expressions deeper than the SQL parser allows.');
  }
  if (message.startsWith('Only SELECT statements')) {
    // DuckDB's serializer cannot describe some PIVOT forms (a PIVOT statement, a PIVOT
    // subquery), so they cannot be checked; `FROM t PIVOT (…)` can and is allowed.
    if (/\b(UN)?PIVOT\b/i.test(sql)) return pivotNotSupported();
    return statementNotAllowed(`${leadingKeyword(sql)} statement`);
  }
  const position = Number(tree.position);
  if (tree.error_type !== 'parser' || !Number.isFinite(position)) {
    return new InvalidInput('SQL_SYNTAX_ERROR', message, { hint: 'Check the SQL syntax.' });
  }
  const at = sqlPosition(sql, position);
  return new InvalidInput('SQL_SYNTAX_ERROR', `${message} (line ${at.line}, column ${at.column})`, {
    details: { ...at },
    hint: `Check the SQL near "${sql.slice(position, position + 20).trim() || 'the end'}".`,
  });
}

function pivotNotSupported(): InvalidInput {
  return new InvalidInput(
    'STATEMENT_NOT_ALLOWED',
    'This form of PIVOT/UNPIVOT is not allowed in a query: DuckDB cannot describe it for checking.',
    {
      hint: "Write FROM t PIVOT (count(*) FOR region IN ('US', 'EU')), or aggregate per value: count(*) FILTER (WHERE region = 'US').",
    },
  );
}

/** The first keyword, skipping comments, to name the kind of statement refused. */
function leadingKeyword(sql: string): string {
  const stripped = sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ');
  const word = /[A-Za-z_]+/.exec(stripped)?.[0]?.toUpperCase() ?? 'This';
  return word === 'WITH' ? 'This' : `A ${word}`;
}
