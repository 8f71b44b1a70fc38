import type { QueryResult } from '../engine/index.js';
import type { RuleCall } from './dqdl/rules.js';

/** What one rule concluded. */
export interface Outcome {
  status: 'pass' | 'fail' | 'error';
  value: number | string | null;
  message: string;
}

/** The evaluation's shared scan, into which each rule adds what it measures. */
export interface PlanBuilder {
  /** The evaluated table as it appears in FROM. */
  readonly table: string;
  /** The table's columns as the caller sees them: name → DuckDB type. */
  readonly columns: ReadonlyMap<string, string>;
  /** Adds an aggregate to the one scan (shared when equal); returns its key. */
  measure(sql: string): string;
  /**
   * Adds a scalar SELECT (say, an aggregate over a GROUP BY of the table) to the same
   * statement as the scan; returns its key. DuckDB runs it once, reading only the
   * columns it names, which costs far less than a window over every row of the scan.
   */
  subquery(sql: string): string;
}

export interface Measured {
  /** A measure's value as a number (null when SQL gave NULL). */
  number(key: string): number | null;
  /** A measure's value as DuckDB returned it (JSON-safe). */
  raw(key: string): unknown;
  /** Answers of the rule's own queries, in order. */
  results: QueryResult[];
  /** Earlier values of a metric of this table, oldest first. */
  history(metric: string): Promise<number[]>;
}

/** How one leaf rule is evaluated. */
export interface LeafPlan {
  /** Queries that cannot share the scan (other tables, custom SQL), run one each. */
  queries?: string[];
  /** A SELECT of the table's rows that fail the rule (a sample is shown when it fails). */
  failingRows?: string;
  /** A metric kept in the table's history (DetectAnomalies, RowCount, null rates). */
  metric?: { name: string; key: string };
  judge(measured: Measured): Outcome | Promise<Outcome>;
}

export type Planner = (rule: RuleCall, b: PlanBuilder) => LeafPlan;

/** Numbers from DuckDB: bigints beyond 2^53 and decimals may arrive as text. */
export function toNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  const n = Number(value);
  return Number.isNaN(n) ? null : n;
}

/** A share of rows, 1 when there are no rows (nothing fails a check of no rows). */
export function ratio(part: number | null, whole: number | null): number | null {
  if (part === null || whole === null) return null;
  return whole === 0 ? 1 : part / whole;
}

export function formatValue(value: number | string | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return value;
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

/** Where an evaluation reads: one table, through a query path that applies governance. */
export interface RulesetSource {
  /** The evaluated table as it appears in FROM. */
  table: string;
  /** Runs one SELECT (as the caller); every query an evaluation makes goes through here. */
  run(sql: string): Promise<QueryResult>;
  /** Earlier values of a metric of the table, oldest first. */
  history(metric: string): Promise<number[]>;
  /**
   * The columns the caller sees, from the catalog without planning a scan. Types come
   * from the schema, so masked columns may differ; rules about types use a LIMIT 0 probe.
   */
  describe?(): Promise<{ name: string; type: string }[]>;
}
