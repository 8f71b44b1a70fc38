import { quoteIdent } from '../engine/index.js';
import { satisfies } from './constraints.js';
import { leafCondition } from './row-conditions.js';
import type { Constraint, RuleCall } from './dqdl/rules.js';
import {
  formatValue,
  ratio,
  type LeafPlan,
  type Measured,
  type Outcome,
  type PlanBuilder,
} from './plan.js';

/** `count(*)`-style aggregate over the rule's rows (its where clause) and an extra condition. */
export function scoped(rule: RuleCall, aggregate: string, condition?: string): string {
  const parts = [rule.where === null ? null : `(${rule.where})`, condition ?? null].filter(
    (p): p is string => p !== null,
  );
  return parts.length === 0 ? aggregate : `${aggregate} FILTER (WHERE ${parts.join(' AND ')})`;
}

/** The rule's rows in a WHERE clause, and an extra condition. */
export function rowsWhere(rule: RuleCall, condition: string): string {
  return rule.where === null ? condition : `(${rule.where}) AND ${condition}`;
}

export function outcome(pass: boolean, value: number | string | null, message: string): Outcome {
  return { status: pass ? 'pass' : 'fail', value, message };
}

const col = (rule: RuleCall, i = 0) => quoteIdent(rule.args[i]!);

/** A measured value compared with the rule's constraint. */
function metricPlan(rule: RuleCall, b: PlanBuilder, sql: string, what: string): LeafPlan {
  const key = b.measure(scoped(rule, sql));
  return {
    judge: (m) => {
      const raw = m.raw(key);
      const value = typeof raw === 'string' && m.number(key) === null ? raw : m.number(key);
      return outcome(satisfies(value, rule.constraint!), value, `${what} is ${formatValue(value)}`);
    },
  };
}

/**
 * A condition every row of the rule should meet: passes when all rows do, or, with a
 * threshold, when the share of rows that do satisfies it. Measured: that share, the
 * rows passing counted by passingSql when a cheaper aggregate counts the same rows.
 */
export function rowCheckPlan(
  rule: RuleCall,
  b: PlanBuilder,
  condition: string,
  threshold: Constraint | null,
  passingSql = scoped(rule, 'count(*)', condition),
): LeafPlan {
  const rows = b.measure(scoped(rule, 'count(*)'));
  const passing = b.measure(passingSql);
  return {
    failingRows: `SELECT * FROM ${b.table} WHERE ${rowsWhere(rule, `NOT (${condition})`)}`,
    judge: (m: Measured) => {
      const [n, ok] = [m.number(rows) ?? 0, m.number(passing) ?? 0];
      const share = ratio(ok, n);
      const pass = threshold === null ? ok === n : satisfies(share, threshold);
      return outcome(pass, share, `${n - ok} of ${n} rows fail`);
    },
  };
}

function uniquenessPlan(rule: RuleCall, b: PlanBuilder, perDistinct: boolean): LeafPlan {
  const c = col(rule);
  // Values occurring exactly once among the rule's rows: groups of one in a GROUP BY, which
  // reads only this column (a window over the scan would carry every row and column).
  const once = b.subquery(
    `(SELECT count(*) FILTER (WHERE __lakeward_n = 1) FROM (SELECT count(*) AS __lakeward_n ` +
      `FROM ${b.table} WHERE ${rowsWhere(rule, `${c} IS NOT NULL`)} GROUP BY ${c}))`,
  );
  const whole = b.measure(scoped(rule, perDistinct ? `count(DISTINCT ${c})` : `count(${c})`));
  const what = perDistinct
    ? 'values occurring once ÷ distinct values'
    : 'values occurring once ÷ values';
  return {
    judge: (m) => {
      const value = ratio(m.number(once), m.number(whole));
      return outcome(satisfies(value, rule.constraint!), value, `${what} is ${formatValue(value)}`);
    },
  };
}

function uniqueKeyPlan(rule: RuleCall, b: PlanBuilder, primaryKey: boolean): LeafPlan {
  const cols = rule.args.map((a) => quoteIdent(a));
  const key = cols.length === 1 ? cols[0]! : `(${cols.join(', ')})`;
  const anyNull = cols.map((c) => `${c} IS NULL`).join(' OR ');
  const counted = primaryKey
    ? b.measure(scoped(rule, 'count(*)'))
    : b.measure(scoped(rule, `count(${cols[0]!})`));
  const distinct = b.measure(
    scoped(rule, `count(DISTINCT ${key})`, primaryKey ? `NOT (${anyNull})` : undefined),
  );
  const nulls = b.measure(scoped(rule, 'count(*)', anyNull));
  const partition = cols.join(', ');
  return {
    failingRows:
      `SELECT * EXCLUDE (__lakeward_n) FROM (SELECT *, count(*) OVER (PARTITION BY ${partition}) AS __lakeward_n ` +
      `FROM ${b.table}${rule.where === null ? '' : ` WHERE ${rule.where}`}) ` +
      `WHERE __lakeward_n > 1${primaryKey ? ` OR ${anyNull}` : ` AND NOT (${anyNull})`} ORDER BY ${partition}`,
    judge: (m) => {
      const [n, d, z] = [m.number(counted) ?? 0, m.number(distinct) ?? 0, m.number(nulls) ?? 0];
      const duplicates = primaryKey ? n - z - d : n - d;
      const pass = duplicates === 0 && (!primaryKey || z === 0);
      const nullNote = primaryKey && z > 0 ? `, ${z} rows with NULL in the key` : '';
      return outcome(pass, ratio(d, n), `${duplicates} duplicate rows${nullNote}`);
    },
  };
}

/** Glue's type names and ours for a DuckDB type, upper case. */
function typeNames(duckType: string): string[] {
  const t = duckType.toUpperCase();
  const base = t.replace(/\(.*$/, '');
  const aliases: Record<string, string[]> = {
    VARCHAR: ['STRING', 'VARCHAR', 'TEXT'],
    INTEGER: ['INTEGER', 'INT'],
    BIGINT: ['BIGINT', 'LONG'],
    SMALLINT: ['SMALLINT', 'SHORT'],
    DOUBLE: ['DOUBLE'],
    FLOAT: ['FLOAT', 'REAL'],
    BOOLEAN: ['BOOLEAN', 'BOOL'],
    'TIMESTAMP WITH TIME ZONE': ['TIMESTAMP', 'TIMESTAMPTZ'],
  };
  return [t, base, ...(aliases[base] ?? [])];
}

function dataTypePlan(rule: RuleCall, b: PlanBuilder): LeafPlan {
  const actual = b.columns.get(rule.args[0]!)!;
  return {
    judge: () => {
      const names = typeNames(actual);
      const c = rule.constraint!;
      const wanted = (v: { kind: string; value?: unknown }) =>
        typeof v.value === 'string' && names.includes(v.value.toUpperCase());
      const pass =
        c.kind === 'compare' && (c.op === '=' || c.op === '!=')
          ? wanted(c.value) === (c.op === '=')
          : c.kind === 'in' && c.values.some(wanted) !== c.negated;
      return outcome(pass, actual, `the column's type is ${actual}`);
    },
  };
}

export function columnPlan(rule: RuleCall, b: PlanBuilder): LeafPlan | undefined {
  const c = rule.args[0] === undefined ? '' : col(rule);
  const k = rule.constraint;
  switch (rule.type) {
    case 'RowCount':
      return metricPlan(rule, b, 'count(*)', 'the row count');
    case 'Completeness':
    case 'IsComplete':
      // count(c) counts the rows where c IS NOT NULL, and is the scan's null-rate measure.
      return rowCheckPlan(
        rule,
        b,
        leafCondition(rule)!,
        k ?? rule.threshold,
        scoped(rule, `count(${c})`),
      );
    case 'ColumnValues':
    case 'ColumnLength':
    case 'DataFreshness': {
      const passing = scoped(rule, 'count(*)', leafCondition(rule, true));
      return rowCheckPlan(rule, b, leafCondition(rule)!, rule.threshold, passing);
    }
    case 'IsUnique':
    case 'IsPrimaryKey':
      return uniqueKeyPlan(rule, b, rule.type === 'IsPrimaryKey');
    case 'Uniqueness':
    case 'UniqueValueRatio':
      return uniquenessPlan(rule, b, rule.type === 'UniqueValueRatio');
    case 'Mean':
      return metricPlan(rule, b, `avg(${c})`, 'the mean');
    case 'Sum':
      return metricPlan(rule, b, `sum(${c})`, 'the sum');
    case 'StandardDeviation':
      return metricPlan(rule, b, `stddev_samp(${c})`, 'the standard deviation');
    case 'DistinctValuesCount':
      return metricPlan(rule, b, `count(DISTINCT ${c})`, 'the number of distinct values');
    case 'Entropy':
      return metricPlan(rule, b, `entropy(${c})`, 'the entropy (bits)');
    case 'ColumnExists':
      return {
        judge: () => {
          const there = b.columns.has(rule.args[0]!);
          return outcome(there, there ? 1 : 0, there ? 'the column exists' : 'no such column');
        },
      };
    case 'ColumnDataType':
      return dataTypePlan(rule, b);
    default:
      return undefined;
  }
}
