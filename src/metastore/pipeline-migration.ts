import type { Kysely } from 'kysely';
import type { ColumnTypes } from './governance-migration.js';

/** Row types of the tables below, as Kysely sees them (merged into Database). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by this area's owner
export interface PipelineTables {}

/** Part of migration 0004_pipelines: medallion jobs, their versions, runs and schedules. */
export async function pipelineTables(_db: Kysely<unknown>, _types: ColumnTypes): Promise<void> {}
