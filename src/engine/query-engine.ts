import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBResult } from '@duckdb/node-api';
import type {
  QueryOptions,
  QueryResult,
  ResultColumn,
  StreamFormat,
  TableReference,
  TableResolver,
} from './ports.js';
import { compileQuery } from './compile.js';
import type { CompiledQuery } from './compile.js';
import { QueryDeadline } from './query-deadline.js';
import { queryFailure } from './query-errors.js';
import { csvRecord, ndjsonRecord, toJsonSafe } from './result-encoding.js';
import { SandboxPool } from './sandbox-pool.js';
import type { LentSandbox, SandboxPoolLimits } from './sandbox-pool.js';
import { analyzeSql, tableKey } from './sql-analysis.js';
import { quoteLiteral } from './sql-quote.js';

export interface QueryEngineOptions {
  /** Where DuckDB may spill when a query outgrows memory (a folder per query). */
  tempDir: string;
  timeoutMs: number;
  memoryLimit: string;
  threads?: number;
  maxResultRows: number;
  /** Idle sandboxes kept for reuse (default 8, idle for at most 60 s). */
  sandboxPool?: Partial<SandboxPoolLimits>;
}

/** A query compiled and its views created in a sandbox, ready to run. */
interface OpenQuery {
  sandbox: LentSandbox;
  compiled: CompiledQuery;
  deadline: QueryDeadline;
  memoryLimit: string;
}

/**
 * The governed read path: the query is checked with DuckDB's parser, every table
 * is resolved by the caller's resolver (which decides columns, masks and row
 * filters), and the rewritten query runs in a locked-down sandbox over views of
 * exactly the tables' data files.
 */
export class QueryEngine {
  private readonly running = new Set<QueryDeadline>();
  private readonly sandboxes: SandboxPool;

  constructor(private readonly options: QueryEngineOptions) {
    this.sandboxes = new SandboxPool({ maxIdle: 8, idleMs: 60_000, ...options.sandboxPool });
  }

  /** DuckDB instances this engine has created; a query served by a reused sandbox adds none. */
  get sandboxesOpened(): number {
    return this.sandboxes.instancesOpened;
  }

  /** The catalog tables a query reads (with time travel), without running it. */
  async analyze(sql: string): Promise<{ tables: TableReference[] }> {
    const { sites } = await analyzeSql(sql);
    const distinct = new Map<string, TableReference>();
    for (const { ref } of sites) if (!distinct.has(tableKey(ref))) distinct.set(tableKey(ref), ref);
    return { tables: [...distinct.values()] };
  }

  async execute(
    sql: string,
    resolver: TableResolver,
    options: QueryOptions = {},
  ): Promise<QueryResult> {
    const started = performance.now();
    const maxRows = options.maxRows ?? this.options.maxResultRows;
    return this.run(sql, resolver, options, [], async (query) => {
      const result = await query.sandbox.connection.stream(query.compiled.sql);
      const rows: unknown[][] = [];
      // One row past the limit is enough to know the answer is truncated.
      for await (const chunk of chunks(result, query.deadline)) {
        rows.push(...chunk);
        if (rows.length > maxRows) break;
      }
      const truncated = rows.length > maxRows;
      rows.length = Math.min(rows.length, maxRows);
      return {
        columns: columnsOf(result),
        rows,
        rowCount: rows.length,
        truncated,
        tablesRead: query.compiled.tablesRead,
        elapsedMs: Math.round(performance.now() - started),
      };
    });
  }

  /** The whole answer as CSV (with a header) or NDJSON, one string per DuckDB chunk. */
  async *stream(
    sql: string,
    resolver: TableResolver,
    format: StreamFormat,
    options: QueryOptions = {},
  ): AsyncIterable<string> {
    const query = await this.open(sql, resolver, options, []);
    let completed = false;
    try {
      const result = await query.sandbox.connection.stream(query.compiled.sql);
      const names = result.deduplicatedColumnNames();
      const encode =
        format === 'csv'
          ? (row: unknown[]) => csvRecord(row)
          : (row: unknown[]) => ndjsonRecord(names, row);
      if (format === 'csv') yield csvRecord(result.columnNames());
      for await (const rows of chunks(result, query.deadline)) yield rows.map(encode).join('');
      completed = true;
    } catch (err) {
      throw this.failure(sql, err, query);
    } finally {
      await this.finish(query, completed);
    }
  }

  /** Writes the answer to a Parquet file, replacing it only once complete. */
  async exportParquet(
    sql: string,
    resolver: TableResolver,
    outPath: string,
    options: QueryOptions = {},
  ): Promise<{ rows: number }> {
    const target = path.resolve(outPath);
    const staged = path.join(path.dirname(target), `.${path.basename(target)}.${randomUUID()}.tmp`);
    try {
      return await this.run(sql, resolver, options, [staged], async (query) => {
        const copy = `COPY (${query.compiled.sql}) TO ${quoteLiteral(staged)} (FORMAT PARQUET)`;
        const reader = await query.sandbox.connection.runAndReadAll(copy);
        query.deadline.check();
        fs.renameSync(staged, target);
        return { rows: Number(reader.getRows()[0]?.[0] ?? 0) };
      });
    } finally {
      fs.rmSync(staged, { force: true });
    }
  }

  /** Stops every query still running and closes the idle sandboxes. */
  close(): void {
    for (const deadline of this.running) deadline.cancel();
    this.sandboxes.close();
  }

  private async run<T>(
    sql: string,
    resolver: TableResolver,
    options: QueryOptions,
    writableFiles: string[],
    body: (query: OpenQuery) => Promise<T>,
  ): Promise<T> {
    const query = await this.open(sql, resolver, options, writableFiles);
    let completed = false;
    try {
      const answer = await body(query);
      query.deadline.check();
      completed = true;
      return answer;
    } catch (err) {
      throw this.failure(sql, err, query);
    } finally {
      await this.finish(query, completed);
    }
  }

  private async open(
    sql: string,
    resolver: TableResolver,
    options: QueryOptions,
    writableFiles: string[],
  ): Promise<OpenQuery> {
    const deadline = new QueryDeadline(options.timeoutMs ?? this.options.timeoutMs, options.signal);
    const memoryLimit = options.memoryLimit ?? this.options.memoryLimit;
    this.running.add(deadline);
    let sandbox: LentSandbox | undefined;
    let compiled: CompiledQuery | undefined;
    try {
      const analysis = await analyzeSql(sql);
      deadline.check();
      compiled = await compileQuery(analysis, resolver);
      deadline.check();
      sandbox = await this.sandboxes.acquire({
        readableFiles: compiled.dataFiles,
        writableFiles,
        memoryLimit,
        threads: this.options.threads,
        spillRoot: this.options.tempDir,
      });
      deadline.watch(sandbox.connection);
      for (const view of compiled.views) await sandbox.connection.run(view);
      return { sandbox, compiled, deadline, memoryLimit };
    } catch (err) {
      if (sandbox) this.sandboxes.release(sandbox, false);
      this.running.delete(deadline);
      deadline.dispose();
      if (deadline.stopped) throw deadline.error();
      throw queryFailure(sql, err, compiled?.viewNames ?? new Map(), memoryLimit);
    }
  }

  private failure(sql: string, err: unknown, query: OpenQuery): Error {
    if (query.deadline.stopped) return query.deadline.error();
    return queryFailure(sql, err, query.compiled.viewNames, query.memoryLimit);
  }

  /**
   * A sandbox goes back to the pool only after a query that ran to its end, with
   * its views dropped; after a failure or an interruption it is closed.
   */
  private async finish(query: OpenQuery, completed: boolean): Promise<void> {
    this.running.delete(query.deadline);
    query.deadline.dispose();
    let reusable = completed && !query.deadline.stopped;
    if (reusable && query.compiled.dropViews !== '') {
      reusable = await query.sandbox.connection.run(query.compiled.dropViews).then(
        () => true,
        () => false,
      );
    }
    this.sandboxes.release(query.sandbox, reusable);
  }
}

/** Result rows chunk by chunk, converted, stopping as soon as the deadline passes. */
async function* chunks(result: DuckDBResult, deadline: QueryDeadline): AsyncIterable<unknown[][]> {
  for (;;) {
    const chunk = await result.fetchChunk();
    deadline.check();
    if (chunk === null || chunk.rowCount === 0) return;
    yield chunk.convertRows(toJsonSafe);
  }
}

function columnsOf(result: DuckDBResult): ResultColumn[] {
  const types = result.columnTypes();
  return result.columnNames().map((name, i) => ({ name, type: String(types[i]) }));
}
