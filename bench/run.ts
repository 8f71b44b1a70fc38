// `npm run bench`: every Lakeward figure beside a baseline measured in the same run,
// at two sizes: the real retail data (fixed costs, in ms) and generated copies of it
// large enough that the baseline runs for seconds (throughput).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchCommits, type CommitFigures } from './commits.bench.js';
import { generateRetailCopies, retailFiles } from './datasets.js';
import { benchIngest, type IngestFigures } from './ingest.bench.js';
import { benchQuery, type QueryFigures } from './query.bench.js';
import { fmt } from './stats.js';

const COPIES = Number(process.env.LAKEWARD_BENCH_COPIES ?? 10);
const COMMITS = Number(process.env.LAKEWARD_BENCH_COMMITS ?? 1000);
const POSTGRES = process.env.LAKEWARD_TEST_POSTGRES_URL;

/** Scan and aggregate with distinct counts and a median: heavy enough to take seconds at size. */
const SCAN_AGGREGATE = (from: string) =>
  `SELECT StockCode, Country, count(*) AS lines, sum(Quantity * UnitPrice) AS revenue,
          count(DISTINCT CustomerID) AS customers, count(DISTINCT InvoiceNo) AS invoices,
          median(UnitPrice) AS median_price
   FROM ${from} WHERE Quantity > 0 GROUP BY ALL ORDER BY revenue DESC LIMIT 100`;

interface SizeFigures {
  size: string;
  ingest: IngestFigures;
  query: QueryFigures;
}

async function measureSize(size: string, files: string[]): Promise<SizeFigures> {
  const ingest = await benchIngest(files, 'bronze.retail.invoices');
  const query = await benchQuery(
    ingest.lake,
    'bronze.retail.invoices',
    ingest.dataFiles,
    SCAN_AGGREGATE,
  );
  await ingest.lake.services.close();
  return { size, ingest, query };
}

function report(sizes: SizeFigures[], commits: CommitFigures[]): string {
  const lines = ['Lakeward benchmarks (each figure beside its baseline, same run)', ''];
  for (const { size, ingest, query } of sizes) {
    lines.push(
      `[${size}] ingest ${ingest.files} CSV files, ${fmt(ingest.bytes / 1e6)} MB, ${ingest.rows} rows`,
      `  lakeward ingest      ${fmt(ingest.lakewardMs, 0)} ms  ${fmt(ingest.lakewardRowsPerSec, 0)} rows/s`,
      `  duckdb COPY csv→pq   ${fmt(ingest.duckdbMs, 0)} ms  ${fmt(ingest.duckdbRowsPerSec, 0)} rows/s`,
      `  ratio (lakeward rows/s ÷ duckdb rows/s) ${fmt(ingest.ratio, 2)}   (aim ≥ 0.70)`,
      `[${size}] scan-and-aggregate query, median of ${query.runs}`,
      `  lakeward query path  ${fmt(query.lakewardMs)} ms`,
      `  duckdb read_parquet  ${fmt(query.duckdbMs)} ms`,
      `  overhead ${fmt(query.overhead * 100)} %  (+${fmt(query.addedMs)} ms)   (aim ≤ 10 %)`,
      '',
    );
  }
  for (const c of commits) {
    lines.push(
      `[commits/${c.metastore}] ${c.commits} sequential small appends: p50 ${fmt(c.p50Ms, 2)} ms, p99 ${fmt(c.p99Ms, 2)} ms, max ${fmt(c.maxMs, 1)} ms   (aim p50 < 20 ms)`,
    );
  }
  if (!POSTGRES)
    lines.push('[commits/postgres] skipped: set LAKEWARD_TEST_POSTGRES_URL (npm run services)');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const sizes: SizeFigures[] = [await measureSize('real data: retail/by-day', retailFiles())];
  if (COPIES > 0) {
    const dir = mkdtempSync(join(tmpdir(), 'lakeward-bench-gen-'));
    const generated = await generateRetailCopies(dir, COPIES);
    sizes.push(await measureSize(`generated: ${COPIES} copies of retail`, generated));
  }
  const commits = [await benchCommits(COMMITS)];
  if (POSTGRES) commits.push(await benchCommits(COMMITS, POSTGRES));
  const text = report(sizes, commits);
  console.log(text);
  mkdirSync('bench/results', { recursive: true });
  const strip = (s: SizeFigures) => ({
    ...s,
    ingest: { ...s.ingest, lake: undefined, dataFiles: s.ingest.dataFiles.length },
  });
  writeFileSync(
    'bench/results/latest.json',
    JSON.stringify({ at: new Date().toISOString(), sizes: sizes.map(strip), commits }, null, 2),
  );
}

await main();
