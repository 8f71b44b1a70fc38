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
  /**
   * A condition on the table the commit goes onto, checked against every base it is
   * applied to (again on the newer base after a lost race): it throws (a Conflict) to
   * abandon the commit. Given the base's ancestry, newest first. A stream's fencing.
   */
  requires?: (history: Snapshot[]) => void;
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

/**
 * Picks, from the current snapshot's ancestry (newest first), snapshots that must survive
 * an expiry whatever their age; they stay reachable from the head (every ancestor between
 * them and it is kept too). Called again on every commit attempt, with that attempt's table.
 */
export type SnapshotKeeper = (ancestry: readonly Snapshot[]) => Promise<readonly bigint[]>;

export interface ExpireSnapshotsOptions {
  /** Snapshots committed before this instant (ms) may go; default now − history.expire.max-snapshot-age-ms. */
  olderThanMs?: number;
  /** The current snapshot and its newest ancestors, this many in all, stay; default history.expire.min-snapshots-to-keep. */
  retainLast?: number;
  keep?: SnapshotKeeper;
  /** Plan and list the files that would go; commit and delete nothing. */
  dryRun?: boolean;
}

/** Files by kind (full URIs). */
export interface ExpiredFiles {
  manifestLists: string[];
  manifests: string[];
  dataFiles: string[];
  deleteFiles: string[];
}

export interface FileCleanup {
  deleted: ExpiredFiles;
  /** Files that would not go (they stay as harmless orphans) and steps that were skipped. */
  failures: { path: string; error: string }[];
}

export interface SnapshotExpiry {
  /** The table after the commit (the same table when nothing was removed or on a dry run). */
  table: IcebergTable;
  removed: Snapshot[];
  removedRefs: string[];
  keptSnapshots: number;
  olderThanMs: number;
  retainLast: number;
  /** Deleted files, or on a dry run the files that would be deleted. */
  files: ExpiredFiles;
  failures: FileCleanup['failures'];
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
  /**
   * Removes old snapshots (spec `remove-snapshots`) through an optimistic commit planned
   * again on conflict, then deletes the files only they reached (inside the table's
   * location). A failed delete is reported in the result, never thrown: the commit stands.
   */
  expireSnapshots(options?: ExpireSnapshotsOptions): Promise<SnapshotExpiry>;
}
