import type { IcebergTable, Snapshot } from '../iceberg/index.js';
import type { IngestedFileRecord } from '../metastore/index.js';

/** Snapshot summary keys an ingest commit carries. */
export const SUMMARY_KEYS = {
  batchId: 'lakeward.batch-id',
  files: 'lakeward.files',
  sourceSystem: 'lakeward.source-system',
} as const;

/** Where and when a file's content was loaded before. */
export interface EarlierLoad {
  batchId: string;
  snapshotId: string;
  at: Date;
  sourcePath: string;
}

/**
 * Answers "was this content loaded into the table already?". The metastore record is
 * written before the Iceberg commit, so a record only counts when its batch reached
 * the table's history: a crash between the two neither hides an uncommitted file nor
 * lets a committed one load twice. A rolled-back batch no longer counts either.
 */
export class LoadedFiles {
  private constructor(private readonly byChecksum: Map<string, EarlierLoad>) {}

  static from(records: IngestedFileRecord[], table: IcebergTable | undefined): LoadedFiles {
    const committed = committedBatches(table);
    const byChecksum = new Map<string, EarlierLoad>();
    for (const record of records) {
      const snapshot = committed.get(record.batchId);
      if (snapshot === undefined) continue;
      const earlier = byChecksum.get(record.sha256);
      if (earlier !== undefined && earlier.at >= record.ingestedAt) continue;
      byChecksum.set(record.sha256, {
        batchId: record.batchId,
        snapshotId: snapshot['snapshot-id'].toString(),
        at: record.ingestedAt,
        sourcePath: record.sourcePath,
      });
    }
    return new LoadedFiles(byChecksum);
  }

  find(sha256: string): EarlierLoad | undefined {
    return this.byChecksum.get(sha256);
  }
}

/**
 * Batch ids whose rows may still be in the table: the current snapshot's ancestry,
 * back to the newest snapshot that replaced everything before it (a full overwrite,
 * or a delete of every row). A partial overwrite keeps older batches.
 */
function committedBatches(table: IcebergTable | undefined): Map<string, Snapshot> {
  const batches = new Map<string, Snapshot>();
  for (const snapshot of table?.history() ?? []) {
    const batchId = snapshot.summary[SUMMARY_KEYS.batchId];
    if (batchId !== undefined) batches.set(batchId, snapshot);
    if (replacedEverything(snapshot)) break;
  }
  return batches;
}

function replacedEverything(snapshot: Snapshot): boolean {
  const { summary } = snapshot;
  const total = summary['total-records'];
  return (
    total !== undefined && total === summary['added-records'] && summary['deleted-records'] !== '0'
  );
}

export function describeEarlierLoad(load: EarlierLoad): string {
  return `already loaded in batch ${load.batchId} on ${load.at.toISOString()} (snapshot ${load.snapshotId}, from ${load.sourcePath})`;
}
