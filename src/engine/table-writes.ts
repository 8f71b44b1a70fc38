import { InternalError } from '../errors/index.js';
import type { DataFile, IcebergTable } from '../iceberg/index.js';
import { parsePredicate } from './predicate.js';
import { scanSql } from './scan-sql.js';
import type { Session } from './session.js';
import { writeDataFiles } from './table-writer.js';
import type { WriteFilesOptions } from './table-writer.js';

export interface TableWriteOptions extends WriteFilesOptions {
  /** Extra snapshot summary entries (ingest batch id, stream offsets …). */
  summary?: Record<string, string>;
}

export interface OverwriteOptions extends TableWriteOptions {
  /** Row condition (checked with parsePredicate): only matching rows are replaced. */
  where?: string;
}

export interface QueryWriteResult {
  table: IcebergTable;
  rows: number;
  files: DataFile[];
}

/** Appends the rows of a SELECT to the table in one snapshot; nothing is committed for no rows. */
export async function appendQuery(
  session: Session,
  table: IcebergTable,
  selectSql: string,
  options: TableWriteOptions,
): Promise<QueryWriteResult> {
  const { files, rows } = await writeDataFiles(session, table, selectSql, options);
  if (files.length === 0) return { table, rows: 0, files };
  return { table: await table.append(files, { summary: options.summary }), rows, files };
}

/**
 * Replaces the table's rows with those of a SELECT; with `where`, replaces only the
 * rows matching it (copy-on-write), all in one snapshot.
 */
export async function overwriteQuery(
  session: Session,
  table: IcebergTable,
  selectSql: string,
  options: OverwriteOptions,
): Promise<QueryWriteResult> {
  const baseSnapshotId = table.currentSnapshot()?.['snapshot-id'] ?? null;
  const removal =
    options.where === undefined
      ? { deleted: await table.planFiles(), rewritten: [] }
      : await removeMatching(session, table, options.where, options);
  const { files, rows } = await writeDataFiles(session, table, selectSql, options);
  const committed = await table.replaceFiles(removal.deleted, [...removal.rewritten, ...files], {
    operation: 'overwrite',
    baseSnapshotId,
    summary: options.summary,
  });
  return { table: committed, rows, files };
}

/** Deletes the rows matching a condition by rewriting the files that hold them. */
export async function deleteWhere(
  session: Session,
  table: IcebergTable,
  where: string,
  options: TableWriteOptions,
): Promise<{ table: IcebergTable; deletedRows: number }> {
  const baseSnapshotId = table.currentSnapshot()?.['snapshot-id'] ?? null;
  const removal = await removeMatching(session, table, where, options);
  if (removal.deleted.length === 0) return { table, deletedRows: 0 };
  // Spec: 'delete' only removes files; keeping rows of rewritten files makes it an overwrite.
  const operation = removal.rewritten.length === 0 ? 'delete' : 'overwrite';
  const committed = await table.replaceFiles(removal.deleted, removal.rewritten, {
    operation,
    baseSnapshotId,
    summary: options.summary,
  });
  return { table: committed, deletedRows: removal.deletedRows };
}

interface Removal {
  /** Live files holding at least one matching row. */
  deleted: DataFile[];
  /** New files with the non-matching rows of partially matching files. */
  rewritten: DataFile[];
  deletedRows: number;
}

async function removeMatching(
  session: Session,
  table: IcebergTable,
  where: string,
  options: WriteFilesOptions,
): Promise<Removal> {
  const schema = table.schema();
  const predicate = await parsePredicate(where, schema);
  const candidates = await table.planFiles({ filter: predicate.expression });
  const deleted: DataFile[] = [];
  const partial: string[] = [];
  let deletedRows = 0;
  for (const file of candidates) {
    const local = await localPath(table, file);
    const [counts] = await session.all<{ matching: string; total: string }>(
      `SELECT count(*) FILTER (WHERE ${predicate.sql}) AS matching, count(*) AS total ` +
        `FROM (${scanSql(schema, [local])}) AS t`,
    );
    const matching = Number(counts?.matching ?? 0);
    if (matching === 0) continue;
    deleted.push(file);
    deletedRows += matching;
    if (matching < Number(counts?.total ?? 0)) partial.push(local);
  }
  if (partial.length === 0) return { deleted, rewritten: [], deletedRows };
  // A NULL condition does not match, so those rows stay.
  const keep = `SELECT * FROM (${scanSql(schema, partial)}) AS t WHERE NOT (${predicate.sql}) OR (${predicate.sql}) IS NULL`;
  const { files } = await writeDataFiles(session, table, keep, options);
  return { deleted, rewritten: files, deletedRows };
}

async function localPath(table: IcebergTable, file: DataFile): Promise<string> {
  const store = table.context.store;
  const key = store.keyOf(file.filePath);
  if (key === undefined) {
    throw new InternalError(`Data file ${file.filePath} is outside the warehouse ${store.root}.`);
  }
  return store.localPath(key);
}
