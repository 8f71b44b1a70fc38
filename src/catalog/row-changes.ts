import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { deleteWhere, openSession } from '../engine/index.js';
import type { SessionOptions } from '../engine/index.js';
import { InternalError } from '../errors/index.js';
import type { IcebergTable } from '../iceberg/index.js';

/** What rewriting a table's rows needs: a trusted engine session and the size of its files. */
export interface RowChangeOptions {
  session: SessionOptions;
  targetFileSizeBytes: number;
}

export interface DeletedRows {
  deletedRows: number;
  /** The snapshot made by the delete; the current one when nothing matched. */
  snapshotId: string | null;
}

/**
 * Deletes the rows matching `where` (copy-on-write): files holding matching rows are
 * rewritten without them in one snapshot; nothing is committed when no row matches.
 */
export async function deleteRows(
  table: IcebergTable,
  where: string,
  options: RowChangeOptions | undefined,
): Promise<DeletedRows> {
  if (options === undefined) {
    throw new InternalError('The catalog was built without engine settings for row changes.');
  }
  await mkdir(options.session.tempDir, { recursive: true });
  const scratch = await mkdtemp(path.join(options.session.tempDir, 'delete-'));
  const session = await openSession({ ...options.session, tempDir: scratch });
  try {
    const result = await deleteWhere(session, table, where, {
      tempDir: scratch,
      targetFileSizeBytes: options.targetFileSizeBytes,
    });
    return {
      deletedRows: result.deletedRows,
      snapshotId: result.table.currentSnapshot()?.['snapshot-id'].toString() ?? null,
    };
  } finally {
    session.close();
    await rm(scratch, { recursive: true, force: true });
  }
}
