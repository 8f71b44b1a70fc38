import type { InvalidInput } from '../errors/index.js';
import { isNode } from './sql-parser.js';
import type { SqlNode } from './sql-parser.js';

/**
 * What a stored or user-written scalar expression (a row predicate, a data filter,
 * a custom column mask) may contain, checked on DuckDB's parse tree: columns of
 * the table, constants, operators and pure functions; no subqueries, aggregates,
 * window functions or anything that reads outside the row.
 */
export interface ExpressionRules {
  /** Allowed column names, lower case; undefined skips the column check. */
  columns: ReadonlySet<string> | undefined;
  /** Whether current_user() and is_member('group') may be called. */
  callerFunctions: boolean;
  /** 'The predicate', 'The expression': how messages name what is checked. */
  subject: string;
  invalid: (message: string) => InvalidInput;
}

/** Scalar functions an expression may call: pure ones that read no files and no settings. */
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

/** A well-formed call of a caller function: `current_user()` or `is_member('group')`. */
export type CallerCall = { name: 'current_user' } | { name: 'is_member'; group: string };

/**
 * The caller function a node calls, checked for its arguments; undefined when the
 * node is no such call. Throws when it is one with the wrong arguments.
 */
export function callerCallOf(node: SqlNode, rules: ExpressionRules): CallerCall | undefined {
  if (node.class !== 'FUNCTION' || node.schema !== '' || node.catalog !== '') return undefined;
  const name = String(node.function_name).toLowerCase();
  if (name !== 'current_user' && name !== 'is_member') return undefined;
  const args = node.children as SqlNode[];
  const plain = node.distinct === false && node.filter === null && !hasOrder(node);
  if (name === 'current_user') {
    if (args.length !== 0 || !plain) throw rules.invalid('current_user() takes no arguments.');
    return { name };
  }
  const group = args.length === 1 ? stringConstant(args[0] as SqlNode) : undefined;
  if (group === undefined || !plain) {
    throw rules.invalid("is_member() takes one group name as a string literal: is_member('hr').");
  }
  return { name, group };
}

export function checkExpression(node: SqlNode, rules: ExpressionRules): void {
  const subject = rules.subject;
  switch (node.class) {
    case 'SUBQUERY':
      throw rules.invalid(`${subject} may not contain subqueries.`);
    case 'COLUMN_REF': {
      const name = String((node.column_names as unknown[])[0]);
      if (rules.columns !== undefined && !rules.columns.has(name.toLowerCase())) {
        throw rules.invalid(`${subject} refers to '${name}', which is not a column of the table.`);
      }
      break;
    }
    case 'FUNCTION': {
      const name = String(node.function_name).toLowerCase();
      if (rules.callerFunctions && callerCallOf(node, rules)) return;
      if (!allowedFunctions.has(name) || node.schema !== '' || node.catalog !== '') {
        throw rules.invalid(`${subject} may not call the function '${name}'.`);
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
      throw rules.invalid(
        `${subject} may not contain ${String(node.class).toLowerCase()} expressions.`,
      );
  }
  for (const child of childNodes(node)) checkExpression(child, rules);
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

function hasOrder(node: SqlNode): boolean {
  const orders = (node.order_bys as { orders?: unknown[] } | null)?.orders;
  return Array.isArray(orders) && orders.length > 0;
}

function stringConstant(node: SqlNode): string | undefined {
  const value = node.value as { type?: { id?: string }; is_null?: boolean; value?: unknown };
  if (node.class !== 'CONSTANT' || value.type?.id !== 'VARCHAR' || value.is_null !== false) {
    return undefined;
  }
  return typeof value.value === 'string' ? value.value : undefined;
}
