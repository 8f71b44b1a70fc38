import type { ColumnType, Kysely } from 'kysely';
import type { ColumnTypes } from './governance-migration.js';

/** Times are written as ISO text; SQLite reads them back as text, PostgreSQL as Date. */
type Timestamp = ColumnType<Date | string, string, string>;
/** PostgreSQL returns bigint as text, SQLite as a number. */
type Count = ColumnType<number | string, number, number>;

export interface VolumesTable {
  id: string;
  /** The namespace it lives in: a namespace rename carries its volumes along. */
  namespace_id: string;
  name: string;
  /** Object-store key prefix of its files, fixed at creation (renames move no bytes). */
  location: string;
  description: string | null;
  owner: string | null;
  /** Grows with every file change; keys the Parquet copy of the file list. */
  version: Count;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface VolumeFilesTable {
  id: string;
  volume_id: string;
  /** '/'-separated path inside the volume, e.g. 'daisy/1001.jpg'. */
  path: string;
  size_bytes: Count;
  sha256: string;
  content_type: string;
  uploaded_by: string;
  uploaded_at: Timestamp;
  /** JSON object of the extracted metadata (image_width, exif_make, pdf_pages, …). */
  metadata: string;
  /** Extracted text (PDF, plain text), cut short; for search. */
  text: string | null;
}

/** Row types of the tables below, as Kysely sees them (merged into Database). */
export interface VolumeTables {
  volumes: VolumesTable;
  volume_files: VolumeFilesTable;
}

/** Part of migration 0003_catalog: volumes of unstructured files and the metadata extracted from each file. */
export async function volumeTables(
  db: Kysely<unknown>,
  { time, count }: ColumnTypes,
): Promise<void> {
  await db.schema
    .createTable('volumes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('namespace_id', 'text', (c) => c.notNull().references('namespaces.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('location', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('owner', 'text')
    .addColumn('version', count, (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addUniqueConstraint('volumes_namespace_name', ['namespace_id', 'name'])
    .execute();
  await db.schema
    .createTable('volume_files')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('volume_id', 'text', (c) => c.notNull().references('volumes.id').onDelete('cascade'))
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('size_bytes', count, (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('uploaded_by', 'text', (c) => c.notNull())
    .addColumn('uploaded_at', time, (c) => c.notNull())
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('text', 'text')
    .addUniqueConstraint('volume_files_volume_path', ['volume_id', 'path'])
    .execute();
  // Duplicates are found by content, across volumes.
  await db.schema.createIndex('volume_files_sha256').on('volume_files').column('sha256').execute();
}
