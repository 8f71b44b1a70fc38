import type { DataFile, IcebergTable } from '../../iceberg/index.js';

/** What counts as small, when a partition is worth rewriting, and how big the new files get. */
export interface CompactionSettings {
  minFiles: number;
  targetFileSizeBytes: number;
  smallFileBytes: number;
}

/** The small files of one partition (of the table's current spec) that will be rewritten together. */
export interface PartitionGroup {
  /** e.g. `day=19723/country=France`, or `(unpartitioned)`. */
  partition: string;
  files: DataFile[];
  bytes: number;
  rows: number;
}

export interface CompactionPlan {
  /** The snapshot the plan was made against; the commit checks its files are still live. */
  baseSnapshotId: bigint | null;
  groups: PartitionGroup[];
}

/**
 * Groups the table's small data files by partition and keeps the partitions that have at
 * least minFiles of them. Files of an older partition spec are left alone: rewriting them
 * would move their rows into the current spec's layout, which is a repartition, not a
 * compaction. Tables with row-level delete files never get here: planFiles refuses them
 * (ROW_LEVEL_DELETES_UNSUPPORTED), so no delete can apply to a rewritten file.
 */
export async function planCompaction(
  table: IcebergTable,
  settings: CompactionSettings,
): Promise<CompactionPlan> {
  const baseSnapshotId = table.currentSnapshot()?.['snapshot-id'] ?? null;
  if (baseSnapshotId === null) return { baseSnapshotId, groups: [] };
  const specId = table.metadata['default-spec-id'];
  const byPartition = new Map<string, DataFile[]>();
  for (const file of await table.planFiles({ snapshotId: baseSnapshotId })) {
    if (file.specId !== specId || Number(file.fileSizeInBytes) >= settings.smallFileBytes) continue;
    const key = partitionLabel(file.partition);
    byPartition.set(key, [...(byPartition.get(key) ?? []), file]);
  }
  const groups: PartitionGroup[] = [];
  for (const [partition, files] of [...byPartition].sort(([a], [b]) => a.localeCompare(b))) {
    if (files.length < settings.minFiles) continue;
    groups.push({
      partition,
      files,
      bytes: files.reduce((sum, f) => sum + Number(f.fileSizeInBytes), 0),
      rows: files.reduce((sum, f) => sum + Number(f.recordCount), 0),
    });
  }
  return { baseSnapshotId, groups };
}

export function partitionLabel(partition: Record<string, unknown>): string {
  const entries = Object.entries(partition);
  if (entries.length === 0) return '(unpartitioned)';
  return entries
    .map(([name, value]) => `${name}=${value === null ? 'null' : String(value)}`)
    .join('/');
}
