import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { openSession, quoteIdent, scanSql, writeDataFiles } from '../../engine/index.js';
import type { SessionOptions } from '../../engine/index.js';
import { InternalError } from '../../errors/index.js';
import type { DataFile, IcebergTable, Schema } from '../../iceberg/index.js';
import { describeTransform } from '../../iceberg/index.js';
import type { PartitionGroup } from './compaction-plan.js';

export interface RewrittenFiles {
  files: DataFile[];
  rows: number;
}

/**
 * Reads the groups' files and writes their rows again as files of about the target size,
 * in the table's current schema and spec (so each group lands in its own partition) and
 * in the table's sort order. Nothing is committed. The row count must come out exactly as
 * it went in; otherwise the new files are removed and nothing is returned to commit.
 */
export async function rewriteSmallFiles(
  table: IcebergTable,
  groups: PartitionGroup[],
  options: { session: SessionOptions; targetFileSizeBytes: number },
): Promise<RewrittenFiles> {
  const old = groups.flatMap((g) => g.files);
  const expected = old.reduce((sum, f) => sum + Number(f.recordCount), 0);
  await mkdir(options.session.tempDir, { recursive: true });
  const scratch = await mkdtemp(path.join(options.session.tempDir, 'compact-'));
  const session = await openSession({ ...options.session, tempDir: scratch });
  try {
    const schema = table.schema();
    const paths = await Promise.all(old.map((f) => localPath(table, f)));
    const select = `SELECT * FROM (${scanSql(schema, paths)}) AS t${orderBySql(table, schema)}`;
    const written = await writeDataFiles(session, table, select, {
      tempDir: scratch,
      targetFileSizeBytes: options.targetFileSizeBytes,
      inTableShape: true,
    });
    if (written.rows !== expected) {
      await removeFiles(table, written.files);
      throw new InternalError(
        `Compaction read ${expected} rows from ${old.length} files but wrote ${written.rows}; nothing was committed.`,
      );
    }
    return written;
  } finally {
    session.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Files written for a commit that did not happen; nothing refers to them. */
export async function removeFiles(table: IcebergTable, files: DataFile[]): Promise<void> {
  const store = table.context.store;
  for (const file of files) {
    const key = store.keyOf(file.filePath);
    if (key !== undefined) await store.delete(key).catch(() => undefined);
  }
}

/**
 * The table's default sort order as ORDER BY. Order-preserving transforms (identity,
 * year … hour, truncate) sort like their source column; a bucket order has no useful
 * row order, so it is left out.
 */
function orderBySql(table: IcebergTable, schema: Schema): string {
  const id = table.metadata['default-sort-order-id'];
  const order = table.metadata['sort-orders'].find((o) => o['order-id'] === id);
  const terms = (order?.fields ?? []).flatMap((field) => {
    const source = schema.fields.find((f) => f.id === field['source-id']);
    const kind = describeTransform(field.transform)?.kind;
    if (source === undefined || kind === undefined || kind === 'bucket' || kind === 'void') {
      return [];
    }
    const nulls = field['null-order'] === 'nulls-first' ? 'NULLS FIRST' : 'NULLS LAST';
    return [`${quoteIdent(source.name)} ${field.direction.toUpperCase()} ${nulls}`];
  });
  return terms.length === 0 ? '' : ` ORDER BY ${terms.join(', ')}`;
}

async function localPath(table: IcebergTable, file: DataFile): Promise<string> {
  const store = table.context.store;
  const key = store.keyOf(file.filePath);
  if (key === undefined) {
    throw new InternalError(`Data file ${file.filePath} is outside the warehouse ${store.root}.`);
  }
  return store.localPath(key);
}
