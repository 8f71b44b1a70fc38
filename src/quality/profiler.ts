import { quoteIdent, quoteLiteral } from '../engine/index.js';
import type { QueryResult } from '../engine/index.js';
import { toNumber } from './plan.js';

export interface ColumnProfile {
  name: string;
  /** DuckDB type as the caller sees the column. */
  type: string;
  nulls: number;
  nullRate: number;
  /** approx_count_distinct (HyperLogLog): an estimate, cheap on any size. */
  distinctApprox: number;
  /** Exact distinct count, computed only for columns that look unique. */
  distinctExact: number | null;
  min: unknown;
  max: unknown;
  mean: number | null;
  stddev: number | null;
  /** Shortest and longest text (text columns). */
  minLength: number | null;
  maxLength: number | null;
  /** Most frequent values with exact counts (approx_top_k finds them). */
  topValues: { value: unknown; count: number }[];
  /** 10 equal-width buckets from min to max (numeric columns); the last includes max. */
  histogram: { low: number; high: number; count: number }[] | null;
}

export interface TableProfile {
  table: string;
  rowCount: number;
  profiledAt: string;
  columns: ColumnProfile[];
}

export const TOP_VALUES = 10;
export const HISTOGRAM_BUCKETS = 10;

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL)/;
const COUNTABLE =
  /^(VARCHAR|BOOLEAN|DATE|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|DECIMAL)/;
const ORDERED =
  /^(VARCHAR|BOOLEAN|DATE|TIME|TIMESTAMP|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL)/;

function valueSql(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return quoteLiteral(String(value));
}

type Run = (sql: string) => Promise<QueryResult>;

function rowOf(result: QueryResult): Map<string, unknown> {
  return new Map(result.columns.map((c, i) => [c.name, result.rows[0]?.[i] ?? null]));
}

/**
 * Profiles a table in two scans: the first measures nulls, approximate distinct
 * counts, min/max, mean/stddev, lengths and the most frequent values; the second counts
 * those values exactly, fills the numeric histograms (whose buckets need min and max)
 * and counts distinct values exactly where the first scan saw a column that looks unique.
 */
export async function profileTable(run: Run, table: string, name: string): Promise<TableProfile> {
  const probe = await run(`SELECT * FROM ${table} LIMIT 0`);
  const columns = probe.columns.map((c, i) => ({ ...c, i, q: quoteIdent(c.name) }));
  const first = ['count(*) AS n'];
  for (const c of columns) {
    first.push(`count(${c.q}) AS p${c.i}`, `approx_count_distinct(${c.q}) AS d${c.i}`);
    if (ORDERED.test(c.type)) first.push(`min(${c.q}) AS lo${c.i}`, `max(${c.q}) AS hi${c.i}`);
    if (NUMERIC.test(c.type))
      first.push(`avg(${c.q}) AS mean${c.i}`, `stddev_samp(${c.q}) AS sd${c.i}`);
    if (c.type === 'VARCHAR')
      first.push(`min(length(${c.q})) AS ln${c.i}`, `max(length(${c.q})) AS lx${c.i}`);
    if (COUNTABLE.test(c.type)) first.push(`approx_top_k(${c.q}, ${TOP_VALUES}) AS top${c.i}`);
  }
  const one = rowOf(await run(`SELECT ${first.join(', ')} FROM ${table}`));
  const rowCount = toNumber(one.get('n')) ?? 0;

  const second: string[] = [];
  const buckets = new Map<number, { low: number; high: number }[]>();
  for (const c of columns) {
    const top = (one.get(`top${c.i}`) as unknown[] | null) ?? [];
    top.forEach((v, k) =>
      second.push(`count(*) FILTER (WHERE ${c.q} = ${valueSql(v)}) AS t${c.i}_${k}`),
    );
    const [lo, hi] = [toNumber(one.get(`lo${c.i}`)), toNumber(one.get(`hi${c.i}`))];
    if (NUMERIC.test(c.type) && lo !== null && hi !== null) {
      const width = (hi - lo) / HISTOGRAM_BUCKETS;
      const edges = Array.from({ length: HISTOGRAM_BUCKETS }, (_, k) => ({
        low: lo + k * width,
        high: k === HISTOGRAM_BUCKETS - 1 ? hi : lo + (k + 1) * width,
      }));
      buckets.set(c.i, width === 0 ? [edges[0]!] : edges);
      (width === 0 ? [edges[0]!] : edges).forEach((e, k, all) => {
        const upper = k === all.length - 1 ? `<= ${e.high}` : `< ${e.high}`;
        second.push(
          `count(*) FILTER (WHERE ${c.q} >= ${e.low} AND ${c.q} ${upper}) AS h${c.i}_${k}`,
        );
      });
    }
    const present = toNumber(one.get(`p${c.i}`)) ?? 0;
    const approx = toNumber(one.get(`d${c.i}`)) ?? 0;
    if (present > 0 && approx >= 0.9 * present) second.push(`count(DISTINCT ${c.q}) AS x${c.i}`);
  }
  const two =
    second.length === 0 ? new Map() : rowOf(await run(`SELECT ${second.join(', ')} FROM ${table}`));

  return {
    table: name,
    rowCount,
    profiledAt: new Date().toISOString(),
    columns: columns.map((c): ColumnProfile => {
      const present = toNumber(one.get(`p${c.i}`)) ?? 0;
      const top = (one.get(`top${c.i}`) as unknown[] | null) ?? [];
      return {
        name: c.name,
        type: c.type,
        nulls: rowCount - present,
        nullRate: rowCount === 0 ? 0 : (rowCount - present) / rowCount,
        distinctApprox: toNumber(one.get(`d${c.i}`)) ?? 0,
        distinctExact: toNumber(two.get(`x${c.i}`)),
        min: one.get(`lo${c.i}`) ?? null,
        max: one.get(`hi${c.i}`) ?? null,
        mean: toNumber(one.get(`mean${c.i}`)),
        stddev: toNumber(one.get(`sd${c.i}`)),
        minLength: toNumber(one.get(`ln${c.i}`)),
        maxLength: toNumber(one.get(`lx${c.i}`)),
        topValues: top
          .map((value, k) => ({ value, count: toNumber(two.get(`t${c.i}_${k}`)) ?? 0 }))
          .sort((a, b) => b.count - a.count),
        histogram:
          buckets
            .get(c.i)
            ?.map((e, k) => ({ ...e, count: toNumber(two.get(`h${c.i}_${k}`)) ?? 0 })) ?? null,
      };
    }),
  };
}
