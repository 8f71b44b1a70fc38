import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSession } from '../../src/engine/index.js';
import type { CrawlRunView } from '../../src/crawler/index.js';
import { crawlerHome, SHARED_DATA, type CrawlerHome } from './crawler-home.js';

const raw = ['bronze', 'raw'];

/** Crawls of the shared data read in place: flights in four formats, retail by day. */
describe('crawling the shared data', () => {
  let home: CrawlerHome;
  let flights: CrawlRunView;
  let retail: CrawlRunView;

  beforeAll(async () => {
    home = await crawlerHome();
    const { crawlers } = home.services;
    await crawlers.create(home.admin, {
      name: 'flights',
      targets: [`file://${SHARED_DATA}/flights/`],
      namespace: 'bronze.raw',
      tablePrefix: 'bronze_',
    });
    await crawlers.create(home.admin, {
      name: 'retail',
      targets: [`file://${SHARED_DATA}/retail/by-day`],
      namespace: 'bronze.raw',
      tablePrefix: 'retail_',
    });
    flights = await crawlers.run(home.admin, 'flights');
    retail = await crawlers.run(home.admin, 'retail');
  }, 120_000);

  afterAll(async () => {
    await home.close();
  });

  const describeTable = (name: string) =>
    home.services.governed.describeTable(home.admin, { namespace: raw, name });

  it('registers one table per format folder of flights, with the right format and schema', async () => {
    expect(flights.status).toBe('succeeded');
    expect(flights.report!.tables.map((t) => [t.table, t.action]).sort()).toEqual([
      ['bronze.raw.bronze_csv', 'added'],
      ['bronze.raw.bronze_json', 'added'],
      ['bronze.raw.bronze_parquet', 'added'],
    ]);
    const csv = await describeTable('bronze_csv');
    expect(csv.kind).toBe('external');
    expect(csv.external).toMatchObject({
      format: 'csv',
      compression: 'none',
      csv: { delimiter: ',', header: true },
      columns: [
        { name: 'DEST_COUNTRY_NAME', type: 'string' },
        { name: 'ORIGIN_COUNTRY_NAME', type: 'string' },
        { name: 'count', type: 'long' },
      ],
      partitionColumns: [],
    });
    expect(csv.properties).toMatchObject({
      classification: 'csv',
      file_format: 'csv',
      file_count: '6',
      crawler_name: 'flights',
      compression: 'none',
      source_location: `file://${SHARED_DATA}/flights/csv`,
    });
    const json = await describeTable('bronze_json');
    expect(json.external?.format).toBe('ndjson');
    expect(json.properties).toMatchObject({ classification: 'json', file_format: 'ndjson' });
    expect(json.external?.columns.map((c) => c.name).sort()).toEqual([
      'DEST_COUNTRY_NAME',
      'ORIGIN_COUNTRY_NAME',
      'count',
    ]);
    // The Spark dataset folder 2010-summary.parquet/ is one dataset of its parent's table.
    const parquet = await describeTable('bronze_parquet');
    expect(parquet.external?.location).toBe(`file://${SHARED_DATA}/flights/parquet`);
    expect(parquet.properties).toMatchObject({
      classification: 'parquet',
      record_count: '255', // exact, from the footer
      file_count: '1',
    });
    for (const t of [csv, json, parquet]) {
      expect(Number(t.properties.size_bytes)).toBeGreaterThan(0);
      expect(Date.parse(t.properties.last_crawled_at!)).toBeGreaterThan(Date.now() - 600_000);
    }
  });

  it('estimates text record counts close to the real ones', async () => {
    // 6 yearly files of 255..256 routes each: 1502 rows.
    const csv = await describeTable('bronze_csv');
    expect(Math.abs(Number(csv.properties.record_count) - 1502)).toBeLessThan(1502 * 0.1);
  });

  it('reports the ORC dataset as unclassified, with the reason', () => {
    const orc = flights.report!.skipped.filter((s) => s.path.includes('/flights/orc/'));
    expect(orc).toEqual([
      expect.objectContaining({
        kind: 'unclassified',
        reason: expect.stringContaining('ORC is not supported: convert it to Parquet'),
      }),
    ]);
    expect(flights.report!.summary).toMatchObject({ added: 3, skipped_unclassified: 1 });
  });

  it('registers retail/by-day as ONE table of 305 files', async () => {
    expect(retail.report!.tables).toEqual([
      expect.objectContaining({ table: 'bronze.raw.retail_by_day', action: 'added', files: 305 }),
    ]);
    const table = await describeTable('retail_by_day');
    expect(table.properties.file_count).toBe('305');
    expect(table.external?.columns).toEqual([
      { name: 'InvoiceNo', type: 'string' }, // 'C536379': cancelled invoices make it text
      { name: 'StockCode', type: 'string' },
      { name: 'Description', type: 'string' },
      { name: 'Quantity', type: 'long' },
      { name: 'InvoiceDate', type: 'timestamp' },
      { name: 'UnitPrice', type: 'double' },
      { name: 'CustomerID', type: 'double' },
      { name: 'Country', type: 'string' },
    ]);
  });

  it('makes the crawled retail table queryable through the governed SQL path', async () => {
    const governed = await home.services.query.execute(
      home.admin,
      'SELECT count(*) AS n, count(DISTINCT Country) AS countries FROM bronze.raw.retail_by_day',
    );
    const session = await openSession({ memoryLimit: '1GB', tempDir: path.join(home.dir, 'tmp') });
    try {
      const [direct] = await session.all<{ n: string; countries: string }>(
        `SELECT count(*) AS n, count(DISTINCT Country) AS countries FROM read_csv('${SHARED_DATA}/retail/by-day/*.csv')`,
      );
      expect(Number(governed.rows[0]![0])).toBe(Number(direct!.n));
      expect(Number(governed.rows[0]![1])).toBe(Number(direct!.countries));
    } finally {
      session.close();
    }
    // The estimate is within 5% of the real count.
    const table = await describeTable('retail_by_day');
    const real = Number(governed.rows[0]![0]);
    expect(Math.abs(Number(table.properties.record_count) - real)).toBeLessThan(real * 0.05);
  }, 120_000);

  it('leaves tables that did not change alone on a second crawl', async () => {
    const again = await home.services.crawlers.run(home.admin, 'flights');
    expect(again.report!.tables.map((t) => t.action)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
    const runs = await home.services.crawlers.runs(home.admin, 'flights');
    expect(runs.map((r) => r.id)).toEqual([again.id, flights.id]);
  });
});
