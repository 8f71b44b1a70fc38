import type { ColumnType, Kysely } from 'kysely';
import type { ColumnTypes } from './governance-migration.js';

type Timestamp = ColumnType<Date | string, string, string>;
type Count = ColumnType<number | string | bigint, number, number>;

/** One suggested classification of one column and the steward's decision on it. */
export interface ClassificationSuggestionsTable {
  id: string;
  /** JSON text of the table's path (see securable-codec.ts), so rows follow renames and drops. */
  table_path: string;
  column_name: string;
  classification: string;
  confidence: number;
  sample_size: Count;
  matched_count: Count;
  /** 1 when the column's name pointed at the classification too. */
  name_hint: number;
  /** pending, accepted or rejected. */
  status: string;
  detected_by: string;
  detected_at: Timestamp;
  decided_by: string | null;
  decided_at: Timestamp | null;
  reject_reason: string | null;
}

/** Row types of the tables below, as Kysely sees them (merged into Database). */
export interface ClassificationTables {
  classification_suggestions: ClassificationSuggestionsTable;
}

/** Part of migration 0003_catalog: sensitive-data classification suggestions and their review. */
export async function classificationTables(
  db: Kysely<unknown>,
  { time, count }: ColumnTypes,
): Promise<void> {
  await db.schema
    .createTable('classification_suggestions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('table_path', 'text', (c) => c.notNull())
    .addColumn('column_name', 'text', (c) => c.notNull())
    .addColumn('classification', 'text', (c) => c.notNull())
    .addColumn('confidence', 'double precision', (c) => c.notNull())
    .addColumn('sample_size', count, (c) => c.notNull())
    .addColumn('matched_count', count, (c) => c.notNull())
    .addColumn('name_hint', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('detected_by', 'text', (c) => c.notNull())
    .addColumn('detected_at', time, (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', time)
    .addColumn('reject_reason', 'text')
    .addUniqueConstraint('classification_suggestions_column', [
      'table_path',
      'column_name',
      'classification',
    ])
    .execute();
  await db.schema
    .createIndex('classification_suggestions_status')
    .on('classification_suggestions')
    .column('status')
    .execute();
}
