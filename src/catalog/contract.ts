import type {
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
}

export type { SchemaChange };
