import { quoteIdent } from '../engine/index.js';
import { constraintSql } from './constraints.js';
import type { RuleCall } from './dqdl/rules.js';

/**
 * The condition a row meets to pass a row-level rule (its where clause aside); with
 * `unknown`, NULL where it fails (see constraintSql), for filters only, never to negate.
 */
export function leafCondition(rule: RuleCall, unknown = false): string | undefined {
  const c = rule.args[0] === undefined ? '' : quoteIdent(rule.args[0]);
  switch (rule.type) {
    case 'IsComplete':
    case 'Completeness':
      return `${c} IS NOT NULL`;
    case 'ColumnValues':
      return constraintSql(c, rule.constraint!, unknown);
    case 'ColumnLength':
      // NULL has no length: ColumnLength checks the values present (IsComplete checks NULLs).
      return `(${c} IS NULL OR ${constraintSql(`length(CAST(${c} AS VARCHAR))`, rule.constraint!, unknown)})`;
    case 'DataFreshness':
      return constraintSql(
        `(CAST(now() AS TIMESTAMP) - CAST(${c} AS TIMESTAMP))`,
        rule.constraint!,
        unknown,
      );
    default:
      return undefined;
  }
}
