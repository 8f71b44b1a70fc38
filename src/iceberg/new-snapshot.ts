import { randomBytes, randomUUID } from 'node:crypto';
import { Conflict, InvalidInput } from '../errors/index.js';
import { readManifest, writeManifest } from './manifest.js';
import { readManifestList, writeManifestList } from './manifest-list.js';
import { metadataKey } from './metadata-files.js';
import { buildSummary } from './snapshot-summary.js';
import { schemaOf, snapshotSchema, specOf } from './table-metadata.js';
import type { TableContext } from './table-contract.js';
import type {
  DataFile,
  ManifestEntry,
  ManifestFile,
  Snapshot,
  SnapshotOperation,
  TableMetadata,
} from './types.js';
import { ManifestEntryStatus } from './types.js';

/** A random positive 63-bit id, as the spec asks for snapshot ids. */
export function newSnapshotId(): bigint {
  const id = randomBytes(8).readBigUInt64BE() & 0x7fff_ffff_ffff_ffffn;
  return id === 0n ? 1n : id;
}

export interface SnapshotChange {
  operation: SnapshotOperation;
  added: DataFile[];
  /** Files to remove; each must be live in the base's current snapshot. */
  deleted: DataFile[];
  summary?: Record<string, string>;
}

const isLive = (e: ManifestEntry): boolean => e.status !== ManifestEntryStatus.deleted;
const hasLiveFiles = (m: ManifestFile): boolean => m.addedFilesCount + m.existingFilesCount > 0;

/**
 * Produces the snapshots of one write. The snapshot id and the manifests of added
 * files survive retries (their entries inherit sequence numbers), while everything
 * that depends on the base is rebuilt on each attempt.
 */
export class SnapshotProducer {
  readonly snapshotId = newSnapshotId();
  private addedManifests: ManifestFile[] | undefined;

  constructor(
    private readonly ctx: TableContext,
    private readonly change: SnapshotChange,
  ) {}

  private key(name: string): string {
    return metadataKey(this.ctx, name);
  }

  private async writeAddedManifests(base: TableMetadata): Promise<ManifestFile[]> {
    if (this.addedManifests) return this.addedManifests;
    const bySpec = new Map<number, DataFile[]>();
    for (const file of this.change.added)
      bySpec.set(file.specId, [...(bySpec.get(file.specId) ?? []), file]);
    const written: ManifestFile[] = [];
    for (const [specId, files] of bySpec) {
      written.push(
        await writeManifest(this.ctx.store, {
          key: this.key(`${randomUUID()}-m${written.length}.avro`),
          schema: schemaOf(base, base['current-schema-id']),
          spec: specOf(base, specId),
          snapshotId: this.snapshotId,
          sequenceNumber: 0n,
          entries: files.map((dataFile) => ({
            status: ManifestEntryStatus.added,
            snapshotId: this.snapshotId,
            sequenceNumber: null,
            fileSequenceNumber: null,
            dataFile,
          })),
        }),
      );
    }
    this.addedManifests = written;
    return written;
  }

  /**
   * Rewrites the parent's manifests that hold deleted files: those entries become
   * DELETED by this snapshot, the others EXISTING with their original ids.
   */
  private async removeFiles(
    base: TableMetadata,
    parent: Snapshot,
    manifests: ManifestFile[],
    sequenceNumber: bigint,
  ): Promise<{ kept: ManifestFile[]; rewritten: ManifestFile[]; removed: DataFile[] }> {
    const wanted = new Set(this.change.deleted.map((f) => f.filePath));
    const schema = snapshotSchema(base, parent);
    const kept: ManifestFile[] = [];
    const removed: DataFile[] = [];
    // One rewritten manifest per spec, not one per touched manifest: a compaction that
    // removes 500 small files from 500 manifests writes one manifest, not 500.
    const bySpec = new Map<number, ManifestEntry[]>();
    for (const manifest of manifests) {
      const entries = hasLiveFiles(manifest)
        ? await readManifest(
            this.ctx.store,
            manifest,
            schema,
            specOf(base, manifest.partitionSpecId),
          )
        : [];
      const live = entries.filter(isLive);
      if (!live.some((e) => wanted.has(e.dataFile.filePath))) {
        kept.push(manifest);
        continue;
      }
      const next = live.map((e): ManifestEntry => {
        if (!wanted.has(e.dataFile.filePath)) return { ...e, status: ManifestEntryStatus.existing };
        removed.push(e.dataFile);
        return { ...e, status: ManifestEntryStatus.deleted, snapshotId: this.snapshotId };
      });
      bySpec.set(manifest.partitionSpecId, [
        ...(bySpec.get(manifest.partitionSpecId) ?? []),
        ...next,
      ]);
    }
    const rewritten: ManifestFile[] = [];
    for (const [specId, entries] of bySpec) {
      rewritten.push(
        await writeManifest(this.ctx.store, {
          key: this.key(`${randomUUID()}-m${rewritten.length}.avro`),
          schema: schemaOf(base, base['current-schema-id']),
          spec: specOf(base, specId),
          snapshotId: this.snapshotId,
          sequenceNumber,
          entries,
        }),
      );
    }
    return { kept, rewritten, removed };
  }

  private requireAllRemoved(removed: DataFile[]): void {
    const found = new Set(removed.map((f) => f.filePath));
    const missing = this.change.deleted
      .filter((f) => !found.has(f.filePath))
      .map((f) => f.filePath);
    if (missing.length > 0) {
      throw new Conflict(
        'COMMIT_CONFLICT',
        `${missing.length} file(s) to remove are no longer in the table: ${missing.slice(0, 3).join(', ')}.`,
        {
          hint: 're-run the operation',
          details: { missing },
        },
      );
    }
  }

  /** The next metadata: a new snapshot on top of the base's current one. */
  async apply(base: TableMetadata): Promise<TableMetadata> {
    const parentId = base['current-snapshot-id'];
    const parent = base.snapshots.find((s) => s['snapshot-id'] === parentId);
    const sequenceNumber = base['last-sequence-number'] + 1n;
    const parentManifests = parent
      ? await readManifestList(this.ctx.store, parent['manifest-list'])
      : [];
    const { kept, rewritten, removed } =
      this.change.deleted.length > 0 && parent
        ? await this.removeFiles(base, parent, parentManifests, sequenceNumber)
        : { kept: parentManifests, rewritten: [], removed: [] };
    this.requireAllRemoved(removed);
    const added = (await this.writeAddedManifests(base)).map((m) => ({
      ...m,
      sequenceNumber,
      minSequenceNumber: sequenceNumber,
    }));
    const manifestList = await writeManifestList(this.ctx.store, {
      key: this.key(`snap-${this.snapshotId}-${randomUUID()}.avro`),
      snapshotId: this.snapshotId,
      parentSnapshotId: parentId,
      sequenceNumber,
      manifests: [...added, ...rewritten, ...kept.filter(hasLiveFiles)],
    });
    const now = Math.max(Date.now(), base['last-updated-ms']);
    const snapshot: Snapshot = {
      'snapshot-id': this.snapshotId,
      'sequence-number': sequenceNumber,
      'timestamp-ms': now,
      'manifest-list': manifestList,
      summary: buildSummary({
        operation: this.change.operation,
        added: this.change.added,
        deleted: removed,
        parent: parent?.summary,
        ...(this.change.summary ? { extra: this.change.summary } : {}),
      }),
      'schema-id': base['current-schema-id'],
    };
    if (parentId !== undefined) snapshot['parent-snapshot-id'] = parentId;
    return {
      ...base,
      'last-sequence-number': sequenceNumber,
      'last-updated-ms': now,
      snapshots: [...base.snapshots, snapshot],
      'current-snapshot-id': this.snapshotId,
      refs: { ...base.refs, main: { 'snapshot-id': this.snapshotId, type: 'branch' } },
      'snapshot-log': [
        ...base['snapshot-log'],
        { 'snapshot-id': this.snapshotId, 'timestamp-ms': now },
      ],
    };
  }
}

/** Added files must belong to a partition spec the table has. */
export function checkSpecs(base: TableMetadata, files: DataFile[]): void {
  for (const file of files) {
    if (!base['partition-specs'].some((s) => s['spec-id'] === file.specId)) {
      throw new InvalidInput(
        'UNKNOWN_PARTITION_SPEC',
        `${file.filePath} names partition spec ${file.specId}, which the table does not have.`,
        {
          hint: `write data files with the table's partition spec ${base['default-spec-id']}`,
        },
      );
    }
  }
}
