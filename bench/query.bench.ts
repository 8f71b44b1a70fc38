import { rawDuckdb, sqlList } from './baseline.js';
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

/**
 * One query through Lakeward's query path (catalog resolution, SQL analysis, sandboxed
 * DuckDB, views read by field id) vs raw DuckDB `read_parquet` over the same data files.
 */
export async function benchQuery(
  lake: BenchLakehouse,
  table: string,
  dataFiles: string[],
  sqlFor: (from: string) => string,
  runs = 5,
): Promise<QueryFigures> {
  const ours = () => lake.services.query.execute(lake.admin, sqlFor(table), { maxRows: 1_000_000 });
  const theirs = (run: (sql: string) => Promise<unknown[][]>) =>
    run(sqlFor(`read_parquet(${sqlList(dataFiles)})`));
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
