import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableIdent } from '../../src/catalog/index.js';
import type { JobDefinition } from '../../src/pipelines/index.js';
import { governedHome } from '../catalog/governed-home.js';
import type { GovernedHome } from '../catalog/governed-home.js';
import { jobKit, jobOf } from '../pipelines/job-home.js';
import type { JobKit } from '../pipelines/job-home.js';

const DAYS = path.resolve('../shared/data/retail/by-day');
/** Every day of the data set: all but the last two load first, those two arrive later. */
const ALL_DAYS = fs
  .readdirSync(DAYS)
  .filter((f) => f.endsWith('.csv'))
  .sort()
  .map((f) => path.join(DAYS, f));
const FIRST = ALL_DAYS.slice(0, -2);
const LATER = ALL_DAYS.slice(-2);
const INVOICES: TableIdent = { namespace: ['bronze', 'retail'], name: 'invoices' };
const SALES: TableIdent = { namespace: ['silver', 'retail'], name: 'sales' };

/** Silver: no cancelled invoices, no rows without a customer, integer ids, one row per sale line. */
const SILVER_SQL = `
  SELECT CAST(InvoiceNo AS INTEGER) AS invoice_no, StockCode AS stock_code, Description AS description,
         CAST(Quantity AS INTEGER) AS quantity, CAST(InvoiceDate AS TIMESTAMP) AS invoice_date,
         CAST(UnitPrice AS DOUBLE) AS unit_price, CAST(CustomerID AS INTEGER) AS customer_id, Country AS country
  FROM bronze.retail.invoices
  WHERE NOT starts_with(InvoiceNo, 'C') AND CustomerID IS NOT NULL`;
const LINE_KEYS = [
  'invoice_no',
  'stock_code',
  'description',
  'quantity',
  'invoice_date',
  'unit_price',
  'customer_id',
  'country',
];
const REVENUE_SQL = `
  SELECT country, CAST(invoice_date AS DATE) AS day, sum(quantity * unit_price) AS revenue,
         count(DISTINCT invoice_no) AS invoices
  FROM silver.retail.sales GROUP BY ALL`;
const LTV_SQL = `
  SELECT customer_id, sum(quantity * unit_price) AS lifetime_value, count(DISTINCT invoice_no) AS orders,
         min(invoice_date) AS first_purchase, max(invoice_date) AS last_purchase
  FROM silver.retail.sales GROUP BY customer_id`;

/** The same cleaning with plain DuckDB straight over the CSV files: the independent figures. */
function cleanCsv(files: string[]): string {
  const list = files.map((f) => `'${f}'`).join(', ');
  return `SELECT DISTINCT CAST(InvoiceNo AS INTEGER) AS invoice_no, StockCode, Description,
            CAST(Quantity AS INTEGER) AS quantity, CAST(InvoiceDate AS TIMESTAMP) AS invoice_date,
            CAST(UnitPrice AS DOUBLE) AS unit_price, CAST(CAST(CustomerID AS DOUBLE) AS INTEGER) AS customer_id, Country AS country
          FROM read_csv([${list}], header = true, all_varchar = true)
          WHERE NOT starts_with(InvoiceNo, 'C') AND CustomerID IS NOT NULL AND CustomerID <> ''`;
}

async function plainDuckdb(sql: string): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowsJson() as unknown[][];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

// The whole data set (about 540,000 rows): each step takes seconds, more on a busy machine.
describe('retail data through bronze, silver and gold', { timeout: 180_000 }, () => {
  let home: GovernedHome;
  let kit: JobKit;
  const silver: JobDefinition = jobOf({
    name: 'silver_sales',
    target: 'silver.retail.sales',
    mode: 'incremental',
    sql: SILVER_SQL,
    runAs: 'admin',
    keys: LINE_KEYS,
    dedupe: true,
    quality: {
      ruleset: 'Rules = [ IsComplete "customer_id", ColumnValues "quantity" > 0 ]',
      onFailure: 'stop',
    },
  });
  const revenue: JobDefinition = jobOf({
    name: 'gold_revenue',
    target: 'gold.sales.revenue_by_country_day',
    mode: 'incremental',
    keys: ['country', 'day'],
    sql: REVENUE_SQL,
    runAs: 'admin',
  });
  const ltv: JobDefinition = jobOf({
    name: 'gold_customer_ltv',
    target: 'gold.customers.customer_ltv',
    mode: 'overwrite',
    sql: LTV_SQL,
    runAs: 'admin',
  });

  const rows = async (sql: string): Promise<unknown[][]> =>
    (await home.services.query.execute(home.admin, sql, { maxRows: 1_000_000 })).rows;
  const ingest = (paths: string[]) =>
    home.services.ingest.ingest(home.admin, { paths, table: INVOICES, sourceSystem: 'retail_pos' });

  beforeAll(async () => {
    home = await governedHome();
    // The real quality gate and lineage of the home's services, as src/app.ts wires them.
    kit = jobKit(home, { quality: home.services.quality, lineage: home.services.lineage });
    await ingest(FIRST);
  }, 300_000);

  afterAll(async () => {
    await home?.close();
  });

  it('silver cleans bronze: figures equal a plain DuckDB computation over the CSVs', async () => {
    const outcome = await kit.runner.run(home.admin, silver, 'silver-1');
    expect(outcome.error).toBeNull();
    const [[expectedRows, expectedBefore]] = (await plainDuckdb(
      `SELECT (SELECT count(*) FROM (${cleanCsv(FIRST)})),
              (SELECT count(*) FROM read_csv([${FIRST.map((f) => `'${f}'`).join(', ')}], header = true, all_varchar = true)
                 WHERE NOT starts_with(InvoiceNo, 'C') AND CustomerID IS NOT NULL AND CustomerID <> '')`,
    )) as [[string, string]];
    expect(outcome).toMatchObject({
      status: 'succeeded',
      rowsRead: Number(expectedBefore),
      rowsWritten: Number(expectedRows),
      rowsRejected: 0,
    });
    expect(Number(expectedBefore)).toBeGreaterThan(Number(expectedRows)); // the data has duplicates
    expect(outcome.quality?.status).toBe('passed');
    const table = await home.services.catalog.describeTable(SALES);
    expect(table.columns.find((c) => c.name === 'customer_id')?.type).toBe('int');
    expect(table.columns.find((c) => c.name === 'invoice_no')?.type).toBe('int');
    expect(table.properties).toMatchObject({
      transformed_by: 'silver_sales@1',
      upstream_tables: 'bronze.retail.invoices',
      last_run_id: 'silver-1',
    });
    // The gate's result was kept: the quality service set the table's score and status.
    expect(table.properties).toMatchObject({ quality_status: 'passed', quality_score: '1' });
    expect(
      await rows('SELECT count(*) FROM silver.retail.sales WHERE customer_id IS NULL'),
    ).toEqual([[0]]);
  });

  it('gold revenue per country per day and customer lifetime value equal DuckDB over the CSVs', async () => {
    expect((await kit.runner.run(home.admin, revenue, 'revenue-1')).error).toBeNull();
    expect((await kit.runner.run(home.admin, ltv, 'ltv-1')).error).toBeNull();
    await expectGoldMatches(FIRST);
    // Each run's lineage was recorded: bronze feeds silver, which feeds both gold tables.
    const impact = await home.services.lineage.impact(home.admin, 'bronze.retail.invoices');
    expect(impact.tables.map((t) => t.name)).toEqual([
      'silver.retail.sales',
      'gold.customers.customer_ltv',
      'gold.sales.revenue_by_country_day',
    ]);
    expect(impact.jobs.map((j) => j.name)).toEqual([
      'lakeward/gold_customer_ltv',
      'lakeward/gold_revenue',
      'lakeward/silver_sales',
    ]);
  });

  it('an incremental run after new days reads only their rows and equals a full recompute', async () => {
    await ingest(LATER);
    const silverRun = await kit.runner.run(home.admin, silver, 'silver-2');
    const [[newRows]] = (await plainDuckdb(
      `SELECT count(*) FROM read_csv([${LATER.map((f) => `'${f}'`).join(', ')}], header = true, all_varchar = true)
         WHERE NOT starts_with(InvoiceNo, 'C') AND CustomerID IS NOT NULL AND CustomerID <> ''`,
    )) as [[string]];
    expect(silverRun).toMatchObject({ status: 'succeeded', rowsRead: Number(newRows) });
    expect(silverRun.sql).toContain('incremental run');
    const revenueRun = await kit.runner.run(home.admin, revenue, 'revenue-2');
    expect(revenueRun.status).toBe('succeeded');
    // Only the new days' groups came out of the incremental SELECT.
    const [[newGroups]] = (await plainDuckdb(
      `SELECT count(*) FROM (SELECT DISTINCT country, CAST(invoice_date AS DATE) FROM (${cleanCsv(LATER)}))`,
    )) as [[string]];
    expect(revenueRun.rowsRead).toBe(Number(newGroups));
    expect((await kit.runner.run(home.admin, ltv, 'ltv-2')).error).toBeNull();
    await expectGoldMatches([...FIRST, ...LATER]);

    const full = await kit.runner.run(
      home.admin,
      {
        ...revenue,
        name: 'gold_revenue_full',
        target: 'gold.sales.revenue_full',
        mode: 'overwrite',
        keys: [],
      },
      'revenue-full',
    );
    expect(full.status).toBe('succeeded');
    const incremental = await rows(
      'SELECT country, day, round(revenue, 6), invoices FROM gold.sales.revenue_by_country_day ORDER BY ALL',
    );
    const recomputed = await rows(
      'SELECT country, day, round(revenue, 6), invoices FROM gold.sales.revenue_full ORDER BY ALL',
    );
    expect(incremental).toEqual(recomputed);
  });

  it('a failing error rule leaves silver unchanged; quarantine sets exactly the failing rows aside', async () => {
    const before = (await home.services.catalog.describeTable(SALES)).currentSnapshotId;
    const countBefore = (await rows('SELECT count(*) FROM silver.retail.sales'))[0]?.[0];
    const strict = {
      ...silver,
      name: 'silver_sales_strict',
      mode: 'append' as const,
      quality: { ruleset: 'Rules = [ ColumnValues "quantity" > 1 ]', onFailure: 'stop' as const },
    };
    const stopped = await kit.runner.run(home.admin, strict, 'strict-1');
    expect(stopped).toMatchObject({ status: 'failed', targetSnapshotId: null });
    expect(stopped.error?.code).toBe('QUALITY_GATE_FAILED');
    expect(stopped.quality?.status).toBe('failed');
    expect(stopped.rowsWritten).toBe(0);
    expect(stopped.rowsRejected).toBeGreaterThan(0);
    expect((await home.services.catalog.describeTable(SALES)).currentSnapshotId).toBe(before);
    expect(await rows('SELECT count(*) FROM silver.retail.sales')).toEqual([[countBefore]]);

    const quarantined = await kit.runner.run(
      home.admin,
      {
        ...strict,
        target: 'silver.retail.sales_checked',
        quality: { ...strict.quality, onFailure: 'quarantine' },
      },
      'strict-2',
    );
    const all = [...FIRST, ...LATER];
    const [[failing, passing]] = (await plainDuckdb(
      `SELECT count(*) FILTER (WHERE NOT quantity > 1), count(*) FILTER (WHERE quantity > 1) FROM (${cleanCsv(all)})`,
    )) as [[string, string]];
    expect(quarantined).toMatchObject({
      status: 'succeeded',
      rowsRejected: Number(failing),
      rowsWritten: Number(passing),
    });
    expect(
      await rows('SELECT count(*), min(quantity) > 1 FROM silver.retail.sales_checked'),
    ).toEqual([[Number(passing), true]]);
    expect(
      await rows(
        `SELECT count(*), max(quantity), list_distinct(flatten(list(_failed_rules))), min(_run_id)
         FROM silver.retail.sales_checked__quarantine`,
      ),
    ).toEqual([[Number(failing), 1, ['ColumnValues "quantity" > 1'], 'strict-2']]);
  });

  async function expectGoldMatches(files: string[]): Promise<void> {
    const expectedRevenue = await plainDuckdb(
      `SELECT country, CAST(CAST(invoice_date AS DATE) AS VARCHAR), sum(quantity * unit_price), count(DISTINCT invoice_no)
       FROM (${cleanCsv(files)}) GROUP BY ALL ORDER BY 1, 2`,
    );
    const revenueRows = await rows(
      'SELECT country, CAST(day AS VARCHAR), revenue, invoices FROM gold.sales.revenue_by_country_day ORDER BY 1, 2',
    );
    expect(revenueRows.length).toBe(expectedRevenue.length);
    revenueRows.forEach((row, i) => {
      const expected = expectedRevenue[i]!;
      expect([row[0], row[1], Number(row[3])]).toEqual([
        expected[0],
        expected[1],
        Number(expected[3]),
      ]);
      expect(Number(row[2])).toBeCloseTo(Number(expected[2]), 6);
    });
    const expectedLtv = await plainDuckdb(
      `SELECT customer_id, sum(quantity * unit_price), count(DISTINCT invoice_no) FROM (${cleanCsv(files)})
       GROUP BY customer_id ORDER BY customer_id`,
    );
    const ltvRows = await rows(
      'SELECT customer_id, lifetime_value, orders FROM gold.customers.customer_ltv ORDER BY customer_id',
    );
    expect(ltvRows.length).toBe(expectedLtv.length);
    ltvRows.forEach((row, i) => {
      const expected = expectedLtv[i]!;
      expect([Number(row[0]), Number(row[2])]).toEqual([Number(expected[0]), Number(expected[2])]);
      expect(Number(row[1])).toBeCloseTo(Number(expected[1]), 6);
    });
  }
});
