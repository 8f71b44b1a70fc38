import type { Expression } from './expression.js';

/** A predicate on one column: every Expression that is not true/false/and/or/not. */
export type Predicate = Exclude<Expression, { op: 'true' | 'false' | 'and' | 'or' | 'not' }>;

const NEGATED = {
  lt: 'gte',
  lte: 'gt',
  gt: 'lte',
  gte: 'lt',
  eq: 'neq',
  neq: 'eq',
  in: 'notIn',
  notIn: 'in',
  isNull: 'notNull',
  notNull: 'isNull',
  isNan: 'notNan',
  notNan: 'isNan',
  startsWith: 'notStartsWith',
  notStartsWith: 'startsWith',
} as const;

function negate(expr: Expression): Expression {
  switch (expr.op) {
    case 'true':
      return { op: 'false' };
    case 'false':
      return { op: 'true' };
    case 'not':
      return rewriteNot(expr.arg);
    case 'and':
      return { op: 'or', left: negate(expr.left), right: negate(expr.right) };
    case 'or':
      return { op: 'and', left: negate(expr.left), right: negate(expr.right) };
    default:
      return { ...expr, op: NEGATED[expr.op] } as Expression;
  }
}

/** The same expression with every `not` pushed down into its predicates (De Morgan). */
export function rewriteNot(expr: Expression): Expression {
  switch (expr.op) {
    case 'not':
      return negate(expr.arg);
    case 'and':
    case 'or':
      return { op: expr.op, left: rewriteNot(expr.left), right: rewriteNot(expr.right) };
    default:
      return expr;
  }
}
