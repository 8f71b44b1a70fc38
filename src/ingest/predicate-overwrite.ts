import { overwriteQuery, parsePredicate, scanSql } from '../engine/index.js';
import { InvalidInput } from '../errors/index.js';
import type { DataFile, IcebergTable } from '../iceberg/index.js';
import type { IngestRequest } from './contract.js';
import type { BatchJob } from './ingest-job.js';

/** `where` only says which rows an overwrite replaces; it means nothing to an append. */
export function checkWhereMode(request: IngestRequest): void {
  if (request.where === undefined || request.mode === 'overwrite') return;
  throw new InvalidInput(
    'WHERE_NEEDS_OVERWRITE',
    'A row condition (where) only applies to an overwrite.',
    { hint: 'Add --mode overwrite to replace the matching rows, or drop --where to append.' },
  );
}

/** A bad condition fails before any file is read (the table's columns decide). */
export async function checkWhere(
  request: IngestRequest,
  table: IcebergTable | undefined,
): Promise<void> {
  if (request.where !== undefined && table !== undefined) {
    await parsePredicate(request.where, table.schema());
  }
}

/**
 * Commits the staged files in place of the rows matching `where`, in one snapshot.
 * Staged rows outside the condition are refused: a later overwrite with the same
 * condition would not replace them, so reloading would pile them up.
 */
export async function overwriteMatching(
  job: BatchJob,
  table: IcebergTable,
  staged: { files: DataFile[]; paths: string[] },
  where: string,
  summary: Record<string, string>,
): Promise<IcebergTable> {
  const schema = table.schema();
  const predicate = await parsePredicate(where, schema);
  const rows = scanSql(schema, staged.paths);
  try {
    const [outside] = await job.session.all<{ n: number | string }>(
      `SELECT count(*) AS n FROM (${rows}) AS t WHERE NOT (${predicate.sql}) OR (${predicate.sql}) IS NULL`,
    );
    const count = Number(outside?.n ?? 0);
    if (count > 0) throw rowsOutside(count, where);
    // The staged files become the rows of a copy-on-write overwrite; the engine writes them anew.
    const result = await overwriteQuery(job.session, table, rows, {
      where,
      tempDir: job.scratch,
      targetFileSizeBytes: job.deps.config.ingest.targetFileSizeBytes,
      summary,
    });
    return result.table;
  } finally {
    await removeStaged(table, staged.files);
  }
}

async function removeStaged(table: IcebergTable, files: DataFile[]): Promise<void> {
  const store = table.context.store;
  for (const file of files) {
    const key = store.keyOf(file.filePath);
    if (key !== undefined) await store.delete(key).catch(() => undefined);
  }
}

function rowsOutside(count: number, where: string): InvalidInput {
  return new InvalidInput(
    'ROWS_OUTSIDE_WHERE',
    `${count} of the loaded rows do not match the condition ${where}; nothing was changed.`,
    {
      hint: 'Load only files whose rows all match --where, or widen the condition.',
    },
  );
}
