import type { IcebergTable, DataFile } from '../iceberg/index.js';
import { ManifestEntryStatus, readManifest, readManifestList } from '../iceberg/index.js';

/** Snapshot summary keys a job's commit carries (what incremental runs start from). */
export const RUN_SUMMARY = {
  job: 'lakeward.job',
  version: 'lakeward.job-version',
  runId: 'lakeward.run-id',
  sources: 'lakeward.source-snapshots',
  /** How the run read its sources: all (first run or full recompute) or new-files. */
  read: 'lakeward.incremental',
} as const;

/** What a job's last successful run recorded in the target's snapshot summary. */
export interface PreviousRun {
  version: number;
  runId: string;
  /** Snapshot each source was read at, by dotted table name (null: the table was empty). */
  sources: Map<string, bigint | null>;
}

/** The summary entries of a job's commit. */
export function runSummary(
  job: { name: string; version: number },
  runId: string,
  sources: { table: string; snapshotId: string | null }[],
  read: 'all' | 'new-files' | null,
): Record<string, string> {
  const snapshots = Object.fromEntries(sources.map((s) => [s.table, s.snapshotId]));
  return {
    [RUN_SUMMARY.job]: job.name,
    [RUN_SUMMARY.version]: String(job.version),
    [RUN_SUMMARY.runId]: runId,
    [RUN_SUMMARY.sources]: JSON.stringify(snapshots),
    ...(read === null ? {} : { [RUN_SUMMARY.read]: read }),
  };
}

/** The newest commit of the job in the target's history (rolled-back commits do not count). */
export function previousRun(
  target: IcebergTable | undefined,
  job: string,
): PreviousRun | undefined {
  for (const snapshot of target?.history() ?? []) {
    const summary = snapshot.summary as Record<string, string | undefined>;
    if (summary[RUN_SUMMARY.job] !== job) continue;
    const recorded = JSON.parse(summary[RUN_SUMMARY.sources] ?? '{}') as Record<
      string,
      string | null
    >;
    return {
      version: Number(summary[RUN_SUMMARY.version]),
      runId: summary[RUN_SUMMARY.runId] ?? '',
      sources: new Map(
        Object.entries(recorded).map(([t, id]) => [t, id === null ? null : BigInt(id)]),
      ),
    };
  }
  return undefined;
}

/** The data files a source gained since a snapshot, or why they cannot be told apart. */
export type NewFiles =
  | { kind: 'files'; snapshotId: bigint | null; files: DataFile[] }
  | { kind: 'recompute'; reason: string };

/**
 * The data files added by the snapshots after `since` up to the table's current one,
 * read from snapshot lineage (manifests of those snapshots), never by scanning rows.
 * Only appends can be followed: a snapshot that removed or rewrote files (overwrite,
 * delete, replace), or a `since` that is no ancestor (rollback, expired history),
 * means the new rows cannot be told apart and the job must recompute.
 */
export async function filesAddedSince(
  table: IcebergTable,
  name: string,
  since: bigint | null,
): Promise<NewFiles> {
  const current = table.currentSnapshot();
  const snapshotId = current?.['snapshot-id'] ?? null;
  if (snapshotId === since) return { kind: 'files', snapshotId, files: [] };
  const between = [];
  let found = since === null;
  for (const snapshot of table.history()) {
    if (snapshot['snapshot-id'] === since) {
      found = true;
      break;
    }
    between.push(snapshot);
  }
  if (!found) {
    return {
      kind: 'recompute',
      reason: `snapshot ${since} of ${name} is no longer in its history (rolled back or expired)`,
    };
  }
  const rewrite = between.find((s) => s.summary.operation !== 'append');
  if (rewrite !== undefined) {
    return {
      kind: 'recompute',
      reason: `snapshot ${rewrite['snapshot-id']} of ${name} since the last run is not an append but ${rewrite.summary.operation}`,
    };
  }
  const files: DataFile[] = [];
  for (const snapshot of between) files.push(...(await addedBy(table, snapshot['snapshot-id'])));
  return { kind: 'files', snapshotId, files };
}

/** Files a snapshot added: the ADDED entries of the manifests it wrote. */
async function addedBy(table: IcebergTable, snapshotId: bigint): Promise<DataFile[]> {
  const snapshot = table.snapshot(snapshotId);
  const store = table.context.store;
  const manifests = await readManifestList(store, snapshot['manifest-list']);
  const files: DataFile[] = [];
  for (const manifest of manifests) {
    if (manifest.content !== 0 || manifest.addedSnapshotId !== snapshotId) continue;
    if (manifest.addedFilesCount === 0) continue;
    const spec = table.metadata['partition-specs'].find(
      (s) => s['spec-id'] === manifest.partitionSpecId,
    ) ?? { 'spec-id': manifest.partitionSpecId, fields: [] };
    const entries = await readManifest(store, manifest, table.schemaFor(snapshot), spec);
    for (const entry of entries) {
      if (entry.status === ManifestEntryStatus.added && entry.snapshotId === snapshotId) {
        files.push(entry.dataFile);
      }
    }
  }
  return files;
}
