import type { SnapshotLogEntry, TableMetadata } from './types.js';

/**
 * The spec's `remove-snapshots` and `remove-snapshot-ref` updates applied to metadata.
 * The snapshot log keeps only what follows the last entry of a snapshot that is gone: an
 * entry before it would describe history that can no longer be read (as Iceberg's own
 * TableMetadata builder trims it), so "as of" a time before that finds nothing.
 */
export function removeSnapshots(
  base: TableMetadata,
  removed: ReadonlySet<bigint>,
  removedRefs: readonly string[],
): TableMetadata {
  const snapshots = base.snapshots.filter((s) => !removed.has(s['snapshot-id']));
  const refs = Object.fromEntries(
    Object.entries(base.refs).filter(
      ([name, ref]) => !removedRefs.includes(name) && !removed.has(ref['snapshot-id']),
    ),
  );
  const remaining = new Set(snapshots.map((s) => s['snapshot-id']));
  let log: SnapshotLogEntry[] = [];
  for (const entry of base['snapshot-log']) {
    if (!remaining.has(entry['snapshot-id'])) log = [];
    else log.push(entry);
  }
  return {
    ...base,
    'last-updated-ms': Math.max(Date.now(), base['last-updated-ms']),
    snapshots,
    refs,
    'snapshot-log': log,
  };
}
