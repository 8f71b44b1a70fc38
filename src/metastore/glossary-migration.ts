import type { Kysely } from 'kysely';
import type { ColumnTypes } from './governance-migration.js';

/** Row types of the tables below, as Kysely sees them (merged into Database). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by this area's owner
export interface GlossaryTables {}

/** Part of migration 0003_catalog: the business glossary: terms, synonyms, hierarchy, related terms, links to tables and columns. */
export async function glossaryTables(_db: Kysely<unknown>, _types: ColumnTypes): Promise<void> {}
