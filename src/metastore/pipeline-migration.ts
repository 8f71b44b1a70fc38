import type { ColumnType, Kysely } from 'kysely';
import type { ColumnTypes } from './governance-migration.js';

type Timestamp = ColumnType<Date | string, string, string>;
type NullableTimestamp = ColumnType<Date | string | null, string | null, string | null>;
type Count = ColumnType<number | string | bigint, number, number>;

export interface PipelineJobsTable {
  id: string;
  name: string;
  /** JSON of the definition as the pipelines area writes it (without name and version). */
  definition: string;
  version: Count;
  owner: string;
  /** The folder of YAML files it was applied from ('' when made through the CLI or API). */
  source: string;
  /** When the scheduler runs it next (UTC); null without a schedule. */
  next_run_at: NullableTimestamp;
  /** The run queued or under way, if any: what keeps two runs of one job apart. */
  active_run_id: string | null;
  active_since: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PipelineJobVersionsTable {
  job_id: string;
  version: Count;
  definition: string;
  changed_by: string;
  changed_at: Timestamp;
}

export interface PipelineRunsTable {
  id: string;
  job_id: string;
  job_name: string;
  job_version: Count;
  /** 'manual', 'schedule' or 'upstream'. */
  trigger: string;
  run_as: string;
  /** queued, running, succeeded, failed or skipped. */
  status: string;
  /** Why it was queued or skipped (e.g. which upstream run failed). */
  reason: string | null;
  queued_at: Timestamp;
  started_at: NullableTimestamp;
  ended_at: NullableTimestamp;
  /** JSON list of attempts: number, start, end, status, error. */
  attempts: string;
  /** JSON of the last attempt's outcome (rows, snapshots, SQL, quality, error); null before it ends. */
  outcome: string | null;
}

/** Row types of the tables below, as Kysely sees them (merged into Database). */
export interface PipelineTables {
  pipeline_jobs: PipelineJobsTable;
  pipeline_job_versions: PipelineJobVersionsTable;
  pipeline_runs: PipelineRunsTable;
}

/** Part of migration 0004_pipelines: medallion jobs, their versions, runs and schedules. */
export async function pipelineTables(
  db: Kysely<unknown>,
  { time, count }: ColumnTypes,
): Promise<void> {
  await db.schema
    .createTable('pipeline_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('version', count, (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('next_run_at', time)
    .addColumn('active_run_id', 'text')
    .addColumn('active_since', time)
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('pipeline_job_versions')
    .addColumn('job_id', 'text', (c) =>
      c.notNull().references('pipeline_jobs.id').onDelete('cascade'),
    )
    .addColumn('version', count, (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('changed_by', 'text', (c) => c.notNull())
    .addColumn('changed_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('pipeline_job_versions_pk', ['job_id', 'version'])
    .execute();
  await db.schema
    .createTable('pipeline_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('job_id', 'text', (c) =>
      c.notNull().references('pipeline_jobs.id').onDelete('cascade'),
    )
    .addColumn('job_name', 'text', (c) => c.notNull())
    .addColumn('job_version', count, (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('run_as', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('queued_at', time, (c) => c.notNull())
    .addColumn('started_at', time)
    .addColumn('ended_at', time)
    .addColumn('attempts', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text')
    .execute();
  await db.schema
    .createIndex('pipeline_runs_by_job')
    .on('pipeline_runs')
    .columns(['job_id', 'queued_at'])
    .execute();
  await db.schema
    .createIndex('pipeline_runs_by_status')
    .on('pipeline_runs')
    .columns(['status'])
    .execute();
}
