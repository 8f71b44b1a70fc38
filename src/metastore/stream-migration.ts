import type { ColumnType, Kysely } from 'kysely';
import type { ColumnTypes } from './governance-migration.js';

type Timestamp = ColumnType<Date | string, string, string>;

export interface StreamsTable {
  id: string;
  name: string;
  /** JSON of the definition (table, source, format, batching, drift policy, limits). */
  definition: string;
  /** 'running', 'paused' or 'failed'. */
  state: string;
  /** The principal the stream writes as (its creator). */
  run_as: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Row types of the tables below, as Kysely sees them (merged into Database). */
export interface StreamTables {
  streams: StreamsTable;
}

/** Part of migration 0005_streams: stream definitions and their state. */
export async function streamTables(db: Kysely<unknown>, { time }: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('streams')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('run_as', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
}
