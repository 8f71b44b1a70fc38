import type { Kysely } from 'kysely';
import type { ColumnTypes } from './governance-migration.js';

/** Row types of the tables below, as Kysely sees them (merged into Database). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by this area's owner
export interface CatalogMetadataTables {}

/** Part of migration 0003_catalog: business metadata: certification, owner contacts, column descriptions, typed property definitions, change history. */
export async function catalogMetadataTables(
  _db: Kysely<unknown>,
  _types: ColumnTypes,
): Promise<void> {}
