import type { ColumnType, Kysely } from 'kysely';
import type { ColumnTypes } from './governance-migration.js';
import type { StreamLeaseColumns } from './stream-lease-migration.js';

type Timestamp = ColumnType<Date | string, string, string>;

/** The lease columns are added by migration 0006 (stream-lease-migration.ts). */
export interface StreamsTable extends StreamLeaseColumns {
  id: string;
  name: string;
  /** JSON of the definition (table, source, format, batching, drift policy, limits). */
  definition: string;
  /** 'running', 'paused' or 'failed'. */
  state: string;
  /** Why a stream is failed (its error's code and message); null otherwise. */
  error: string | null;
  /** The principal the stream writes as (its creator). */
  run_as: string;
  /**
   * JSON of the last status its runner reported (lag, rates, last commit, errors), so
   * a process that does not run the stream (the CLI) can show it.
   */
  status: string | null;
  status_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Row types of the tables below, as Kysely sees them (merged into Database). */
export interface StreamTables {
  streams: StreamsTable;
}

/** Part of migration 0005_streams: stream definitions, their state and last status. */
export async function streamTables(db: Kysely<unknown>, { time }: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('streams')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('run_as', 'text', (c) => c.notNull())
    .addColumn('status', 'text')
    .addColumn('status_at', time)
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
}
