import type { ColumnType, Kysely } from 'kysely';
import type { ColumnTypes } from './governance-migration.js';

/** Times are written as ISO text; SQLite reads them back as text, PostgreSQL as Date. */
type Timestamp = ColumnType<Date | string, string, string>;
/** PostgreSQL returns bigint as text, SQLite as a number. */
type Count = ColumnType<number | string, number, number>;

/** One run of a job, ours or reported by another tool (OpenLineage); START, COMPLETE or FAIL. */
export interface LineageRunsTable {
  run_id: string;
  /** The job's OpenLineage namespace (ours: the configured one) and name. */
  job_namespace: string;
  job: string;
  job_version: Count | null;
  event_type: string;
  at: Timestamp;
  sql: string | null;
  /** 'lakeward' for our jobs, 'openlineage' for imported events. */
  origin: string;
  producer: string | null;
  error: string | null;
  recorded_by: string;
}

/**
 * One edge a run found: dataset to dataset (columns '') or column to column. Datasets are
 * ids the lineage service makes (`table:gold.revenue.daily`, `dataset:ns/name`).
 */
export interface LineageEdgesTable {
  run_id: string;
  source: string;
  source_column: string;
  target: string;
  target_column: string;
  transformation: string;
}

/** An ML model (or other consumer) that reads a table; hangs off the table's path. */
export interface LineageModelsTable {
  table_path: string;
  model_id: string;
  owner: string;
  description: string | null;
  url: string | null;
  added_by: string;
  added_at: Timestamp;
}

/** Row types of the tables below, as Kysely sees them (merged into Database). */
export interface LineageTables {
  lineage_runs: LineageRunsTable;
  lineage_edges: LineageEdgesTable;
  lineage_models: LineageModelsTable;
}

/** Part of migration 0004_pipelines: lineage: datasets, jobs, runs and table/column edges (ours and OpenLineage imports). */
export async function lineageTables(
  db: Kysely<unknown>,
  { time, count }: ColumnTypes,
): Promise<void> {
  await db.schema
    .createTable('lineage_runs')
    .addColumn('run_id', 'text', (c) => c.primaryKey())
    .addColumn('job_namespace', 'text', (c) => c.notNull())
    .addColumn('job', 'text', (c) => c.notNull())
    .addColumn('job_version', count)
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('at', time, (c) => c.notNull())
    .addColumn('sql', 'text')
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('producer', 'text')
    .addColumn('error', 'text')
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('lineage_runs_job')
    .on('lineage_runs')
    .columns(['job_namespace', 'job', 'at'])
    .execute();
  await db.schema
    .createTable('lineage_edges')
    .addColumn('run_id', 'text', (c) =>
      c.notNull().references('lineage_runs.run_id').onDelete('cascade'),
    )
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_column', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('target_column', 'text', (c) => c.notNull())
    .addColumn('transformation', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('lineage_edges_run').on('lineage_edges').column('run_id').execute();
  await db.schema
    .createTable('lineage_models')
    .addColumn('table_path', 'text', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('url', 'text')
    .addColumn('added_by', 'text', (c) => c.notNull())
    .addColumn('added_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('lineage_models_pk', ['table_path', 'model_id'])
    .execute();
}
