import type { Kysely } from 'kysely';
import type { ColumnTypes } from './governance-migration.js';

/** Row types of the tables below, as Kysely sees them (merged into Database). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by this area's owner
export interface ExternalTableTables {}

/** Part of migration 0003_catalog: external tables: raw files registered in place (location, format, options). */
export async function externalTableTables(
  _db: Kysely<unknown>,
  _types: ColumnTypes,
): Promise<void> {}
