import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTableName } from '../src/catalog/index.js';
import { rawDuckdb, sqlList } from './baseline.js';
import { freshLakehouse, type BenchLakehouse } from './lakehouse.js';
import { timed } from './stats.js';

export interface IngestFigures {
  files: number;
  bytes: number;
  rows: number;
  lakewardMs: number;
  duckdbMs: number;
  lakewardRowsPerSec: number;
  duckdbRowsPerSec: number;
  ratio: number;
  dataFiles: string[];
  lake: BenchLakehouse;
}

/** Lakeward's ingest of `files` into one bronze table vs DuckDB's CSV → Parquet COPY of them. */
export async function benchIngest(files: string[], table: string): Promise<IngestFigures> {
  const out = mkdtempSync(join(tmpdir(), 'lakeward-bench-raw-'));
  const raw = await timed(() =>
    rawDuckdb(async (run) => {
      const rows = await run(
        `COPY (SELECT * FROM read_csv(${sqlList(files)}, union_by_name = true)) TO '${out}/all.parquet' (FORMAT PARQUET, COMPRESSION zstd)`,
      );
      return Number(rows[0]?.[0] ?? 0);
    }),
  );
  rmSync(out, { recursive: true, force: true });

  const lake = await freshLakehouse();
  const ident = parseTableName(table);
  const ours = await timed(() =>
    lake.services.ingest.ingest(lake.admin, { paths: files, table: ident }),
  );
  const resolved = await lake.services.catalog
    .resolver()
    .resolve({ parts: [...ident.namespace, ident.name] });

  const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
  const rows = ours.value.rowsWritten;
  if (rows !== raw.value)
    throw new Error(`row counts differ: lakeward ${rows}, duckdb ${raw.value}`);
  return {
    files: files.length,
    bytes,
    rows,
    lakewardMs: ours.ms,
    duckdbMs: raw.ms,
    lakewardRowsPerSec: rows / (ours.ms / 1000),
    duckdbRowsPerSec: rows / (raw.ms / 1000),
    ratio: raw.ms / ours.ms,
    dataFiles: [...resolved.dataFiles, ...(resolved.namedFiles ?? [])],
    lake,
  };
}
