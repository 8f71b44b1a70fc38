import type { ObjectStore } from '../storage/index.js';
import type { Expression } from './expression.js';
import type {
  DataFile,
  IcebergType,
  Schema,
  Snapshot,
  SnapshotOperation,
  SortOrder,
  TableMetadata,
} from './types.js';

/** Where the current metadata file of one table is recorded (the metastore row). */
export interface MetadataPointer {
  /** URI of the current metadata file, or null before the first commit. */
  load(): Promise<string | null>;
  /** Atomically replaces expected with next; false when another writer committed first. */
  compareAndSwap(expected: string | null, next: string): Promise<boolean>;
}

export interface TableContext {
  store: ObjectStore;
  pointer: MetadataPointer;
  /** Folder of the table inside the warehouse, e.g. 'bronze/retail/invoices'. */
  keyPrefix: string;
  /** Retries of an optimistic commit that lost a race (refresh, re-validate, re-apply). */
  maxRetries?: number;
  retryBaseDelayMs?: number;
}

/** A partition field before ids are assigned: source column name and transform. */
export interface PartitionFieldRequest {
  source: string;
  /** identity | year | month | day | hour | bucket[N] | truncate[W] | void */
  transform: string;
  name?: string;
}

export interface CreateTableRequest {
  /** Field ids may be anything unique; they are reassigned from 1 in order. */
  schema: Schema;
  partitionBy?: PartitionFieldRequest[];
  sortOrder?: Omit<SortOrder, 'order-id'>;
  properties?: Record<string, string>;
}

export type SchemaChange =
  | {
      kind: 'add';
      name: string;
      type: IcebergType;
      parent?: string;
      required?: false;
      doc?: string;
    }
  | { kind: 'rename'; name: string; newName: string }
  | { kind: 'drop'; name: string }
  /** int→long, float→double, decimal(P,S)→decimal(P2,S) with P2>P; anything else is refused. */
  | { kind: 'widen'; name: string; type: IcebergType }
  | { kind: 'makeOptional'; name: string }
  | { kind: 'doc'; name: string; doc: string }
  | { kind: 'move'; name: string; first: true }
  | { kind: 'move'; name: string; after: string }
  | { kind: 'move'; name: string; before: string };

export interface WriteOptions {
  /** Extra snapshot summary entries (ingest batch id, stream offsets …). */
  summary?: Record<string, string>;
}

export interface ReplaceOptions extends WriteOptions {
  operation: Exclude<SnapshotOperation, 'append'>;
  /**
   * The snapshot the caller planned against. The commit fails with Conflict
   * (COMMIT_CONFLICT) if any file in `deleted` is no longer live when it commits.
   */
  baseSnapshotId: bigint | null;
}

export interface PlanOptions {
  snapshotId?: bigint;
  /** Files that cannot hold a matching row are left out (partition values, then bounds). */
  filter?: Expression;
}

/** A loaded Iceberg table; every write returns the refreshed table after its commit. */
export interface IcebergTable {
  readonly metadata: TableMetadata;
  readonly metadataLocation: string;
  readonly context: TableContext;
  schema(): Schema;
  /** The schema a snapshot was written with (for time travel). */
  schemaFor(snapshot: Snapshot): Schema;
  currentSnapshot(): Snapshot | undefined;
  /** Throws NotFound (SNAPSHOT_NOT_FOUND) naming the table's snapshots. */
  snapshot(id: bigint): Snapshot;
  /** The snapshot current at that instant; NotFound when the table was empty then. */
  snapshotAsOf(timestampMs: number): Snapshot;
  /** Ancestors of the current snapshot, newest first. */
  history(): Snapshot[];
  planFiles(options?: PlanOptions): Promise<DataFile[]>;
  refresh(): Promise<IcebergTable>;

  append(files: DataFile[], options?: WriteOptions): Promise<IcebergTable>;
  /** Removes `deleted` and adds `added` in one snapshot (overwrite, delete, replace). */
  replaceFiles(
    deleted: DataFile[],
    added: DataFile[],
    options: ReplaceOptions,
  ): Promise<IcebergTable>;
  updateSchema(changes: SchemaChange[]): Promise<IcebergTable>;
  /** Makes an ancestor of the current snapshot current again. */
  rollbackTo(snapshotId: bigint): Promise<IcebergTable>;
  setProperties(set: Record<string, string>, remove?: string[]): Promise<IcebergTable>;
}
