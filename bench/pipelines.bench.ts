// An incremental medallion run beside a full recompute of the same gold table, same run,
// at two sizes: the real retail data, and generated data many times its size (copies of
// the retail days moved back in time, so each copy adds new days). Bronze holds all but
// the last three real days; silver (incremental) and two gold jobs with the same SQL
// (incremental merge on country and day; overwrite) are run once. Then, three times,
// one more real day is ingested, silver catches up, and each gold job is run and timed
// (the median is reported); both gold tables must hold the same rows. The aim of the
// issue is an incremental run ≥ 10× faster than the full recompute.
// Run alone with `npx tsx bench/pipelines.bench.ts`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openSession, quoteLiteral } from '../src/engine/index.js';
import { retailFiles } from './datasets.js';
import { freshLakehouse, type BenchLakehouse } from './lakehouse.js';
import { fmt, median } from './stats.js';

export interface PipelineFigures {
  size: string;
  /** Rows each gold run produced (groups recomputed: the new day's, or all). */
  incrementalRowsRead: number;
  fullRowsRead: number;
  /** Medians over the days added one by one. */
  incrementalMs: number;
  fullMs: number;
}

/** Days added one at a time after the first runs; each adds one timing of both runs. */
const ADDED_DAYS = 3;
/** Copies of the retail days in the generated size (about 0.5 M bronze rows each). */
const COPIES = Number(process.env.LAKEWARD_BENCH_PIPELINE_COPIES ?? 16);
/** Each copy moves back 54 weeks: its days are new days, on the same weekdays. */
const COPY_SHIFT_DAYS = 378;

const SILVER_SQL = `
  SELECT CAST(InvoiceNo AS INTEGER) AS invoice_no, StockCode AS stock_code,
         CAST(Quantity AS INTEGER) AS quantity, CAST(InvoiceDate AS TIMESTAMP) AS invoice_date,
         CAST(UnitPrice AS DOUBLE) AS unit_price, CAST(CustomerID AS INTEGER) AS customer_id,
         Country AS country
  FROM bronze.retail.invoices
  WHERE NOT starts_with(InvoiceNo, 'C') AND CustomerID IS NOT NULL`;
const REVENUE_SQL = `
  SELECT country, CAST(invoice_date AS DATE) AS day, sum(quantity * unit_price) AS revenue,
         count(*) AS lines
  FROM silver.retail.sales GROUP BY ALL`;

async function runJob(lake: BenchLakehouse, name: string): Promise<{ ms: number; read: number }> {
  const started = performance.now();
  const run = await lake.services.jobs.run(lake.admin, name, { wait: true });
  const ms = performance.now() - started;
  if (run.status !== 'succeeded') throw new Error(`${name}: ${JSON.stringify(run.error)}`);
  return { ms, read: run.rowsRead ?? 0 };
}

/**
 * `copies` CSV files of the given retail days, copy k moved back k × 54 weeks and its
 * invoice numbers prefixed with k (cancellations keep their leading C), as text.
 */
async function generateDays(dir: string, days: string[], copies: number): Promise<string[]> {
  const session = await openSession({ memoryLimit: '2GB', tempDir: dir });
  try {
    const out: string[] = [];
    const source = `read_csv([${days.map(quoteLiteral).join(', ')}], header = true, all_varchar = true)`;
    for (let k = 0; k < copies; k++) {
      const file = join(dir, `retail-copy-${k}.csv`);
      await session.run(`COPY (
        SELECT CASE WHEN starts_with(InvoiceNo, 'C') THEN 'C${k}' || substr(InvoiceNo, 2)
                    ELSE '${k}' || InvoiceNo END AS InvoiceNo,
               StockCode, Description, Quantity,
               strftime(CAST(InvoiceDate AS TIMESTAMP) - INTERVAL ${k * COPY_SHIFT_DAYS} DAY,
                        '%Y-%m-%d %H:%M:%S') AS InvoiceDate,
               UnitPrice, CustomerID, Country
        FROM ${source}) TO ${quoteLiteral(file)} (HEADER)`);
      out.push(file);
    }
    return out;
  } finally {
    session.close();
  }
}

/** Rows of one gold table missing from the other (revenue rounded: sums differ in order). */
async function goldDifference(lake: BenchLakehouse): Promise<number> {
  const rows = (t: string) =>
    `SELECT country, day, round(revenue, 6) AS revenue, lines FROM gold.sales.${t}`;
  const result = await lake.services.query.execute(
    lake.admin,
    `SELECT count(*) AS n FROM ((${rows('revenue_incremental')} EXCEPT ${rows('revenue_full')})
       UNION ALL (${rows('revenue_full')} EXCEPT ${rows('revenue_incremental')}))`,
  );
  return Number(result.rows[0]?.[0] ?? NaN);
}

async function benchSize(
  size: string,
  initial: string[],
  added: string[],
): Promise<PipelineFigures> {
  const lake = await freshLakehouse();
  try {
    const table = { namespace: ['bronze', 'retail'], name: 'invoices' };
    const ingest = (paths: string[]) =>
      lake.services.ingest.ingest(lake.admin, { paths, table, sourceSystem: 'retail_pos' });
    await ingest(initial);
    for (const path of [
      ['silver', 'retail'],
      ['gold', 'sales'],
    ]) {
      await lake.services.governed.createNamespace(lake.admin, path);
    }
    const base = { runAs: lake.admin.principal.name };
    await lake.services.jobs.create(lake.admin, {
      ...base,
      name: 'silver_sales',
      target: 'silver.retail.sales',
      mode: 'incremental',
      sql: SILVER_SQL,
    });
    await lake.services.jobs.create(lake.admin, {
      ...base,
      name: 'gold_revenue_incremental',
      target: 'gold.sales.revenue_incremental',
      mode: 'incremental',
      keys: ['country', 'day'],
      sql: REVENUE_SQL,
    });
    await lake.services.jobs.create(lake.admin, {
      ...base,
      name: 'gold_revenue_full',
      target: 'gold.sales.revenue_full',
      mode: 'overwrite',
      sql: REVENUE_SQL,
    });
    for (const job of ['silver_sales', 'gold_revenue_incremental', 'gold_revenue_full']) {
      await runJob(lake, job);
    }
    const incremental: { ms: number; read: number }[] = [];
    const full: { ms: number; read: number }[] = [];
    for (const day of added) {
      await ingest([day]);
      await runJob(lake, 'silver_sales');
      incremental.push(await runJob(lake, 'gold_revenue_incremental'));
      full.push(await runJob(lake, 'gold_revenue_full'));
    }
    const differing = await goldDifference(lake);
    if (differing !== 0) {
      throw new Error(`${size}: the incremental and full gold tables differ in ${differing} rows`);
    }
    return {
      size,
      incrementalRowsRead: incremental.at(-1)?.read ?? 0,
      fullRowsRead: full.at(-1)?.read ?? 0,
      incrementalMs: median(incremental.map((r) => r.ms)),
      fullMs: median(full.map((r) => r.ms)),
    };
  } finally {
    await lake.services.close();
    rmSync(lake.home, { recursive: true, force: true });
  }
}

export async function benchPipelines(): Promise<PipelineFigures[]> {
  const files = retailFiles();
  const initial = files.slice(0, -ADDED_DAYS);
  const added = files.slice(-ADDED_DAYS);
  const real = await benchSize(
    `real data: ${initial.length} days, then 1 more (×${ADDED_DAYS})`,
    initial,
    added,
  );
  const dir = mkdtempSync(join(tmpdir(), 'lakeward-bench-days-'));
  try {
    const generated = await generateDays(dir, initial, COPIES);
    const big = await benchSize(
      `generated: ${COPIES} × ${initial.length} days, then 1 more (×${ADDED_DAYS})`,
      generated,
      added,
    );
    return [real, big];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function pipelineReport(figures: PipelineFigures[]): string[] {
  return figures.flatMap((f) => [
    `[${f.size}] gold revenue per country and day after one more day of retail data (median)`,
    `  incremental run (merge on country, day)  ${fmt(f.incrementalMs, 0)} ms, ${f.incrementalRowsRead} result rows`,
    `  full recompute (overwrite)               ${fmt(f.fullMs, 0)} ms, ${f.fullRowsRead} result rows`,
    `  speed-up ${fmt(f.fullMs / f.incrementalMs, 2)}×   (aim ≥ 10×; both give the same gold rows)`,
  ]);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(pipelineReport(await benchPipelines()).join('\n'));
}
