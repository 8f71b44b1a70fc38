import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Session } from '../engine/index.js';
import type { IcebergTable } from '../iceberg/index.js';
import type {
  IngestedFile,
  IngestProgress,
  IngestRequest,
  IngestService,
  IngestSummary,
} from './contract.js';
import type { BatchFacts } from './bronze-columns.js';
import { checkBronze, openTable } from './bronze-table.js';
import { sha256File } from './checksum.js';
import { detectFormat, type TypedFile } from './file-format.js';
import { tableName, throwIfAborted, type BatchIngestDeps, type CheckedFile } from './ingest-job.js';
import { expandInputs } from './input-files.js';
import { describeEarlierLoad, LoadedFiles } from './loaded-files.js';
import { loadBatch, type BatchResult } from './load-batch.js';
import { checkWhere, checkWhereMode } from './predicate-overwrite.js';

export type { BatchIngestDeps };

/**
 * `lakeward ingest`: files, folders and globs into one bronze table, in one Iceberg
 * commit. Every input is checked before anything is read, and every file's schema
 * before the table is touched; rows become data files that only the final commit
 * makes visible, so a bad input or a crash leaves no partial load behind.
 */
export class BatchIngest implements IngestService {
  constructor(private readonly deps: BatchIngestDeps) {}

  async ingest(request: IngestRequest): Promise<IngestSummary> {
    const started = Date.now();
    checkBronze(request.table);
    checkWhereMode(request);
    const mode = request.mode ?? 'append';
    const progress = progressReporter(request.onProgress);
    const files = await this.checkFiles(request, progress);
    const table = await openTable(this.deps.catalog, request.table);
    await checkWhere(request, table);
    await this.markLoaded(request, table, files);
    const facts: BatchFacts = {
      batchId: randomUUID(),
      ingestedAt: new Date(),
      sourceSystem: request.sourceSystem ?? request.table.namespace[1] ?? request.table.name,
    };
    const toLoad = files.filter((f) => f.skipped === undefined);
    const result =
      toLoad.length === 0
        ? nothingLoaded(table)
        : await this.withSession(request, (session, scratch) =>
            loadBatch({
              deps: this.deps,
              session,
              scratch,
              request,
              mode,
              files: toLoad,
              allFiles: files.length,
              table,
              facts,
              progress,
            }),
          );
    return summarize(request, mode, facts, files, result, started);
  }

  private async checkFiles(
    request: IngestRequest,
    progress: (event: IngestProgress) => void,
  ): Promise<CheckedFile[]> {
    const inputs = await expandInputs(request.paths);
    const typed: TypedFile[] = [];
    for (const input of inputs) typed.push(await detectFormat(input, request.format));
    const checked: CheckedFile[] = [];
    for (const file of typed) {
      throwIfAborted(request.signal);
      checked.push({ ...file, sha256: await sha256File(file.path, request.signal) });
      progress({
        phase: 'scan',
        file: file.path,
        filesDone: checked.length,
        filesTotal: typed.length,
        rows: 0,
      });
    }
    return checked;
  }

  /** Marks files whose content the table already holds, and repeats within this command. */
  private async markLoaded(
    request: IngestRequest,
    table: IcebergTable | undefined,
    files: CheckedFile[],
  ): Promise<void> {
    // An overwrite replaces everything, so every named file must be in the result.
    const replacing = (request.mode ?? 'append') === 'overwrite';
    const record = await this.deps.metastore.tables.get(
      [...request.table.namespace],
      request.table.name,
    );
    const records =
      record === undefined || request.force === true || replacing
        ? []
        : await this.deps.metastore.ingestedFiles.list(record.id);
    const loaded = LoadedFiles.from(records, table);
    const seen = new Map<string, string>();
    for (const file of files) {
      const earlier = loaded.find(file.sha256);
      const twin = seen.get(file.sha256);
      if (earlier !== undefined) file.skipped = describeEarlierLoad(earlier);
      else if (twin !== undefined) file.skipped = `same content as ${twin} in this command`;
      else seen.set(file.sha256, file.path);
    }
  }

  private async withSession<T>(
    request: IngestRequest,
    work: (session: Session, scratch: string) => Promise<T>,
  ): Promise<T> {
    await fs.mkdir(this.deps.tempDir, { recursive: true });
    const scratch = await fs.mkdtemp(path.join(this.deps.tempDir, 'ingest-'));
    const session = await this.deps.openSession({
      memoryLimit: this.deps.config.ingest.memoryLimit,
      tempDir: scratch,
      ...(this.deps.config.query.threads === undefined
        ? {}
        : { threads: this.deps.config.query.threads }),
    });
    const interrupt = (): void => session.interrupt();
    request.signal?.addEventListener('abort', interrupt);
    try {
      return await work(session, scratch);
    } catch (err) {
      throwIfAborted(request.signal);
      throw err;
    } finally {
      request.signal?.removeEventListener('abort', interrupt);
      session.close();
      await fs.rm(scratch, { recursive: true, force: true });
    }
  }
}

function nothingLoaded(table: IcebergTable | undefined): BatchResult {
  return {
    snapshotId: table?.currentSnapshot()?.['snapshot-id'].toString() ?? null,
    createdTable: false,
    counts: { rows: new Map(), rejected: new Map() },
    rejectsTable: null,
    schemaChanges: [],
  };
}

function summarize(
  request: IngestRequest,
  mode: 'append' | 'overwrite',
  facts: BatchFacts,
  files: CheckedFile[],
  result: BatchResult,
  started: number,
): IngestSummary {
  const reported: IngestedFile[] = files.map((f) => ({
    path: f.path,
    sha256: f.sha256,
    sizeBytes: f.sizeBytes,
    rows: f.skipped === undefined ? (result.counts.rows.get(f.path) ?? 0) : 0,
    rejected: f.skipped === undefined ? (result.counts.rejected.get(f.path) ?? 0) : 0,
    ...(f.skipped === undefined ? {} : { skipped: f.skipped }),
  }));
  const formats = new Set(files.map((f) => f.format));
  return {
    table: tableName(request.table),
    batchId: facts.batchId,
    snapshotId: result.snapshotId,
    mode,
    format: formats.size === 1 ? (files[0]?.format ?? 'csv') : 'mixed',
    createdTable: result.createdTable,
    files: reported,
    rowsWritten: reported.reduce((sum, f) => sum + f.rows, 0),
    rowsRejected: reported.reduce((sum, f) => sum + f.rejected, 0),
    rejectsTable: result.rejectsTable,
    schemaChanges: result.schemaChanges,
    elapsedMs: Date.now() - started,
  };
}

function progressReporter(
  onProgress: IngestRequest['onProgress'],
): (event: IngestProgress) => void {
  return (event) => onProgress?.(event);
}
