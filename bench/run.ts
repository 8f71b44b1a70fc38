// `npm run bench`: every Lakeward figure beside a baseline measured in the same run,
// at two sizes: the real retail data (fixed costs, in ms) and generated copies of it
// large enough that the baseline runs for seconds (throughput).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchCommits, type CommitFigures } from './commits.bench.js';
import { benchCrawler, crawlerReport, type CrawlerFigures } from './crawler.bench.js';
import { generateRetailCopies, retailFiles } from './datasets.js';
import { benchDecisions, benchGovernedQuery, type DecisionFigures } from './governance.bench.js';
import { benchIngest, type IngestFigures } from './ingest.bench.js';
import { freshLakehouse } from './lakehouse.js';
import { benchPipelines, pipelineReport, type PipelineFigures } from './pipelines.bench.js';
import { benchQuality, qualityReport, type QualityFigures } from './quality.bench.js';
import { benchQuery, type QueryFigures } from './query.bench.js';
import { benchAllSearch, searchReport, type SearchFigures } from './search.bench.js';
import { benchStreams, streamReport, type StreamFigures } from './streams.bench.js';
import { fmt } from './stats.js';
import { benchVolumes, volumeReport, type VolumeFigures } from './volumes.bench.js';

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
  /** The same query by a non-admin with one row filter and two column masks. */
  governed: QueryFigures;
}

async function measureSize(size: string, files: string[]): Promise<SizeFigures> {
  const ingest = await benchIngest(files, 'bronze.retail.invoices');
  const query = await benchQuery(
    ingest.lake,
    'bronze.retail.invoices',
    ingest.dataFiles,
    SCAN_AGGREGATE,
  );
  const governed = await benchGovernedQuery(
    ingest.lake,
    'bronze.retail.invoices',
    ingest.dataFiles,
    SCAN_AGGREGATE,
  );
  await ingest.lake.services.close();
  return { size, ingest, query, governed };
}

interface CatalogFigures {
  crawler: CrawlerFigures[];
  pipelines: PipelineFigures[];
  quality: QualityFigures[];
  search: SearchFigures[];
  volumes: VolumeFigures[];
  streams: StreamFigures;
}

function report(
  sizes: SizeFigures[],
  commits: CommitFigures[],
  decisions: DecisionFigures,
  catalog: CatalogFigures,
): string {
  const lines = ['Lakeward benchmarks (each figure beside its baseline, same run)', ''];
  for (const { size, ingest, query, governed } of sizes) {
    lines.push(
      `[${size}] ingest ${ingest.files} CSV files, ${fmt(ingest.bytes / 1e6)} MB, ${ingest.rows} rows`,
      `  lakeward ingest      ${fmt(ingest.lakewardMs, 0)} ms  ${fmt(ingest.lakewardRowsPerSec, 0)} rows/s`,
      `  duckdb COPY csv→pq   ${fmt(ingest.duckdbMs, 0)} ms  ${fmt(ingest.duckdbRowsPerSec, 0)} rows/s`,
      `  ratio (lakeward rows/s ÷ duckdb rows/s) ${fmt(ingest.ratio, 2)}   (aim ≥ 0.70)`,
      `[${size}] scan-and-aggregate query, median of ${query.runs}`,
      `  lakeward query path  ${fmt(query.lakewardMs)} ms`,
      `  duckdb read_parquet  ${fmt(query.duckdbMs)} ms`,
      `  overhead ${fmt(query.overhead * 100)} %  (+${fmt(query.addedMs)} ms)   (aim ≤ 10 %)`,
      `[${size}] the same query by an analyst with a row filter and two masks (MASK_HASH, MASK_SHOW_FIRST_4)`,
      `  lakeward governed    ${fmt(governed.lakewardMs)} ms`,
      `  duckdb, same filter and masks written by hand  ${fmt(governed.duckdbMs)} ms`,
      `  overhead ${fmt(governed.overhead * 100)} %  (+${fmt(governed.addedMs)} ms)   (aim ≤ 10 %)`,
      `  vs duckdb without any policy: ${fmt((governed.lakewardMs / query.duckdbMs - 1) * 100)} % (the price of the masks themselves)`,
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
  const d = decisions;
  lines.push(
    '',
    `[authorization] ${d.principals} principals, ${d.grants} grants, ${d.taggedTables} tagged tables, ${d.decisions} decisions`,
    `  decide()                          p50 ${fmt(d.p50Ms, 3)} ms, p99 ${fmt(d.p99Ms, 3)} ms   (aim p99 ≤ 1 ms)`,
    `  one indexed grants lookup (SQLite) p50 ${fmt(d.lookupP50Ms, 3)} ms, p99 ${fmt(d.lookupP99Ms, 3)} ms`,
    `  list ${d.listedTables} tables filtered by permission: ${fmt(d.listMs)} ms (${d.visibleTables} visible)   (aim ≤ 100 ms)`,
    `  the same listing unfiltered: ${fmt(d.unfilteredListMs)} ms`,
    '',
    ...crawlerReport(catalog.crawler),
    '',
    ...pipelineReport(catalog.pipelines),
    '',
    ...qualityReport(catalog.quality),
    '',
    ...searchReport(catalog.search),
    '',
    ...volumeReport(catalog.volumes),
    '',
    ...streamReport(catalog.streams),
  );
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
  const decisionLake = await freshLakehouse();
  const decisions = await benchDecisions(decisionLake);
  await decisionLake.services.close();
  if (POSTGRES) commits.push(await benchCommits(COMMITS, POSTGRES));
  const catalog = {
    crawler: await benchCrawler(),
    pipelines: await benchPipelines(),
    quality: await benchQuality(),
    search: await benchAllSearch(),
    volumes: await benchVolumes(),
    streams: await benchStreams(),
  };
  const text = report(sizes, commits, decisions, catalog);
  console.log(text);
  mkdirSync('bench/results', { recursive: true });
  const strip = (s: SizeFigures) => ({
    ...s,
    ingest: { ...s.ingest, lake: undefined, dataFiles: s.ingest.dataFiles.length },
  });
  writeFileSync(
    'bench/results/latest.json',
    JSON.stringify(
      { at: new Date().toISOString(), sizes: sizes.map(strip), commits, decisions, catalog },
      null,
      2,
    ),
  );
}

await main();
