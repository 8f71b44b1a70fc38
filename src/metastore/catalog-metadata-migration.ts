import type { ColumnType, Kysely } from 'kysely';
import type { ColumnTypes } from './governance-migration.js';

type Timestamp = ColumnType<Date | string, string, string>;
type NullableTimestamp = ColumnType<Date | string | null, string | null, string | null>;
type Count = ColumnType<number | string, number, number>;

/**
 * Business metadata of one namespace, table or volume. Descriptions live on their own
 * rows, and so do the properties of namespaces and tables; volumes have no properties
 * column, so theirs live here.
 */
export interface BusinessMetadataTable {
  securable_kind: string;
  /** JSON text of the path, as in grants (see securable-codec.ts), so renames follow it. */
  securable_path: string;
  /** JSON object of string values; volumes only. */
  properties: string | null;
  owner_kind: string | null;
  owner_name: string | null;
  owner_email: string | null;
  certification: string | null;
  certification_reason: string | null;
  certification_replacement: string | null;
  certified_by: string | null;
  certified_at: NullableTimestamp;
}

export interface ColumnDescriptionsTable {
  table_path: string;
  column_name: string;
  description: string;
}

export interface PropertyDefinitionsTable {
  name: string;
  type: string;
  /** JSON of the type's rule: pattern, min, max, values. */
  rule: string;
  description: string | null;
  /** JSON array of securable kinds. */
  applies_to: string;
  /** JSON array of layers where the property must be set. */
  required_in: string;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MetadataHistoryTable {
  id: string;
  securable_kind: string;
  securable_path: string;
  field: string;
  old_value: string | null;
  new_value: string | null;
  changed_by: string;
  changed_at: Timestamp;
  /** Order of the entries written by one change, which share their time. */
  ordinal: Count;
}

/** Row types of the tables below, as Kysely sees them (merged into Database). */
export interface CatalogMetadataTables {
  business_metadata: BusinessMetadataTable;
  column_descriptions: ColumnDescriptionsTable;
  property_definitions: PropertyDefinitionsTable;
  metadata_history: MetadataHistoryTable;
}

/** Part of migration 0003_catalog: business metadata: certification, owner contacts, column descriptions, typed property definitions, change history. */
export async function catalogMetadataTables(
  db: Kysely<unknown>,
  { time, count }: ColumnTypes,
): Promise<void> {
  await db.schema
    .createTable('business_metadata')
    .addColumn('securable_kind', 'text', (c) => c.notNull())
    .addColumn('securable_path', 'text', (c) => c.notNull())
    .addColumn('properties', 'text')
    .addColumn('owner_kind', 'text')
    .addColumn('owner_name', 'text')
    .addColumn('owner_email', 'text')
    .addColumn('certification', 'text')
    .addColumn('certification_reason', 'text')
    .addColumn('certification_replacement', 'text')
    .addColumn('certified_by', 'text')
    .addColumn('certified_at', time)
    .addPrimaryKeyConstraint('business_metadata_pk', ['securable_kind', 'securable_path'])
    .execute();

  await db.schema
    .createTable('column_descriptions')
    .addColumn('table_path', 'text', (c) => c.notNull())
    .addColumn('column_name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('column_descriptions_pk', ['table_path', 'column_name'])
    .execute();

  await db.schema
    .createTable('property_definitions')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('applies_to', 'text', (c) => c.notNull())
    .addColumn('required_in', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('metadata_history')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('securable_kind', 'text', (c) => c.notNull())
    .addColumn('securable_path', 'text', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('old_value', 'text')
    .addColumn('new_value', 'text')
    .addColumn('changed_by', 'text', (c) => c.notNull())
    .addColumn('changed_at', time, (c) => c.notNull())
    .addColumn('ordinal', count, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('metadata_history_securable')
    .on('metadata_history')
    .columns(['securable_path', 'changed_at'])
    .execute();
}
