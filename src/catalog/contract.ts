import type { TableResolver } from '../engine/index.js';
import type {
  IcebergTable,
  IcebergType,
  PartitionFieldRequest,
  SchemaChange,
  SortOrder,
} from '../iceberg/index.js';

/** A table's name, parsed at the edge: namespace levels (the first is the layer) and the name. */
export interface TableIdent {
  readonly namespace: readonly string[];
  readonly name: string;
}

export const LAYERS = ['bronze', 'silver', 'gold'] as const;
export type Layer = (typeof LAYERS)[number];

export interface ColumnInfo {
  id: number;
  name: string;
  /** Iceberg type as a string: 'long', 'decimal(10, 2)', 'list<string>', 'struct<a: int>' … */
  type: string;
  required: boolean;
  doc: string | null;
}

export interface SnapshotInfo {
  snapshotId: string;
  parentSnapshotId: string | null;
  sequenceNumber: string;
  timestamp: string;
  operation: string;
  summary: Record<string, string>;
  schemaId: number | null;
  isCurrent: boolean;
}

export interface TableDescription {
  name: string;
  namespace: string[];
  layer: Layer;
  kind: 'iceberg' | 'external';
  location: string;
  metadataLocation: string | null;
  description: string | null;
  owner: string | null;
  properties: Record<string, string>;
  columns: ColumnInfo[];
  partitionSpec: { sourceColumn: string; transform: string; name: string }[];
  sortOrder: { column: string; direction: 'asc' | 'desc'; nullOrder: string }[];
  currentSnapshotId: string | null;
  snapshotCount: number;
  recordCount: number;
  fileCount: number;
  sizeBytes: number;
  createdAt: string;
  updatedAt: string;
}

export interface CreateTableInput {
  columns: { name: string; type: IcebergType; required?: boolean; doc?: string }[];
  partitionBy?: PartitionFieldRequest[];
  sortOrder?: Omit<SortOrder, 'order-id'>;
  description?: string;
  properties?: Record<string, string>;
  /** Shown as the table's owner; governance records who really owns it. */
  owner?: string;
}

export type { SchemaChange };

export interface NamespaceDescription {
  path: string[];
  description: string | null;
  owner: string | null;
  properties: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

/** What ingest, queries and the edges need from the catalog. Every name arrives parsed. */
export interface CatalogService {
  /** Creates the bronze, silver and gold namespaces and their warehouse folders; idempotent. */
  bootstrap(): Promise<void>;

  /** owner is shown as the namespace's (and any created ancestor's) owner. */
  createNamespace(
    path: string[],
    input?: { description?: string; properties?: Record<string, string>; owner?: string },
  ): Promise<NamespaceDescription>;
  listNamespaces(parent?: string[]): Promise<NamespaceDescription[]>;
  describeNamespace(path: string[]): Promise<NamespaceDescription>;
  updateNamespace(
    path: string[],
    patch: {
      description?: string | null;
      setProperties?: Record<string, string>;
      removeProperties?: string[];
    },
  ): Promise<NamespaceDescription>;
  renameNamespace(from: string[], to: string[]): Promise<void>;
  /** cascade drops the tables below too (and purges their files). */
  dropNamespace(path: string[], options?: { cascade?: boolean }): Promise<void>;

  createTable(ident: TableIdent, input: CreateTableInput): Promise<TableDescription>;
  /** The loaded Iceberg table (NotFound TABLE_NOT_FOUND otherwise). */
  loadTable(ident: TableIdent): Promise<IcebergTable>;
  tableExists(ident: TableIdent): Promise<boolean>;
  listTables(namespace: string[]): Promise<{ namespace: string[]; name: string; kind: string }[]>;
  describeTable(ident: TableIdent): Promise<TableDescription>;
  updateTable(
    ident: TableIdent,
    patch: {
      description?: string | null;
      setProperties?: Record<string, string>;
      removeProperties?: string[];
    },
  ): Promise<TableDescription>;
  renameTable(from: TableIdent, to: TableIdent): Promise<void>;
  /** purge deletes the table's files too (default true). */
  dropTable(ident: TableIdent, options?: { purge?: boolean }): Promise<void>;
  snapshots(ident: TableIdent): Promise<SnapshotInfo[]>;
  rollback(ident: TableIdent, snapshotId: bigint): Promise<SnapshotInfo>;
  evolveSchema(ident: TableIdent, changes: SchemaChange[]): Promise<TableDescription>;
  /**
   * Deletes the rows matching a SQL condition over the table's columns (copy-on-write,
   * one snapshot; none when nothing matches). External tables are refused.
   */
  deleteRows(
    ident: TableIdent,
    where: string,
  ): Promise<{ deletedRows: number; snapshotId: string | null }>;
  /** The resolver the query engine uses to read tables by their catalog names. */
  resolver(): TableResolver;
}
