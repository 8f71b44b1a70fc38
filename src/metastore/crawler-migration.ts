import type { ColumnType, Kysely } from 'kysely';
import type { ColumnTypes } from './governance-migration.js';

type Timestamp = ColumnType<Date | string, string, string>;
type NullableTimestamp = ColumnType<Date | string | null, string | null, string | null>;

export interface CrawlersTable {
  id: string;
  name: string;
  /** JSON of the definition (targets, exclusions, namespace, prefix, schedule, policies). */
  definition: string;
  owner: string;
  /** When the scheduler runs it next (UTC); null without a schedule. */
  next_run_at: NullableTimestamp;
  /** The run under way, if any: what keeps two runs of one crawler apart. */
  running_run_id: string | null;
  running_since: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CrawlerRunsTable {
  id: string;
  crawler_id: string;
  crawler_name: string;
  /** 'manual' or 'schedule'. */
  trigger: string;
  run_as: string;
  /** 'running', 'succeeded' or 'failed'. */
  status: string;
  started_at: Timestamp;
  ended_at: NullableTimestamp;
  error: string | null;
  /** JSON: what the run did to each table and each skipped file, and why. */
  report: string | null;
}

export interface CrawlerFoldersTable {
  crawler_id: string;
  /** A folder relative to its target, prefixed by the target ('file:///data|sales/2024'). */
  path: string;
  first_seen_at: Timestamp;
}

/** Row types of the tables below, as Kysely sees them (merged into Database). */
export interface CrawlerTables {
  crawlers: CrawlersTable;
  crawler_runs: CrawlerRunsTable;
  crawler_folders: CrawlerFoldersTable;
}

/** Part of migration 0003_catalog: crawlers, their schedules and runs. */
export async function crawlerTables(db: Kysely<unknown>, { time }: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('crawlers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('next_run_at', time)
    .addColumn('running_run_id', 'text')
    .addColumn('running_since', time)
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('crawler_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('crawler_id', 'text', (c) =>
      c.notNull().references('crawlers.id').onDelete('cascade'),
    )
    .addColumn('crawler_name', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('run_as', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('started_at', time, (c) => c.notNull())
    .addColumn('ended_at', time)
    .addColumn('error', 'text')
    .addColumn('report', 'text')
    .execute();
  await db.schema
    .createIndex('crawler_runs_by_crawler')
    .on('crawler_runs')
    .columns(['crawler_id', 'started_at'])
    .execute();
  await db.schema
    .createTable('crawler_folders')
    .addColumn('crawler_id', 'text', (c) =>
      c.notNull().references('crawlers.id').onDelete('cascade'),
    )
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('crawler_folders_pk', ['crawler_id', 'path'])
    .execute();
}
