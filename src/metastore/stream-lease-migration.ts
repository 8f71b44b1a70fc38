import type { ColumnType, Kysely } from 'kysely';
import type { ColumnTypes } from './governance-migration.js';

/** Epoch milliseconds: PostgreSQL hands a bigint back as text. */
type Millis = ColumnType<number | string | null, number | null, number | null>;

/**
 * Which server runs a stream (added to `streams` by migration 0006): the holder keeps
 * the lease alive by renewing it before `lease_expires_ms`; once that passes another
 * server may take it. Times are the servers' clocks, in epoch milliseconds.
 */
export interface StreamLeaseColumns {
  /** The holding server process's id; null when no server holds the stream. */
  lease_holder: string | null;
  /** Where that server takes requests (pushes go there), when it said. */
  lease_holder_url: string | null;
  lease_expires_ms: Millis;
  /** When the holder took the lease (kept across renewals). */
  lease_since_ms: Millis;
  /**
   * The home whose write-ahead log commits under the plain `wal` position key (the first
   * to run the stream); the logs of other homes that run it later have keys of their own.
   */
  wal_home: string | null;
}

/** Migration 0006_stream_leases: one server runs each stream. */
export async function streamLeaseColumns(
  db: Kysely<unknown>,
  { count }: ColumnTypes,
): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds one at a time.
  await db.schema.alterTable('streams').addColumn('lease_holder', 'text').execute();
  await db.schema.alterTable('streams').addColumn('lease_holder_url', 'text').execute();
  await db.schema.alterTable('streams').addColumn('lease_expires_ms', count).execute();
  await db.schema.alterTable('streams').addColumn('lease_since_ms', count).execute();
  await db.schema.alterTable('streams').addColumn('wal_home', 'text').execute();
}
