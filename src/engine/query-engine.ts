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
import { openSandbox } from './sandbox.js';
import type { Sandbox } from './sandbox.js';
import { analyzeSql, tableKey } from './sql-analysis.js';
import { quoteLiteral } from './sql-quote.js';

export interface QueryEngineOptions {
  /** Where DuckDB may spill when a query outgrows memory (a folder per query). */
  tempDir: string;
  timeoutMs: number;
  memoryLimit: string;
  threads?: number;
  maxResultRows: number;
}

/** A query compiled and its views created in a sandbox, ready to run. */
interface OpenQuery {
  sandbox: Sandbox;
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

  constructor(private readonly options: QueryEngineOptions) {}

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
    try {
      const result = await query.sandbox.connection.stream(query.compiled.sql);
      const names = result.deduplicatedColumnNames();
      const encode =
        format === 'csv'
          ? (row: unknown[]) => csvRecord(row)
          : (row: unknown[]) => ndjsonRecord(names, row);
      if (format === 'csv') yield csvRecord(result.columnNames());
      for await (const rows of chunks(result, query.deadline)) yield rows.map(encode).join('');
    } catch (err) {
      throw this.failure(sql, err, query);
    } finally {
      this.finish(query);
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

  /** Stops every query still running; the engine holds no other resources. */
  close(): void {
    for (const deadline of this.running) deadline.cancel();
  }

  private async run<T>(
    sql: string,
    resolver: TableResolver,
    options: QueryOptions,
    writableFiles: string[],
    body: (query: OpenQuery) => Promise<T>,
  ): Promise<T> {
    const query = await this.open(sql, resolver, options, writableFiles);
    try {
      const answer = await body(query);
      query.deadline.check();
      return answer;
    } catch (err) {
      throw this.failure(sql, err, query);
    } finally {
      this.finish(query);
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
    let sandbox: Sandbox | undefined;
    let compiled: CompiledQuery | undefined;
    try {
      const analysis = await analyzeSql(sql);
      deadline.check();
      compiled = await compileQuery(analysis, resolver);
      deadline.check();
      sandbox = await openSandbox({
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
      sandbox?.close();
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

  private finish(query: OpenQuery): void {
    query.sandbox.close();
    query.deadline.dispose();
    this.running.delete(query.deadline);
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
