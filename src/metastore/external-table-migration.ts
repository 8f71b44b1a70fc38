import type { ColumnType, Kysely } from 'kysely';
import type { ColumnTypes } from './governance-migration.js';

type Timestamp = ColumnType<Date | string, string, string>;

/** How the raw files of an external table are read; the folder is tables.location. */
export interface ExternalTablesTable {
  table_id: string;
  format: string;
  compression: string;
  /** JSON: { csv, columns, partitionColumns, exclude }. */
  options: string;
  updated_at: Timestamp;
}

/** Row types of the tables below, as Kysely sees them (merged into Database). */
export interface ExternalTableTables {
  external_tables: ExternalTablesTable;
}

/**
 * Part of migration 0003_catalog: external tables: raw files registered in place. One row
 * per table id, so renames keep it and a dropped table takes it along (cascade).
 */
export async function externalTableTables(
  db: Kysely<unknown>,
  { time }: ColumnTypes,
): Promise<void> {
  await db.schema
    .createTable('external_tables')
    .addColumn('table_id', 'text', (c) =>
      c.primaryKey().references('tables.id').onDelete('cascade'),
    )
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('compression', 'text', (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
}
