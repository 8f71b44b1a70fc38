// An incremental medallion run beside a full recompute of the same gold table, same run:
// bronze holds the retail data but its last day; silver (incremental) and two gold jobs
// (incremental merge on country and day; overwrite) are run once; the last day is
// ingested and silver catches up; then each gold job is run and timed. The aim of the
// issue is an incremental run ≥ 10× faster than the full recompute.
// Run alone with `npx tsx bench/pipelines.bench.ts`.
import { rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { retailFiles } from './datasets.js';
import { freshLakehouse, type BenchLakehouse } from './lakehouse.js';
import { fmt } from './stats.js';

export interface PipelineFigures {
  size: string;
  /** Rows each gold run produced (groups recomputed: the new day's, or all). */
  incrementalRowsRead: number;
  fullRowsRead: number;
  incrementalMs: number;
  fullMs: number;
}

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

export async function benchPipelines(): Promise<PipelineFigures[]> {
  const lake = await freshLakehouse();
  try {
    const files = retailFiles();
    const table = { namespace: ['bronze', 'retail'], name: 'invoices' };
    const ingest = (paths: string[]) =>
      lake.services.ingest.ingest(lake.admin, { paths, table, sourceSystem: 'retail_pos' });
    await ingest(files.slice(0, -1));
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
    await ingest(files.slice(-1));
    await runJob(lake, 'silver_sales');
    const incremental = await runJob(lake, 'gold_revenue_incremental');
    const full = await runJob(lake, 'gold_revenue_full');
    return [
      {
        size: `real data: ${files.length - 1} days, then 1 more`,
        incrementalRowsRead: incremental.read,
        fullRowsRead: full.read,
        incrementalMs: incremental.ms,
        fullMs: full.ms,
      },
    ];
  } finally {
    await lake.services.close();
    rmSync(lake.home, { recursive: true, force: true });
  }
}

export function pipelineReport(figures: PipelineFigures[]): string[] {
  return figures.flatMap((f) => [
    `[${f.size}] gold revenue per country and day after one more day of retail data`,
    `  incremental run (merge on country, day)  ${fmt(f.incrementalMs, 0)} ms, ${f.incrementalRowsRead} result rows`,
    `  full recompute (overwrite)               ${fmt(f.fullMs, 0)} ms, ${f.fullRowsRead} result rows`,
    `  speed-up ${fmt(f.fullMs / f.incrementalMs, 2)}×   (aim ≥ 10×)`,
  ]);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(pipelineReport(await benchPipelines()).join('\n'));
}
