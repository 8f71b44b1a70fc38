import { InvalidInput } from '../errors/index.js';
import type { Expression, Schema } from '../iceberg/index.js';
import { predicateToExpression } from './predicate-expression.js';
import { deserializeSql, isNode, serializeSql } from './sql-parser.js';
import type { SqlNode } from './sql-parser.js';

export interface ParsedPredicate {
  /** The predicate as DuckDB prints it back, safe to embed in `WHERE (…)`. */
  sql: string;
  /** The same condition (or a looser one) for file pruning; present when a schema was given. */
  expression?: Expression;
}

const PREFIX = 'SELECT * FROM t WHERE ';

/** Scalar functions a row predicate may call: pure ones that read no files and no settings. */
const allowedFunctions = new Set([
  ...['~~', '!~~', '~~*', '!~~*', '~~~', '!~~~', '+', '-', '*', '/', '//', '%', '^', '**', '||'],
  ...['&', '|', '<<', '>>', 'abs', 'ceil', 'ceiling', 'floor', 'round', 'trunc', 'sign', 'mod'],
  ...['lower', 'upper', 'lcase', 'ucase', 'trim', 'ltrim', 'rtrim', 'length', 'len', 'strlen'],
  ...['substr', 'substring', 'left', 'right', 'concat', 'starts_with', 'ends_with', 'prefix'],
  ...['suffix', 'contains', 'strpos', 'instr', 'position', 'replace', 'reverse', 'lpad', 'rpad'],
  ...['regexp_matches', 'regexp_full_match', 'regexp_replace', 'regexp_extract', 'like_escape'],
  ...['ilike_escape', 'year', 'month', 'day', 'hour', 'minute', 'second', 'week', 'quarter'],
  ...['dayofweek', 'dayofyear', 'isodow', 'date_part', 'datepart', 'date_trunc', 'datetrunc'],
  ...['date_diff', 'datediff', 'date_add', 'strftime', 'strptime', 'make_date', 'make_timestamp'],
  ...['epoch', 'epoch_ms', 'epoch_us', 'epoch_ns', 'current_date', 'today', 'now'],
  ...['current_timestamp', 'get_current_timestamp', 'to_days', 'to_hours', 'to_minutes'],
  ...['to_seconds', 'to_timestamp', 'greatest', 'least', 'coalesce', 'ifnull', 'nullif'],
  ...['isnan', 'isinf', 'isfinite', 'list_contains', 'array_contains', 'list_has'],
  ...['cardinality', 'array_length', 'list_extract', 'array_extract', 'element_at'],
  ...['struct_extract', 'map_extract', 'map_contains', 'md5', 'hash', 'date', 'uuid'],
]);

/**
 * Checks a user's row condition (delete/overwrite `--where`) with DuckDB's parser:
 * one boolean expression over the given columns, no subqueries, no functions that
 * reach outside the row. `columns` are the allowed column names; pass the table's
 * schema instead to also get an Iceberg Expression for file pruning.
 */
export async function parsePredicate(
  sql: string,
  columns: string[] | Schema,
): Promise<ParsedPredicate> {
  const names = Array.isArray(columns) ? columns : columns.fields.map((f) => f.name);
  const tree = await parseWhere(sql);
  const where = whereOf(tree);
  checkExpression(where, new Set(names.map((n) => n.toLowerCase())));
  const normalized = await wholeStatementCheck(tree);
  if (Array.isArray(columns)) return { sql: normalized };
  return { sql: normalized, expression: await predicateToExpression(where, columns) };
}

async function parseWhere(sql: string): Promise<SqlNode> {
  if (sql.trim() === '') throw invalid('The predicate is empty.');
  const tree = await serializeSql(`${PREFIX}${sql}`);
  if (tree.error === true) {
    throw invalid(`The predicate is not valid SQL: ${String(tree.error_message)}`);
  }
  const statements = tree.statements as { node: SqlNode }[];
  const node = statements[0]?.node;
  if (statements.length !== 1 || node?.type !== 'SELECT_NODE' || !isNode(node.where_clause)) {
    throw invalid(
      "The predicate must be a single row condition (no ';', UNION or other statements).",
    );
  }
  return tree;
}

function whereOf(tree: SqlNode): SqlNode {
  return (tree.statements as { node: { where_clause: SqlNode } }[])[0]!.node.where_clause;
}

/**
 * Anything after the condition (ORDER BY, LIMIT …) would change the statement;
 * comparing against a statement rebuilt from the condition alone catches all of it.
 */
async function wholeStatementCheck(tree: SqlNode): Promise<string> {
  const template = await serializeSql(`${PREFIX}true`);
  (template.statements as { node: SqlNode }[])[0]!.node.where_clause = whereOf(tree);
  const rebuilt = await deserializeSql(template);
  if (rebuilt !== (await deserializeSql(tree)) || !rebuilt.startsWith(PREFIX)) {
    throw invalid('The predicate must be a row condition only (no ORDER BY, LIMIT, UNION …).');
  }
  return rebuilt.slice(PREFIX.length);
}

function checkExpression(node: SqlNode, columns: Set<string>): void {
  switch (node.class) {
    case 'SUBQUERY':
      throw invalid('The predicate may not contain subqueries.');
    case 'COLUMN_REF': {
      const name = String((node.column_names as unknown[])[0]);
      if (!columns.has(name.toLowerCase())) {
        throw invalid(`The predicate refers to '${name}', which is not a column of the table.`);
      }
      break;
    }
    case 'FUNCTION': {
      const name = String(node.function_name).toLowerCase();
      if (!allowedFunctions.has(name) || node.schema !== '' || node.catalog !== '') {
        throw invalid(`The predicate may not call the function '${name}'.`);
      }
      break;
    }
    case 'CONSTANT':
    case 'CAST':
    case 'COMPARISON':
    case 'CONJUNCTION':
    case 'OPERATOR':
    case 'BETWEEN':
    case 'CASE':
    case 'COLLATE':
      break;
    default:
      throw invalid(
        `The predicate may not contain ${String(node.class).toLowerCase()} expressions.`,
      );
  }
  for (const child of childNodes(node)) checkExpression(child, columns);
}

/** Every expression nested in a node, whatever field holds it. */
function childNodes(node: SqlNode): SqlNode[] {
  const found: SqlNode[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (isNode(value)) {
      if (typeof value.class === 'string') found.push(value);
      else Object.values(value).forEach(visit);
    }
  };
  // A constant's 'value' is data, never an expression.
  const fields = node.class === 'CONSTANT' ? [] : Object.values(node);
  fields.forEach(visit);
  return found;
}

function invalid(message: string): InvalidInput {
  return new InvalidInput('INVALID_PREDICATE', message, {
    hint: "Write a condition over the table's columns, e.g. region = 'US' AND amount > 100.",
  });
}
