import type { Selectable } from 'kysely';
import { AlreadyExists, NotFound } from '../errors/index.js';
import { toDate } from './codec.js';
import { translateConstraints } from './constraint-errors.js';
import type { IngestedFilesTable } from './database.js';
import type { Executor } from './executor.js';
import type { IngestedFileRecord, IngestedFileRepository } from './repositories.js';

function toRecord(row: Selectable<IngestedFilesTable>): IngestedFileRecord {
  return {
    tableId: row.table_id,
    sha256: row.sha256,
    sourcePath: row.source_path,
    sizeBytes: Number(row.size_bytes),
    rowCount: Number(row.row_count),
    rejectedCount: Number(row.rejected_count),
    batchId: row.batch_id,
    snapshotId: row.snapshot_id,
    ingestedAt: toDate(row.ingested_at),
  };
}

export function ingestedFileRepository(executor: Executor): IngestedFileRepository {
  const { db } = executor;
  const byTime = (query: ReturnType<typeof selectFor>) =>
    query.orderBy('ingested_at').orderBy('source_path').orderBy('batch_id');
  const selectFor = (tableId: string) =>
    db.selectFrom('ingested_files').selectAll().where('table_id', '=', tableId);

  return {
    async find(tableId, sha256) {
      const row = await selectFor(tableId)
        .where('sha256', '=', sha256)
        .orderBy('ingested_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row && toRecord(row);
    },

    async record(files) {
      if (files.length === 0) return;
      const rows = files.map((f) => ({
        table_id: f.tableId,
        sha256: f.sha256,
        source_path: f.sourcePath,
        size_bytes: f.sizeBytes,
        row_count: f.rowCount,
        rejected_count: f.rejectedCount,
        batch_id: f.batchId,
        snapshot_id: f.snapshotId,
        ingested_at: f.ingestedAt.toISOString(),
      }));
      await translateConstraints(() => db.insertInto('ingested_files').values(rows).execute(), {
        unique: () =>
          new AlreadyExists(
            'INGESTED_FILE_ALREADY_RECORDED',
            'A file with the same checksum is already recorded for this table and batch.',
            { hint: 'Record each file once per batch.' },
          ),
        foreignKey: () =>
          new NotFound(
            'TABLE_NOT_FOUND',
            'The table these ingested files belong to does not exist.',
            {
              hint: 'Create the table before recording its files.',
            },
          ),
      });
    },

    async list(tableId) {
      return (await byTime(selectFor(tableId)).execute()).map(toRecord);
    },
  };
}
