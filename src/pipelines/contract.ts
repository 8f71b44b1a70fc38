import type { QualityResult } from '../quality/index.js';

/** How a job writes its target. */
export const JOB_MODES = ['append', 'overwrite', 'merge', 'incremental'] as const;
export type JobMode = (typeof JOB_MODES)[number];

/** A medallion job: one SELECT over catalog tables into a silver or gold table. */
export interface JobDefinition {
  /** e.g. `silver_sales` ([a-z0-9_-]). */
  name: string;
  description: string | null;
  /** Dotted target table in silver or gold, e.g. `silver.crm.sales`. */
  target: string;
  mode: JobMode;
  /** DuckDB-dialect SELECT over catalog names. */
  sql: string;
  /** Key columns: merge upserts on them; dedupe keeps one row per key. */
  keys: string[];
  /** Keep one row per key (the last by `dedupeOrderBy`, else any). */
  dedupe: boolean;
  dedupeOrderBy: string | null;
  /** Cron (UTC); null: run on demand or after upstream jobs only. */
  schedule: string | null;
  /** Jobs that must succeed first; the job runs after them (a DAG; cycles refused). */
  after: string[];
  /** The principal it runs as (governed like any query by that principal). */
  runAs: string;
  quality: {
    /** DQDL ruleset text. */
    ruleset: string;
    /** What a failing `error` rule does: stop (target untouched) or quarantine failing rows. */
    onFailure: 'stop' | 'quarantine';
  } | null;
  retries: { max: number; backoffMs: number };
  /** Grows by one on every change of the definition. */
  version: number;
  /**
   * Set when a rename of a table the job names could not be followed into its target or
   * SQL: what was renamed and how to fix the job. Runs fail with it until the job is updated.
   */
  renameProblem?: { message: string; hint: string };
}

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'skipped'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** What one execution of a job did (what JobRunner returns; runs history stores it). */
export interface RunOutcome {
  status: 'succeeded' | 'failed';
  rowsRead: number;
  rowsWritten: number;
  /** Rows set aside to `<target>__quarantine` or refused by the gate. */
  rowsRejected: number;
  /** Tables read and the snapshot each was read at. */
  sources: { table: string; snapshotId: string | null }[];
  /** The target's snapshot after the commit; null when nothing was committed. */
  targetSnapshotId: string | null;
  /** The SQL that ran (after incremental rewriting). */
  sql: string;
  quality: QualityResult | null;
  error: { code: string; message: string } | null;
}
