import { icebergToDuckType, writeDataFiles } from '../engine/index.js';
import { InternalError } from '../errors/index.js';
import type { DataFile, IcebergTable } from '../iceberg/index.js';
import { batchSelectSql, countRows, type FileCounts } from './batch-sql.js';
import { checkNoBronzeNames, missingBronzeColumns } from './bronze-columns.js';
import {
  createBronzeTable,
  evolveBronzeTable,
  rejectsIdent,
  syncProperties,
} from './bronze-table.js';
import { sniffDialects } from './csv-dialect.js';
import { allNullProbe, describeFiles, readable } from './file-columns.js';
import { tableName, throwIfAborted, type BatchJob, type CheckedFile } from './ingest-job.js';
import { SUMMARY_KEYS } from './loaded-files.js';
import { overwriteMatching } from './predicate-overwrite.js';
import { writeRejects } from './rejects.js';
import { planSchema, type FileColumns, type PlannedColumn } from './schema-plan.js';
import { groupKey, readerSql, type ReaderOptions } from './source-read.js';

export interface BatchResult {
  snapshotId: string | null;
  createdTable: boolean;
  counts: FileCounts;
  rejectsTable: string | null;
  schemaChanges: string[];
}

/** Names of the session's temporary tables where DuckDB keeps malformed CSV rows. */
export const REJECTS = { table: 'lakeward_rejects', scan: 'lakeward_rejects_scan' };
/** Reads done only to learn about a file keep their rejects apart from the load's. */
const PROBE_REJECTS = { table: 'lakeward_probe_rejects', scan: 'lakeward_probe_rejects_scan' };

/** Files written per DuckDB statement: few enough for a moving progress bar, many enough for speed. */
const CHUNK_FILES = 32;
const CHUNK_BYTES = 1024 ** 3;

/**
 * Plans the schema, writes every file's rows as data files of the table, records the
 * files, and commits them all as one snapshot.
 */
export async function loadBatch(given: BatchJob): Promise<BatchResult> {
  const files = await sniffDialects(given.session, given.files, given.request.csv);
  const job = { ...given, files };
  const { request, session } = job;
  const probe: ReaderOptions = { csv: request.csv, rejects: PROBE_REJECTS };
  const described = await describeFiles(session, files, probe);
  for (const d of described) checkNoBronzeNames(d.file, d.columns);
  const existing =
    job.table === undefined
      ? undefined
      : { name: tableName(request.table), schema: job.table.schema() };
  const plan = await planSchema(described, existing, allNullProbe(session, files, probe));
  throwIfAborted(request.signal);

  const createdTable = job.table === undefined;
  let table = await prepareTable(job, plan.columns, plan.changes);
  let counts: FileCounts;
  try {
    const written = await writeAll(job, table, described, plan.columns);
    const paths = await localPaths(table, written);
    counts = await countRows(session, paths, REJECTS);
    throwIfAborted(request.signal);
    await recordFiles(job, counts);
    job.progress({
      phase: 'commit',
      filesDone: files.length,
      filesTotal: job.allFiles,
      rows: total(counts.rows),
    });
    table = await commit(job, table, { files: written, paths });
  } catch (err) {
    // A table this command created must not stay behind empty after a failed load.
    if (createdTable) await job.deps.catalog.dropTable(request.table).catch(() => undefined);
    throw err;
  }
  const rejected = total(counts.rejected);
  if (rejected > 0) await writeRejects(job, REJECTS);
  return {
    snapshotId: table.currentSnapshot()?.['snapshot-id'].toString() ?? null,
    createdTable,
    counts,
    rejectsTable: rejected > 0 ? tableName(rejectsIdent(request.table)) : null,
    schemaChanges: plan.described,
  };
}

async function prepareTable(
  job: BatchJob,
  columns: PlannedColumn[],
  changes: Parameters<typeof evolveBronzeTable>[2],
): Promise<IcebergTable> {
  const { catalog } = job.deps;
  const properties = bronzeProperties(job);
  if (job.table === undefined) {
    return createBronzeTable(catalog, job.request.table, columns, properties, job.request.owner);
  }
  const table = await evolveBronzeTable(catalog, job.request.table, [
    ...changes,
    ...missingBronzeColumns(job.table.schema()),
  ]);
  await syncProperties(catalog, job.request.table, properties);
  return table;
}

/** Writes the files chunk by chunk (nothing committed yet), reporting progress after each. */
async function writeAll(
  job: BatchJob,
  table: IcebergTable,
  described: FileColumns[],
  columns: PlannedColumn[],
): Promise<DataFile[]> {
  const written: DataFile[] = [];
  let done = 0;
  let rows = 0;
  for (const chunk of chunks(job.files)) {
    throwIfAborted(job.request.signal);
    const readers = readersFor(job, chunk, described, columns);
    const sql = batchSelectSql(readers, table.schema(), columns, job.facts);
    const write = () =>
      writeDataFiles(job.session, table, sql, {
        tempDir: job.scratch,
        targetFileSizeBytes: job.deps.config.ingest.targetFileSizeBytes,
        inTableShape: true,
      });
    const result = await readable(chunk, write);
    written.push(...result.files);
    done += chunk.length;
    rows += result.rows;
    job.progress({
      phase: 'load',
      file: chunk.at(-1)?.path,
      filesDone: done,
      filesTotal: job.allFiles,
      rows,
    });
  }
  return written;
}

/** One reader per group of files DuckDB can read in one call; CSV columns get their planned types. */
function readersFor(
  job: BatchJob,
  chunk: CheckedFile[],
  described: FileColumns[],
  columns: PlannedColumn[],
): string[] {
  const groups = new Map<string, { files: CheckedFile[]; names: string[] }>();
  for (const file of chunk) {
    const names = described.find((d) => d.file === file.path)?.columns.map((c) => c.name) ?? [];
    const key = groupKey(file, names);
    const group = groups.get(key) ?? { files: [], names };
    group.files.push(file);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ files, names }) => {
    const types: Record<string, string> = {};
    for (const name of names) {
      const planned = columns.find((c) => c.sourceName.toLowerCase() === name.toLowerCase());
      if (planned !== undefined) types[name] = icebergToDuckType(planned.type);
    }
    return readerSql(files, { csv: job.request.csv, rejects: REJECTS, types });
  });
}

function* chunks(files: CheckedFile[]): Generator<CheckedFile[]> {
  let chunk: CheckedFile[] = [];
  let bytes = 0;
  for (const file of files) {
    const full = chunk.length >= CHUNK_FILES || bytes + file.sizeBytes > CHUNK_BYTES;
    if (chunk.length > 0 && full) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(file);
    bytes += file.sizeBytes;
  }
  if (chunk.length > 0) yield chunk;
}

async function localPaths(table: IcebergTable, files: DataFile[]): Promise<string[]> {
  const store = table.context.store;
  return Promise.all(
    files.map(async (file) => {
      const key = store.keyOf(file.filePath);
      if (key === undefined) throw new InternalError(`${file.filePath} is outside the warehouse.`);
      return store.localPath(key);
    }),
  );
}

/**
 * Written before the commit: a record whose batch never reaches the table's history
 * does not count (see LoadedFiles), while a commit without its records cannot happen.
 */
async function recordFiles(job: BatchJob, counts: FileCounts): Promise<void> {
  const { namespace, name } = job.request.table;
  const record = await job.deps.metastore.tables.get([...namespace], name);
  if (record === undefined) return;
  await job.deps.metastore.ingestedFiles.record(
    job.files.map((f) => ({
      tableId: record.id,
      sha256: f.sha256,
      sourcePath: f.path,
      sizeBytes: f.sizeBytes,
      rowCount: counts.rows.get(f.path) ?? 0,
      rejectedCount: counts.rejected.get(f.path) ?? 0,
      batchId: job.facts.batchId,
      // The snapshot is not known before the commit; LoadedFiles finds it by batch id.
      snapshotId: '',
      ingestedAt: job.facts.ingestedAt,
    })),
  );
}

async function commit(
  job: BatchJob,
  table: IcebergTable,
  staged: { files: DataFile[]; paths: string[] },
): Promise<IcebergTable> {
  const { files } = staged;
  const summary = {
    [SUMMARY_KEYS.batchId]: job.facts.batchId,
    [SUMMARY_KEYS.files]: String(job.files.length),
    [SUMMARY_KEYS.sourceSystem]: job.facts.sourceSystem,
  };
  if (job.mode === 'append') return table.append(files, { summary });
  const { where } = job.request;
  if (where !== undefined) return overwriteMatching(job, table, staged, where, summary);
  return table.replaceFiles(await table.planFiles(), files, {
    operation: 'overwrite',
    baseSnapshotId: table.currentSnapshot()?.['snapshot-id'] ?? null,
    summary,
  });
}

function bronzeProperties(job: BatchJob): Record<string, string> {
  const formats = new Set(job.files.map((f) => f.format));
  return {
    source_system: job.facts.sourceSystem,
    ingest_type: 'batch',
    file_format: formats.size === 1 ? (job.files[0]?.format ?? 'csv') : 'mixed',
  };
}

function total(counts: Map<string, number>): number {
  let sum = 0;
  for (const n of counts.values()) sum += n;
  return sum;
}
