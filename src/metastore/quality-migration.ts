import type { ColumnType, Kysely } from 'kysely';
import type { ColumnTypes } from './governance-migration.js';

type Timestamp = ColumnType<Date | string, string, string>;
type Count = ColumnType<number | string | bigint, number, number>;

export interface QualityRulesetsTable {
  /** JSON text of the table's path (see securable-codec.ts), so rulesets follow renames and drops. */
  table_path: string;
  name: string;
  /** The DQDL text as written. */
  ruleset: string;
  description: string | null;
  created_by: string;
  created_at: Timestamp;
  updated_by: string;
  updated_at: Timestamp;
}

export interface QualityRunsTable {
  id: string;
  table_path: string;
  /** The stored ruleset evaluated, or null for a ruleset given inline. */
  ruleset_name: string | null;
  snapshot_id: string | null;
  evaluated_by: string;
  evaluated_at: Timestamp;
  row_count: Count;
  score: number;
  /** passed, warning or failed. */
  status: string;
  /** JSON of the per-rule results. */
  rules: string;
  /** JSON object of metric name → number (RowCount, null_rate.<column>, …). */
  metrics: string;
}

/** Row types of the tables below, as Kysely sees them (merged into Database). */
export interface QualityTables {
  quality_rulesets: QualityRulesetsTable;
  quality_runs: QualityRunsTable;
}

/** Part of migration 0004_pipelines: data quality: rulesets and evaluations with per-rule results and metrics. */
export async function qualityTables(
  db: Kysely<unknown>,
  { time, count }: ColumnTypes,
): Promise<void> {
  await db.schema
    .createTable('quality_rulesets')
    .addColumn('table_path', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('ruleset', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('quality_rulesets_pk', ['table_path', 'name'])
    .execute();
  await db.schema
    .createTable('quality_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('table_path', 'text', (c) => c.notNull())
    .addColumn('ruleset_name', 'text')
    .addColumn('snapshot_id', 'text')
    .addColumn('evaluated_by', 'text', (c) => c.notNull())
    .addColumn('evaluated_at', time, (c) => c.notNull())
    .addColumn('row_count', count, (c) => c.notNull())
    .addColumn('score', 'double precision', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('rules', 'text', (c) => c.notNull())
    .addColumn('metrics', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('quality_runs_by_table')
    .on('quality_runs')
    .columns(['table_path', 'evaluated_at'])
    .execute();
}
