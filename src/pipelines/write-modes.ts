import { planMergeRemoval, writeDataFiles } from '../engine/index.js';
import type { Session } from '../engine/index.js';
import type { DataFile, IcebergTable } from '../iceberg/index.js';

/** How staged rows change the table: added, replacing every row, or upserted by keys. */
export type WriteMode = 'append' | 'overwrite' | 'merge';

export interface RowsWrite {
  session: Session;
  table: IcebergTable;
  /** SELECT of the rows to write, by the table's column names. */
  rowsSql: string;
  /** Key columns of a merge. */
  keys: string[];
  tempDir: string;
  targetFileSizeBytes: number;
  /** Snapshot summary entries committed with the rows (job, run id, source snapshots). */
  summary: Record<string, string>;
}

export interface RowsWritten {
  table: IcebergTable;
  rows: number;
  /** Rows of the table that a merge replaced. */
  replacedRows: number;
}

/**
 * Writes the rows as data files and commits them as one snapshot, also when there are
 * none (the snapshot then records the run and the source snapshots it read, which the
 * next incremental run starts from). A merge removes the files holding the new rows'
 * keys and writes their other rows again (copy-on-write); with no key matched it is a
 * plain append, which keeps the table readable incrementally downstream. When the
 * commit fails, the files written for it are deleted.
 */
export async function writeRows(mode: WriteMode, write: RowsWrite): Promise<RowsWritten> {
  const { session, table, rowsSql, summary } = write;
  const options = { tempDir: write.tempDir, targetFileSizeBytes: write.targetFileSizeBytes };
  const { files, rows } = await writeDataFiles(session, table, rowsSql, options);
  const written: DataFile[] = [...files];
  try {
    const baseSnapshotId = table.currentSnapshot()?.['snapshot-id'] ?? null;
    if (mode === 'append') {
      return { table: await table.append(files, { summary }), rows, replacedRows: 0 };
    }
    if (mode === 'overwrite') {
      const committed = await table.replaceFiles(await table.planFiles(), files, {
        operation: 'overwrite',
        baseSnapshotId,
        summary,
      });
      return { table: committed, rows, replacedRows: 0 };
    }
    // No new rows replace none: the table's files need not be looked at.
    if (rows === 0) return { table: await table.append(files, { summary }), rows, replacedRows: 0 };
    const removal = await planMergeRemoval(session, table, rowsSql, write.keys, options);
    written.push(...removal.rewritten);
    const committed =
      removal.deleted.length === 0
        ? await table.append(files, { summary })
        : await table.replaceFiles(removal.deleted, [...removal.rewritten, ...files], {
            operation: 'overwrite',
            baseSnapshotId,
            summary,
          });
    return { table: committed, rows, replacedRows: removal.replacedRows };
  } catch (err) {
    await removeFiles(table, written);
    throw err;
  }
}

/** Data files no snapshot refers to; a failure to remove one leaves an orphan for maintenance. */
async function removeFiles(table: IcebergTable, files: DataFile[]): Promise<void> {
  const store = table.context.store;
  for (const file of files) {
    const key = store.keyOf(file.filePath);
    if (key !== undefined) await store.delete(key).catch(() => undefined);
  }
}
