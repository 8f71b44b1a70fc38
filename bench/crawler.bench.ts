// Crawling beside its baseline, same run: a crawler over raw folders (list, classify,
// infer schemas, group, register external tables, record the run) against DuckDB alone
// inferring the schema of the same folders (one DESCRIBE per table folder). Real data:
// the shared flights and retail folders; generated: many small CSV folders, enough that
// the baseline takes over a second. Run alone with `npx tsx bench/crawler.bench.ts`.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createServices } from '../src/app.js';
import { rawDuckdb } from './baseline.js';
import { freshLakehouse } from './lakehouse.js';
import { fmt } from './stats.js';

const SHARED = resolve('../shared/data');
const FOLDERS = Number(process.env.LAKEWARD_BENCH_CRAWL_FOLDERS ?? 100);
const FILES_PER_FOLDER = Number(process.env.LAKEWARD_BENCH_CRAWL_FILES ?? 10);

export interface CrawlerFigures {
  size: string;
  tables: number;
  files: number;
  lakewardMs: number;
  baselineMs: number;
}

/** One table folder as DuckDB reads it: a glob and the reader for its format. */
interface TableFolder {
  glob: string;
  reader: 'read_csv' | 'read_json' | 'read_parquet';
}

async function crawlOnce(root: string, targets: string[]): Promise<number> {
  const lake = await freshLakehouse();
  const config = {
    ...lake.services.config,
    catalog: { ...lake.services.config.catalog, externalLocations: [pathToFileURL(root).href] },
  };
  await lake.services.close();
  const services = await createServices(config);
  try {
    await services.crawlers.create(lake.admin, {
      name: 'bench',
      targets: targets.map((t) => pathToFileURL(t).href),
      namespace: 'bronze.raw',
    });
    const started = performance.now();
    await services.crawlers.run(lake.admin, 'bench');
    return performance.now() - started;
  } finally {
    await services.close();
    rmSync(lake.home, { recursive: true, force: true });
  }
}

async function describeAll(folders: TableFolder[]): Promise<number> {
  return rawDuckdb(async (run) => {
    const started = performance.now();
    for (const { glob, reader } of folders) {
      await run(`DESCRIBE SELECT * FROM ${reader}('${glob.replaceAll("'", "''")}')`);
    }
    return performance.now() - started;
  });
}

async function measure(
  size: string,
  root: string,
  targets: string[],
  folders: TableFolder[],
  files: number,
): Promise<CrawlerFigures> {
  // Warm both once (module loading, DuckDB start), then measure.
  await describeAll(folders.slice(0, 1));
  const baselineMs = await describeAll(folders);
  const lakewardMs = await crawlOnce(root, targets);
  return { size, tables: folders.length, files, lakewardMs, baselineMs };
}

function realFolders(): TableFolder[] {
  const flights = join(SHARED, 'flights');
  return [
    { glob: join(flights, 'csv', '*.csv'), reader: 'read_csv' },
    { glob: join(flights, 'json', '*.json'), reader: 'read_json' },
    { glob: join(flights, 'parquet', '**', '*.parquet'), reader: 'read_parquet' },
    { glob: join(SHARED, 'retail', 'by-day', '*.csv'), reader: 'read_csv' },
  ];
}

/** FOLDERS folders of FILES_PER_FOLDER small retail CSVs each, from the real day files. */
function generate(): { root: string; folders: TableFolder[]; files: number } {
  const root = mkdtempSync(join(tmpdir(), 'lakeward-bench-crawl-'));
  const day = readFileSync(join(SHARED, 'retail', 'by-day', '2010-12-01.csv'), 'utf8');
  const lines = day.split('\n');
  const sample = [lines[0], ...lines.slice(1, 200)].join('\n');
  const folders: TableFolder[] = [];
  for (let f = 0; f < FOLDERS; f++) {
    const folder = join(root, `source_${f}`);
    mkdirSync(folder);
    for (let i = 0; i < FILES_PER_FOLDER; i++) writeFileSync(join(folder, `part-${i}.csv`), sample);
    folders.push({ glob: join(folder, '*.csv'), reader: 'read_csv' });
  }
  return { root, folders, files: FOLDERS * FILES_PER_FOLDER };
}

export async function benchCrawler(): Promise<CrawlerFigures[]> {
  const real = await measure(
    'real data: flights + retail/by-day',
    SHARED,
    [join(SHARED, 'flights'), join(SHARED, 'retail', 'by-day')],
    realFolders(),
    6 + 6 + 1 + 1 + 305,
  );
  const generated = generate();
  try {
    const big = await measure(
      `generated: ${FOLDERS} folders × ${FILES_PER_FOLDER} CSV files`,
      generated.root,
      [generated.root],
      generated.folders,
      generated.files,
    );
    return [real, big];
  } finally {
    rmSync(generated.root, { recursive: true, force: true });
  }
}

export function crawlerReport(figures: CrawlerFigures[]): string[] {
  return figures.flatMap((f) => [
    `[${f.size}] crawl ${f.files} files into ${f.tables} tables`,
    `  lakeward crawler run            ${fmt(f.lakewardMs, 0)} ms  (classify, infer, group, register, record)`,
    `  duckdb DESCRIBE of each folder  ${fmt(f.baselineMs, 0)} ms`,
    `  ratio (lakeward ÷ duckdb) ${fmt(f.lakewardMs / f.baselineMs, 2)}   (per table: ${fmt(f.lakewardMs / f.tables, 1)} ms vs ${fmt(f.baselineMs / f.tables, 1)} ms)`,
  ]);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(crawlerReport(await benchCrawler()).join('\n'));
}
