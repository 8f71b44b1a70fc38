import { InvalidInput } from '../errors/index.js';
import type { Expression, Schema } from '../iceberg/index.js';
import { checkExpression } from './expression-policy.js';
import type { ExpressionRules } from './expression-policy.js';
import { predicateToExpression } from './predicate-expression.js';
import { deserializeSql, isNode, serializeSql } from './sql-parser.js';
import type { SqlNode } from './sql-parser.js';
import { isComplexityMessage, tooComplex } from './sql-limits.js';

export interface ParsedPredicate {
  /** The predicate as DuckDB prints it back, safe to embed in `WHERE (…)`. */
  sql: string;
  /** The same condition (or a looser one) for file pruning; present when a schema was given. */
  expression?: Expression;
}

export interface PredicateOptions {
  /**
   * Also allow the caller's attributes, current_user() and is_member('group'), as
   * data filters do; such a predicate must go through bindCallerFunctions before it runs.
   */
  callerFunctions?: boolean;
}

const PREFIX = 'SELECT * FROM t WHERE ';

/**
 * Checks a row condition (delete/overwrite `--where`, a data filter) with DuckDB's parser:
 * one boolean expression over the given columns, no subqueries, no functions that
 * reach outside the row. `columns` are the allowed column names; pass the table's
 * schema instead to also get an Iceberg Expression for file pruning.
 */
export async function parsePredicate(
  sql: string,
  columns: string[] | Schema,
  options: PredicateOptions = {},
): Promise<ParsedPredicate> {
  const names = Array.isArray(columns) ? columns : columns.fields.map((f) => f.name);
  const tree = await parseWhere(sql);
  const where = whereOf(tree);
  checkExpression(where, predicateRules(new Set(names.map((n) => n.toLowerCase())), options));
  const normalized = await wholeStatementCheck(tree);
  if (Array.isArray(columns)) return { sql: normalized };
  return { sql: normalized, expression: await predicateToExpression(where, columns) };
}

/** The expression rules for a predicate; `columns` undefined leaves names unchecked. */
export function predicateRules(
  columns: ReadonlySet<string> | undefined,
  options: PredicateOptions,
): ExpressionRules {
  return {
    columns,
    callerFunctions: options.callerFunctions === true,
    subject: 'The predicate',
    invalid,
  };
}

/** The tree of `SELECT * FROM t WHERE <sql>`, refused unless `sql` is one condition. */
export async function parseWhere(sql: string): Promise<SqlNode> {
  if (sql.trim() === '') throw invalid('The predicate is empty.');
  const tree = await serializeSql(`${PREFIX}${sql}`);
  if (tree.error === true && isComplexityMessage(String(tree.error_message))) {
    throw tooComplex('The predicate nests operators deeper than the SQL parser allows.');
  }
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

export function whereOf(tree: SqlNode): SqlNode {
  return (tree.statements as { node: { where_clause: SqlNode } }[])[0]!.node.where_clause;
}

/**
 * Anything after the condition (ORDER BY, LIMIT …) would change the statement;
 * comparing against a statement rebuilt from the condition alone catches all of it.
 */
export async function wholeStatementCheck(tree: SqlNode): Promise<string> {
  const template = await serializeSql(`${PREFIX}true`);
  (template.statements as { node: SqlNode }[])[0]!.node.where_clause = whereOf(tree);
  const rebuilt = await deserializeSql(template);
  if (rebuilt !== (await deserializeSql(tree)) || !rebuilt.startsWith(PREFIX)) {
    throw invalid('The predicate must be a row condition only (no ORDER BY, LIMIT, UNION …).');
  }
  return rebuilt.slice(PREFIX.length);
}

function invalid(message: string): InvalidInput {
  return new InvalidInput('INVALID_PREDICATE', message, {
    hint: "Write a condition over the table's columns, e.g. region = 'US' AND amount > 100.",
  });
}
