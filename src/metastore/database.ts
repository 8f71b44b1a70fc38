import type { ColumnType } from 'kysely';

/**
 * Row shapes of the metastore tables. Times are written as ISO text; SQLite hands them
 * back as text and PostgreSQL (timestamptz) as Date, so readers accept both.
 */
type Timestamp = ColumnType<Date | string, string, string>;
type NullableTimestamp = ColumnType<Date | string | null, string | null, string | null>;
/** PostgreSQL returns bigint as text to avoid losing precision; SQLite as a number. */
type Count = ColumnType<number | string, number, number>;

export interface NamespacesTable {
  id: string;
  /** Levels joined with NAMESPACE_SEPARATOR; unique. */
  key: string;
  parent_id: string | null;
  name: string;
  /** JSON object of string values. */
  properties: string;
  description: string | null;
  owner: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TablesTable {
  id: string;
  namespace_id: string;
  name: string;
  kind: string;
  metadata_location: string | null;
  location: string;
  description: string | null;
  owner: string | null;
  properties: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface IngestedFilesTable {
  table_id: string;
  sha256: string;
  source_path: string;
  size_bytes: Count;
  row_count: Count;
  rejected_count: Count;
  batch_id: string;
  /** Iceberg snapshot ids are 63-bit, so they are kept as text. */
  snapshot_id: string;
  ingested_at: Timestamp;
}

export interface PrincipalsTable {
  id: string;
  name: string;
  kind: string;
  /** 0 or 1 on both databases. */
  is_admin: number;
  created_at: Timestamp;
}

export interface TokensTable {
  id: string;
  principal_id: string;
  name: string;
  secret_hash: string;
  salt: string;
  created_at: Timestamp;
  expires_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
}

export interface Database {
  namespaces: NamespacesTable;
  tables: TablesTable;
  ingested_files: IngestedFilesTable;
  principals: PrincipalsTable;
  tokens: TokensTable;
}

export type MetastoreDialect = 'sqlite' | 'postgres';
