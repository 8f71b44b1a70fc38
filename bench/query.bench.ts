import { rawDuckdb, sqlList } from './baseline.js';
import type { Caller } from '../src/governance/index.js';
import type { BenchLakehouse } from './lakehouse.js';
import { median, timed } from './stats.js';

export interface QueryFigures {
  runs: number;
  lakewardMs: number;
  duckdbMs: number;
  /** lakeward ÷ duckdb − 1: the share of time the governed path adds. */
  overhead: number;
  addedMs: number;
}

export interface QueryBenchOptions {
  runs?: number;
  /** Who runs the Lakeward query (the admin by default). */
  caller?: Caller;
  /** Wraps the raw `read_parquet(…)` the baseline reads, e.g. in the same filter and masks. */
  rawFrom?: (readParquet: string) => string;
}

/**
 * One query through Lakeward's query path (catalog resolution, SQL analysis, sandboxed
 * DuckDB, views read by field id) vs raw DuckDB `read_parquet` over the same data files.
 */
export async function benchQuery(
  lake: BenchLakehouse,
  table: string,
  dataFiles: string[],
  sqlFor: (from: string) => string,
  options: QueryBenchOptions = {},
): Promise<QueryFigures> {
  const runs = options.runs ?? 5;
  const caller = options.caller ?? lake.admin;
  const rawFrom = options.rawFrom ?? ((files: string) => files);
  const ours = () => lake.services.query.execute(caller, sqlFor(table), { maxRows: 1_000_000 });
  const theirs = (run: (sql: string) => Promise<unknown[][]>) =>
    run(sqlFor(rawFrom(`read_parquet(${sqlList(dataFiles)})`)));
  const lakewardMs: number[] = [];
  const duckdbMs: number[] = [];
  await rawDuckdb(async (run) => {
    await ours();
    await theirs(run);
    for (let i = 0; i < runs; i++) {
      lakewardMs.push((await timed(ours)).ms);
      duckdbMs.push((await timed(() => theirs(run))).ms);
    }
  });
  const lw = median(lakewardMs);
  const db = median(duckdbMs);
  return { runs, lakewardMs: lw, duckdbMs: db, overhead: lw / db - 1, addedMs: lw - db };
}
