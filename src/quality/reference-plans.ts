import { quoteIdent } from '../engine/index.js';
import { satisfies, tableNameSql } from './constraints.js';
import type { RuleCall } from './dqdl/rules.js';
import { aggregateCall } from './dqdl/aggregate-call.js';
import { outcome, rowsWhere, scoped } from './column-plans.js';
import { formatValue, ratio, toNumber, type LeafPlan, type PlanBuilder } from './plan.js';

/** `silver.crm.customers.id` → the table's SQL name and the column. */
export function columnReference(dotted: string): { table: string; column: string } {
  const at = dotted.lastIndexOf('.');
  return { table: tableNameSql(dotted.slice(0, at)), column: quoteIdent(dotted.slice(at + 1)) };
}

/**
 * Glue writes CustomSql against `primary`; the word (outside quotes) becomes the
 * evaluated table, so the statement still runs on the governed path as the caller.
 */
export function withPrimary(sql: string, table: string): string {
  return sql.replace(
    /('(?:[^']|'')*'|"(?:[^"]|"")*")|\bprimary\b/gi,
    (m, quoted: string | undefined) => (quoted === undefined ? table : m),
  );
}

const firstCell = (rows: unknown[][]) => toNumber(rows[0]?.[0]);

export function referencePlan(rule: RuleCall, b: PlanBuilder): LeafPlan | undefined {
  const k = rule.constraint!;
  switch (rule.type) {
    case 'CustomSql':
      return {
        queries: [withPrimary(rule.args[0]!, b.table)],
        judge: ({ results }) => {
          const value = firstCell(results[0]!.rows);
          return outcome(
            satisfies(value, k),
            value,
            `the statement returned ${formatValue(value)}`,
          );
        },
      };
    case 'RowCountMatch': {
      const rows = b.measure(scoped(rule, 'count(*)'));
      return {
        queries: [`SELECT count(*) FROM ${tableNameSql(rule.args[0]!)}`],
        judge: (m) => {
          const [mine, theirs] = [m.number(rows), firstCell(m.results[0]!.rows)];
          const value = ratio(mine, theirs);
          return outcome(
            satisfies(value, k),
            value,
            `${mine} rows here, ${theirs} in ${rule.args[0]}`,
          );
        },
      };
    }
    case 'AggregateMatch': {
      const [mine, theirs] = [aggregateCall(rule.args[0]!)!, aggregateCall(rule.args[1]!)!];
      const here = b.measure(
        scoped(rule, `${mine.fn}(${mine.arg === '*' ? '*' : quoteIdent(mine.arg)})`),
      );
      const ref = columnReference(theirs.arg);
      return {
        queries: [`SELECT ${theirs.fn}(${ref.column}) FROM ${ref.table}`],
        judge: (m) => {
          const [a, z] = [m.number(here), firstCell(m.results[0]!.rows)];
          const value = a === null || z === null ? null : z === 0 ? (a === 0 ? 1 : 0) : a / z;
          return outcome(
            satisfies(value, k),
            value,
            `${rule.args[0]} is ${formatValue(a)}, ${rule.args[1]} is ${formatValue(z)}`,
          );
        },
      };
    }
    case 'ReferentialIntegrity': {
      const c = quoteIdent(rule.args[0]!);
      const ref = columnReference(rule.args[1]!);
      const found = `${c} IN (SELECT ${ref.column} FROM ${ref.table})`;
      return {
        queries: [
          `SELECT ${scoped(rule, 'count(*)', `${c} IS NOT NULL`)}, ${scoped(rule, 'count(*)', `${c} IS NOT NULL AND ${found}`)} FROM ${b.table}`,
        ],
        failingRows: `SELECT * FROM ${b.table} WHERE ${rowsWhere(rule, `${c} IS NOT NULL AND NOT (${found})`)}`,
        judge: ({ results }) => {
          const row = results[0]!.rows[0] ?? [];
          const [n, ok] = [toNumber(row[0]) ?? 0, toNumber(row[1]) ?? 0];
          const value = ratio(ok, n);
          const pass =
            satisfies(value, k) && (rule.threshold === null || satisfies(value, rule.threshold));
          return outcome(pass, value, `${n - ok} of ${n} values have no match in ${rule.args[1]}`);
        },
      };
    }
    case 'SchemaMatch':
      return {
        queries: [`SELECT * FROM ${tableNameSql(rule.args[0]!)} LIMIT 0`],
        judge: ({ results }) => {
          const theirs = new Map(results[0]!.columns.map((c) => [c.name, c.type]));
          const names = new Set([...b.columns.keys(), ...theirs.keys()]);
          const same = [...b.columns].filter(([name, type]) => theirs.get(name) === type).length;
          const value = ratio(same, names.size);
          return outcome(
            satisfies(value, k),
            value,
            `${same} of ${names.size} columns match by name and type`,
          );
        },
      };
    default:
      return undefined;
  }
}
