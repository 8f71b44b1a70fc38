import type { DataFile, Snapshot, SnapshotOperation } from './types.js';

/** Appendix F totals carried from snapshot to snapshot. */
const TOTALS = [
  'total-records',
  'total-data-files',
  'total-delete-files',
  'total-files-size',
  'total-position-deletes',
  'total-equality-deletes',
] as const;

function sumOf(files: DataFile[], pick: (f: DataFile) => bigint): bigint {
  return files.reduce((sum, f) => sum + pick(f), 0n);
}

function partitionKey(file: DataFile): string {
  return `${file.specId}:${JSON.stringify(file.partition, (_k, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? [...v] : v,
  )}`;
}

function parentTotal(parent: Snapshot['summary'] | undefined, key: string): bigint {
  const value = parent?.[key];
  return value !== undefined && /^-?\d+$/.test(value) ? BigInt(value) : 0n;
}

export interface SummaryInput {
  operation: SnapshotOperation;
  added: DataFile[];
  deleted: DataFile[];
  parent: Snapshot['summary'] | undefined;
  extra?: Record<string, string>;
}

/** The snapshot summary: this commit's changes, running totals, then the caller's own keys. */
export function buildSummary(input: SummaryInput): Snapshot['summary'] {
  const { added, deleted, parent } = input;
  const addedRecords = sumOf(added, (f) => f.recordCount);
  const deletedRecords = sumOf(deleted, (f) => f.recordCount);
  const addedSize = sumOf(added, (f) => f.fileSizeInBytes);
  const removedSize = sumOf(deleted, (f) => f.fileSizeInBytes);
  const changes: Record<string, bigint> = {
    'added-data-files': BigInt(added.length),
    'deleted-data-files': BigInt(deleted.length),
    'added-records': addedRecords,
    'deleted-records': deletedRecords,
    'added-files-size': addedSize,
    'removed-files-size': removedSize,
    'changed-partition-count': BigInt(new Set([...added, ...deleted].map(partitionKey)).size),
  };
  const deltas: Record<(typeof TOTALS)[number], bigint> = {
    'total-records': addedRecords - deletedRecords,
    'total-data-files': BigInt(added.length - deleted.length),
    'total-delete-files': 0n,
    'total-files-size': addedSize - removedSize,
    'total-position-deletes': 0n,
    'total-equality-deletes': 0n,
  };
  const summary: Record<string, string> = { operation: input.operation };
  for (const [key, value] of Object.entries(changes)) summary[key] = String(value);
  for (const key of TOTALS) summary[key] = String(parentTotal(parent, key) + deltas[key]);
  // The caller's keys never overwrite the spec's own.
  for (const [key, value] of Object.entries(input.extra ?? {})) summary[key] ??= value;
  return summary as Snapshot['summary'];
}
