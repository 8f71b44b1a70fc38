import { quoteIdent, quoteLiteral } from '../engine/index.js';
import type { Constraint, Literal } from './dqdl/rules.js';

/** The literal as DuckDB SQL (durations become INTERVALs). */
export function literalSql(literal: Literal): string {
  switch (literal.kind) {
    case 'number':
      return String(literal.value);
    case 'string':
      return quoteLiteral(literal.value);
    case 'null':
      return 'NULL';
    case 'duration':
      return `INTERVAL ${quoteLiteral(`${literal.hours * 3600} seconds`)}`;
  }
}

/**
 * A SQL boolean that is true when expr satisfies the constraint. NULL fails every
 * comparison; in a list it is a member only when the list names NULL. With `unknown`
 * the test may be NULL where it fails: enough for a FILTER or WHERE, which count NULL
 * as false, and cheaper over every row than the coalesce a negation needs.
 */
export function constraintSql(expr: string, c: Constraint, unknown = false): string {
  const not = (sql: string, negated: boolean) => (negated ? `NOT (${sql})` : sql);
  let test: string;
  switch (c.kind) {
    case 'compare':
      if (c.value.kind === 'null') {
        return c.op === '!=' ? `${expr} IS NOT NULL` : `${expr} IS NULL`;
      }
      test = `${expr} ${c.op === '!=' ? '<>' : c.op} ${literalSql(c.value)}`;
      break;
    case 'between':
      test = not(`${expr} BETWEEN ${literalSql(c.low)} AND ${literalSql(c.high)}`, c.negated);
      break;
    case 'in': {
      // NULL is a member of the list only when the list names it.
      const values = c.values.filter((v) => v.kind !== 'null');
      const inList =
        values.length === 0
          ? 'false'
          : `coalesce(${expr} IN (${values.map(literalSql).join(', ')}), false)`;
      const member = values.length === c.values.length ? inList : `(${expr} IS NULL OR ${inList})`;
      return c.negated ? `NOT ${member}` : member;
    }
    case 'matches':
      test = not(
        `regexp_full_match(CAST(${expr} AS VARCHAR), ${quoteLiteral(c.pattern)})`,
        c.negated,
      );
      break;
  }
  return unknown ? test : `coalesce(${test}, false)`;
}

/** Whether a measured value satisfies the constraint (value NULL never does). */
export function satisfies(value: number | string | null, c: Constraint): boolean {
  if (value === null) return false;
  const cmp = (v: Literal): number | null => {
    if (v.kind === 'null') return null;
    const other = v.kind === 'duration' ? v.hours : v.value;
    if (typeof value === 'number' && typeof other === 'number') return value - other;
    return String(value) < String(other) ? -1 : String(value) > String(other) ? 1 : 0;
  };
  switch (c.kind) {
    case 'compare': {
      const d = cmp(c.value);
      if (d === null) return false;
      return { '>': d > 0, '>=': d >= 0, '<': d < 0, '<=': d <= 0, '=': d === 0, '!=': d !== 0 }[
        c.op
      ];
    }
    case 'between': {
      const [lo, hi] = [cmp(c.low), cmp(c.high)];
      const inside = lo !== null && hi !== null && lo >= 0 && hi <= 0;
      return inside !== c.negated;
    }
    case 'in':
      return c.values.some((v) => cmp(v) === 0) !== c.negated;
    case 'matches':
      return new RegExp(`^(?:${c.pattern})$`).test(String(value)) !== c.negated;
  }
}

/** A dotted catalog name from a rule argument, quoted part by part for SQL. */
export function tableNameSql(dotted: string): string {
  return dotted
    .split('.')
    .map((part) => quoteIdent(part))
    .join('.');
}
