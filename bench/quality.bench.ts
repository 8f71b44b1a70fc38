// Data quality evaluation beside its baseline, same run: a ruleset of 20 DQDL rules over
// the retail sales table, evaluated by Lakeward (governed query path, schema probe, one
// scan, history and audit) against one hand-written DuckDB query computing the same
// metrics over the same Parquet files. Then the same at a generated size (the retail rows
// copied LAKEWARD_BENCH_QUALITY_COPIES times) where the baseline takes over a second.
// Run alone with `npx tsx bench/quality.bench.ts`.
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TableIdent } from '../src/catalog/index.js';
import { appendQuery, openSession } from '../src/engine/index.js';
import { rawDuckdb, sqlList } from './baseline.js';
import { generateRetailCopies, retailFiles } from './datasets.js';
import { freshLakehouse, type BenchLakehouse } from './lakehouse.js';
import { fmt, median } from './stats.js';

const COPIES = Number(process.env.LAKEWARD_BENCH_QUALITY_COPIES ?? 16);
const REPEATS = 5;

export const RULESET = `Rules = [
  RowCount > 0,
  IsComplete "invoice_no",
  IsComplete "stock_code",
  Completeness "customer_id" > 0.5,
  Completeness "description" > 0.9,
  ColumnValues "quantity" between -100000 and 100000,
  ColumnValues "unit_price" >= 0 with threshold > 0.99,
  ColumnValues "invoice_no" matches "[0-9]*[A-Z]?[0-9]+",
  ColumnLength "country" between 2 and 30,
  ColumnLength "stock_code" between 1 and 12,
  Mean "unit_price" > 0,
  Sum "quantity" > 0,
  StandardDeviation "unit_price" > 0,
  DistinctValuesCount "country" > 10,
  Entropy "country" > 0,
  DataFreshness "invoice_date" <= 36500 days,
  ColumnExists "country",
  Completeness "country" > 0.99,
  UniqueValueRatio "country" < 0.5,
  DistinctValuesCount "stock_code" > 100
]`;

/** One rule per line between `Rules = [` and `]`. */
const RULE_COUNT = RULESET.split('\n').length - 2;

/** The same metrics as RULESET, by hand, in one query. */
function baselineSql(files: string[]): string {
  return `SELECT count(*), count(invoice_no), count(stock_code), count(customer_id), count(description),
    count(*) FILTER (WHERE quantity BETWEEN -100000 AND 100000),
    count(*) FILTER (WHERE unit_price >= 0),
    count(*) FILTER (WHERE regexp_full_match(invoice_no, '[0-9]*[A-Z]?[0-9]+')),
    count(*) FILTER (WHERE country IS NULL OR length(country) BETWEEN 2 AND 30),
    count(*) FILTER (WHERE stock_code IS NULL OR length(stock_code) BETWEEN 1 AND 12),
    avg(unit_price), sum(quantity), stddev_samp(unit_price), count(DISTINCT country), entropy(country),
    count(*) FILTER (WHERE CAST(now() AS TIMESTAMP) - invoice_date <= INTERVAL 36500 DAYS),
    count(country), count(DISTINCT stock_code)
  FROM read_parquet(${sqlList(files)})`;
}

export interface QualityFigures {
  size: string;
  rows: number;
  rules: number;
  lakewardMs: number;
  baselineMs: number;
  score: number;
}

async function load(lake: BenchLakehouse, table: TableIdent, csvFiles: string[]): Promise<void> {
  const { services, admin } = lake;
  await services.governed.createTable(admin, table, {
    columns: [
      { name: 'invoice_no', type: 'string' },
      { name: 'stock_code', type: 'string' },
      { name: 'description', type: 'string' },
      { name: 'quantity', type: 'int' },
      { name: 'invoice_date', type: 'timestamp' },
      { name: 'unit_price', type: 'double' },
      { name: 'customer_id', type: 'long' },
      { name: 'country', type: 'string' },
    ],
  });
  const tempDir = join(lake.home, 'tmp');
  const session = await openSession({ memoryLimit: '2GB', tempDir });
  try {
    const csv = `read_csv(${sqlList(csvFiles)}, header = true,
      types = {'InvoiceNo': 'VARCHAR', 'StockCode': 'VARCHAR', 'CustomerID': 'DOUBLE', 'InvoiceDate': 'TIMESTAMP'})`;
    await appendQuery(
      session,
      await services.catalog.loadTable(table),
      `SELECT InvoiceNo AS invoice_no, StockCode AS stock_code, Description AS description,
              Quantity::INTEGER AS quantity, InvoiceDate AS invoice_date, UnitPrice::DOUBLE AS unit_price,
              CustomerID::BIGINT AS customer_id, Country AS country FROM ${csv}`,
      { tempDir, targetFileSizeBytes: 128 * 1024 * 1024 },
    );
  } finally {
    session.close();
  }
}

async function measure(
  lake: BenchLakehouse,
  size: string,
  table: TableIdent,
): Promise<QualityFigures> {
  const { services, admin } = lake;
  const resolved = await services.catalog
    .resolver()
    .resolve({ parts: [...table.namespace, table.name] });
  const files = [...resolved.dataFiles, ...(resolved.namedFiles ?? [])];
  const baseline: number[] = [];
  const lakeward: number[] = [];
  let score = 0;
  let rows = 0;
  // Turn about, so a busy moment of a shared machine slows both sides alike.
  await rawDuckdb(async (run) => {
    for (let i = 0; i < REPEATS; i++) {
      let started = performance.now();
      const answer = await run(baselineSql(files));
      baseline.push(performance.now() - started);
      rows = Number(answer[0]![0]);
      started = performance.now();
      const result = await services.quality.evaluate(admin, table, { text: RULESET });
      lakeward.push(performance.now() - started);
      score = result.score;
    }
  });
  return {
    size,
    rows,
    rules: RULE_COUNT,
    lakewardMs: median(lakeward),
    baselineMs: median(baseline),
    score,
  };
}

export async function benchQuality(): Promise<QualityFigures[]> {
  const lake = await freshLakehouse();
  const scratch = join(tmpdir(), `lakeward-bench-quality-${process.pid}`);
  try {
    mkdirSync(scratch, { recursive: true });
    await lake.services.governed.createNamespace(lake.admin, ['silver', 'bench']);
    const real: TableIdent = { namespace: ['silver', 'bench'], name: 'sales' };
    await load(lake, real, retailFiles());
    const figures = [await measure(lake, 'real', real)];
    const generated: TableIdent = { namespace: ['silver', 'bench'], name: 'sales_copies' };
    await load(lake, generated, await generateRetailCopies(scratch, COPIES));
    figures.push(await measure(lake, 'generated', generated));
    return figures;
  } finally {
    await lake.services.close();
    rmSync(scratch, { recursive: true, force: true });
    rmSync(lake.home, { recursive: true, force: true });
  }
}

export function qualityReport(figures: QualityFigures[]): string[] {
  return figures.map(
    (f) =>
      `[${f.size}] quality: ${f.rules} DQDL rules over ${f.rows} rows (score ${fmt(f.score, 2)}): ` +
      `lakeward ${fmt(f.lakewardMs, 0)} ms vs one hand-written DuckDB query ${fmt(f.baselineMs, 0)} ms: ` +
      `${fmt(f.lakewardMs / f.baselineMs, 2)}× the baseline (aim ≤ 1.5×)`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of qualityReport(await benchQuality())) process.stdout.write(`${line}\n`);
}
