import type { ColumnType } from 'kysely';
import type { CatalogMetadataTables } from './catalog-metadata-migration.js';
import type { GlossaryTables } from './glossary-migration.js';
import type { ClassificationTables } from './classification-migration.js';
import type { SearchTables } from './search-migration.js';
import type { ExternalTableTables } from './external-table-migration.js';
import type { CrawlerTables } from './crawler-migration.js';
import type { StreamTables } from './stream-migration.js';
import type { VolumeTables } from './volume-migration.js';
import type { QualityTables } from './quality-migration.js';
import type { LineageTables } from './lineage-migration.js';
import type { PipelineTables } from './pipeline-migration.js';

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

/** Paths of securables are JSON text of the array of names (see securable-codec.ts). */
export interface GroupsTable {
  id: string;
  name: string;
  description: string | null;
  created_at: Timestamp;
}

export interface GroupMembersTable {
  group_id: string;
  member_kind: string;
  member_name: string;
}

export interface GrantsTable {
  id: string;
  securable_kind: string;
  securable_path: string;
  privilege: string;
  grantee_kind: string;
  grantee_name: string;
  /** 0 or 1 on both databases. */
  with_grant_option: number;
  granted_by: string;
  created_at: Timestamp;
}

export interface TagKeysTable {
  key: string;
  /** JSON array of strings. */
  allowed_values: string;
  description: string | null;
  created_by: string;
  created_at: Timestamp;
}

export interface TagAssignmentsTable {
  securable_kind: string;
  securable_path: string;
  key: string;
  value: string;
  assigned_by: string;
  assigned_at: Timestamp;
}

export interface TagPoliciesTable {
  id: string;
  expression: string;
  /** JSON array of privilege names. */
  privileges: string;
  grantee_kind: string;
  grantee_name: string;
  with_grant_option: number;
  created_by: string;
  created_at: Timestamp;
}

export interface DataFiltersTable {
  id: string;
  name: string;
  table_path: string;
  row_predicate: string | null;
  column_mode: string;
  /** JSON array of column names. */
  columns: string;
  /** JSON array of {kind, name}. */
  grantees: string;
  created_by: string;
  created_at: Timestamp;
}

export interface ColumnMasksTable {
  id: string;
  table_path: string;
  column_name: string;
  function: string;
  expression: string | null;
  /** JSON array of {kind, name}. */
  exempt: string;
  created_by: string;
  created_at: Timestamp;
}

export interface AuditEventsTable {
  seq: Count;
  event_id: string;
  at: Timestamp;
  principal: string | null;
  action: string;
  resource: string | null;
  decision: string;
  event: string;
  prev_hash: string;
  hash: string;
}

/** A single row (id 1): the head of the hash chain and the anchor left by retention. */
export interface AuditChainTable {
  id: number;
  last_seq: Count;
  last_hash: string;
  anchor_seq: Count;
  anchor_hash: string;
}

/** A single row (id 1). */
export interface PolicyVersionTable {
  id: number;
  version: Count;
}

export interface Database
  extends
    CatalogMetadataTables,
    GlossaryTables,
    ClassificationTables,
    SearchTables,
    ExternalTableTables,
    CrawlerTables,
    VolumeTables,
    QualityTables,
    LineageTables,
    PipelineTables,
    StreamTables {
  namespaces: NamespacesTable;
  tables: TablesTable;
  ingested_files: IngestedFilesTable;
  principals: PrincipalsTable;
  tokens: TokensTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  grants: GrantsTable;
  tag_keys: TagKeysTable;
  tag_assignments: TagAssignmentsTable;
  tag_policies: TagPoliciesTable;
  data_filters: DataFiltersTable;
  column_masks: ColumnMasksTable;
  audit_events: AuditEventsTable;
  audit_chain: AuditChainTable;
  policy_version: PolicyVersionTable;
}

export type MetastoreDialect = 'sqlite' | 'postgres';
