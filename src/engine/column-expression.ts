import { InvalidInput } from '../errors/index.js';
import { checkExpression } from './expression-policy.js';
import { deserializeSql, serializeSql } from './sql-parser.js';
import type { SqlNode } from './sql-parser.js';
import { isComplexityMessage } from './sql-limits.js';

export interface ColumnExpressionOptions {
  /** Also allow current_user() and is_member('group'); bind them before the expression runs. */
  callerFunctions?: boolean;
}

const PREFIX = 'SELECT ';
const SUFFIX = ' FROM t';

/**
 * Checks a custom column mask: one scalar expression over the given columns, with
 * the same functions and restrictions as a row predicate (no subqueries, aggregates,
 * window functions or other statements). Returns it as DuckDB prints it back.
 */
export async function parseColumnExpression(
  sql: string,
  columns: string[],
  options: ColumnExpressionOptions = {},
): Promise<string> {
  if (sql.trim() === '') throw invalid('The expression is empty.');
  const tree = await serializeSql(`${PREFIX}${sql}${SUFFIX}`);
  if (tree.error === true) {
    const message = String(tree.error_message);
    throw invalid(
      isComplexityMessage(message)
        ? 'The expression nests operators deeper than the SQL parser allows.'
        : `The expression is not valid SQL: ${message}`,
    );
  }
  const expression = onlyExpression(tree);
  checkExpression(expression, {
    columns: new Set(columns.map((name) => name.toLowerCase())),
    callerFunctions: options.callerFunctions === true,
    subject: 'The expression',
    invalid,
  });
  // Anything around the expression (WHERE, ORDER BY, a second FROM …) changes the
  // statement: one rebuilt from the expression alone must print the same.
  const template = await serializeSql(`${PREFIX}1${SUFFIX}`);
  (template.statements as { node: { select_list: SqlNode[] } }[])[0]!.node.select_list = [
    expression,
  ];
  const rebuilt = await deserializeSql(template);
  if (rebuilt !== (await deserializeSql(tree)) || !rebuilt.endsWith(SUFFIX)) {
    throw invalid('The expression must be one value only (no FROM, WHERE, ORDER BY, UNION …).');
  }
  return rebuilt.slice(PREFIX.length, -SUFFIX.length);
}

function onlyExpression(tree: SqlNode): SqlNode {
  const statements = tree.statements as { node: SqlNode }[];
  const node = statements[0]?.node;
  const list = node?.select_list as SqlNode[] | undefined;
  if (statements.length !== 1 || node?.type !== 'SELECT_NODE' || list?.length !== 1) {
    throw invalid('The expression must be a single value (no commas, ; or other statements).');
  }
  const expression = list[0] as SqlNode;
  if (expression.alias !== '') throw invalid('The expression may not name itself with AS.');
  return expression;
}

function invalid(message: string): InvalidInput {
  return new InvalidInput('INVALID_COLUMN_EXPRESSION', message, {
    hint: "Write one value over the table's columns, e.g. concat('***-**-', right(ssn, 4)).",
  });
}
