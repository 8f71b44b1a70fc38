import { InvalidInput, NotFound } from '../errors/index.js';
import { commitUpdate, type MetadataUpdate } from './commit.js';
import { expireSnapshots } from './expire-snapshots.js';
import { fileMayMatch, manifestMayMatch } from './evaluator.js';
import { readManifest } from './manifest.js';
import { readManifestList } from './manifest-list.js';
import { loadCurrentVersion, type MetadataVersion } from './metadata-files.js';
import { checkSpecs, SnapshotProducer, type SnapshotChange } from './new-snapshot.js';
import type {
  ExpireSnapshotsOptions,
  IcebergTable,
  PlanOptions,
  ReplaceOptions,
  SchemaChange,
  SnapshotExpiry,
  TableContext,
  WriteOptions,
} from './table-contract.js';
import { ancestorsOf, findSnapshot, schemaOf, snapshotSchema, specOf } from './table-metadata.js';
import { evolveSchema, rollBack, updateProperties } from './table-updates.js';
import type { DataFile, ManifestFile, Schema, Snapshot, TableMetadata } from './types.js';
import { ManifestEntryStatus } from './types.js';

/** Scans that ignored delete files would return deleted rows, so tables that have them are refused. */
/** A manifest that only records removals (a compaction's rewrite) holds nothing to read. */
function onlyDeletedFiles(m: ManifestFile): boolean {
  return m.addedFilesCount + m.existingFilesCount === 0 && m.deletedFilesCount > 0;
}

function refuseRowLevelDeletes(manifests: ManifestFile[]): void {
  if (manifests.some((m) => m.content === 1 && m.addedFilesCount + m.existingFilesCount > 0)) {
    throw new InvalidInput(
      'ROW_LEVEL_DELETES_UNSUPPORTED',
      'The table has row-level delete files, which Lakeward cannot apply yet.',
      {
        hint: 'compact the table with the engine that wrote the deletes (rewrite data files), then query it again',
      },
    );
  }
}

/** An Iceberg table as one metadata version shows it; writes return the next version. */
export class LoadedTable implements IcebergTable {
  readonly metadata: TableMetadata;
  readonly metadataLocation: string;

  constructor(
    readonly context: TableContext,
    version: MetadataVersion,
  ) {
    this.metadata = version.metadata;
    this.metadataLocation = version.location;
  }

  schema(): Schema {
    return schemaOf(this.metadata, this.metadata['current-schema-id']);
  }

  schemaFor(snapshot: Snapshot): Schema {
    return snapshotSchema(this.metadata, snapshot);
  }

  currentSnapshot(): Snapshot | undefined {
    const id = this.metadata['current-snapshot-id'];
    return id === undefined ? undefined : findSnapshot(this.metadata, id);
  }

  snapshot(id: bigint): Snapshot {
    return findSnapshot(this.metadata, id);
  }

  snapshotAsOf(timestampMs: number): Snapshot {
    const entries = this.metadata['snapshot-log'].filter((e) => e['timestamp-ms'] <= timestampMs);
    const last = entries[entries.length - 1];
    if (!last && this.#expiredBefore(timestampMs)) {
      throw new NotFound(
        'SNAPSHOT_NOT_FOUND',
        `The table's snapshots from ${new Date(timestampMs).toISOString()} have been expired.`,
        {
          hint: 'pick a later time; snapshots older than the table retention (history.expire.*) are removed',
        },
      );
    }
    if (!last) {
      throw new NotFound(
        'SNAPSHOT_NOT_FOUND',
        `The table had no snapshot at ${new Date(timestampMs).toISOString()}.`,
        {
          hint: 'pick a later time; the table history lists when each snapshot became current',
        },
      );
    }
    return findSnapshot(this.metadata, last['snapshot-id']);
  }

  /** Whether snapshots before that instant existed and were expired (the oldest kept one has a parent that is gone). */
  #expiredBefore(timestampMs: number): boolean {
    const oldest = this.metadata['snapshot-log'][0];
    if (oldest === undefined || timestampMs >= oldest['timestamp-ms']) return false;
    const first = this.metadata.snapshots.find((s) => s['snapshot-id'] === oldest['snapshot-id']);
    const parent = first?.['parent-snapshot-id'];
    return (
      parent !== undefined && !this.metadata.snapshots.some((s) => s['snapshot-id'] === parent)
    );
  }

  history(): Snapshot[] {
    return ancestorsOf(this.metadata, this.metadata['current-snapshot-id']);
  }

  async planFiles(options: PlanOptions = {}): Promise<DataFile[]> {
    const snapshot =
      options.snapshotId === undefined ? this.currentSnapshot() : this.snapshot(options.snapshotId);
    if (!snapshot) return [];
    const schema = this.schemaFor(snapshot);
    const { filter } = options;
    const all = await readManifestList(this.context.store, snapshot['manifest-list']);
    refuseRowLevelDeletes(all);
    const manifests = all.filter(
      (m) =>
        m.content === 0 &&
        !onlyDeletedFiles(m) &&
        (!filter ||
          !m.partitions ||
          manifestMayMatch(filter, schema, specOf(this.metadata, m.partitionSpecId), m.partitions)),
    );
    const perManifest = await Promise.all(
      manifests.map(async (m) => {
        const spec = specOf(this.metadata, m.partitionSpecId);
        const entries = await readManifest(this.context.store, m, schema, spec);
        return entries
          .filter((e) => e.status !== ManifestEntryStatus.deleted)
          .map((e) => e.dataFile)
          .filter((file) => !filter || fileMayMatch(filter, schema, spec, file));
      }),
    );
    return perManifest.flat();
  }

  async refresh(): Promise<IcebergTable> {
    return new LoadedTable(this.context, await loadCurrentVersion(this.context));
  }

  private async commit(update: MetadataUpdate): Promise<IcebergTable> {
    const version = { metadata: this.metadata, location: this.metadataLocation };
    return new LoadedTable(this.context, await commitUpdate(this.context, version, update));
  }

  private commitSnapshot(
    change: SnapshotChange,
    requires?: WriteOptions['requires'],
  ): Promise<IcebergTable> {
    checkSpecs(this.metadata, change.added);
    const producer = new SnapshotProducer(this.context, change);
    return this.commit((base) => {
      requires?.(ancestorsOf(base, base['current-snapshot-id']));
      return producer.apply(base);
    });
  }

  append(files: DataFile[], options: WriteOptions = {}): Promise<IcebergTable> {
    const { requires, ...write } = options;
    return this.commitSnapshot(
      { operation: 'append', added: files, deleted: [], ...write },
      requires,
    );
  }

  replaceFiles(
    deleted: DataFile[],
    added: DataFile[],
    options: ReplaceOptions,
  ): Promise<IcebergTable> {
    if ((options.operation as string) === 'append') {
      throw new InvalidInput(
        'INVALID_OPERATION',
        'replaceFiles makes overwrite, delete or replace snapshots.',
        {
          hint: 'use append to only add files',
        },
      );
    }
    return this.commitSnapshot(
      {
        operation: options.operation,
        added,
        deleted,
        ...(options.summary ? { summary: options.summary } : {}),
      },
      options.requires,
    );
  }

  updateSchema(changes: SchemaChange[]): Promise<IcebergTable> {
    const planned = this.metadata['current-schema-id'];
    return this.commit(async (base) => evolveSchema(base, planned, changes));
  }

  rollbackTo(snapshotId: bigint): Promise<IcebergTable> {
    findSnapshot(this.metadata, snapshotId);
    return this.commit(async (base) => rollBack(base, snapshotId));
  }

  setProperties(set: Record<string, string>, remove: string[] = []): Promise<IcebergTable> {
    return this.commit(async (base) => updateProperties(base, set, remove));
  }

  expireSnapshots(options: ExpireSnapshotsOptions = {}): Promise<SnapshotExpiry> {
    const version = { metadata: this.metadata, location: this.metadataLocation };
    return expireSnapshots(this.context, version, options, (v) => new LoadedTable(this.context, v));
  }
}
