import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CrawlerInput } from '../../src/crawler/index.js';
import { failure } from '../failure.js';
import { copyInto, crawlerHome, SHARED_DATA, type CrawlerHome } from './crawler-home.js';

const RETAIL = path.join(SHARED_DATA, 'retail', 'by-day');
const FLIGHTS_CSV = path.join(SHARED_DATA, 'flights', 'csv');
const raw = ['bronze', 'raw'];

/** Crawls of a landing folder the test changes between runs (copies of a few real files). */
describe('re-crawling a changing folder', () => {
  let home: CrawlerHome;
  const crawler = (input: Partial<CrawlerInput> = {}) =>
    home.services.crawlers.create(home.admin, {
      name: 'landing',
      targets: [`file://${home.landing}`],
      namespace: 'bronze.raw',
      tablePrefix: 'bronze_',
      ...input,
    });
  const run = async () => {
    const done = await home.services.crawlers.run(home.admin, 'landing');
    expect(done.status, done.error ?? '').toBe('succeeded');
    return done.report!;
  };
  const actions = (report: { tables: { table: string; action: string }[] }) =>
    Object.fromEntries(report.tables.map((t) => [t.table.replace('bronze.raw.', ''), t.action]));
  const table = (name: string) =>
    home.services.governed.describeTable(home.admin, { namespace: raw, name });

  beforeEach(async () => {
    home = await crawlerHome();
  });
  afterEach(async () => {
    await home.close();
  });

  it('only adds the new files and the new folder, leaving the rest as it was', async () => {
    copyInto(
      RETAIL,
      ['2010-12-01.csv', '2010-12-02.csv', '2010-12-03.csv'],
      path.join(home.landing, 'retail'),
    );
    await crawler();
    expect(actions(await run())).toEqual({ bronze_retail: 'added' });
    const before = await table('bronze_retail');

    copyInto(RETAIL, ['2010-12-05.csv', '2010-12-06.csv'], path.join(home.landing, 'retail'));
    copyInto(
      FLIGHTS_CSV,
      ['2010-summary.csv', '2011-summary.csv'],
      path.join(home.landing, 'flights'),
    );
    const second = await run();
    expect(actions(second)).toEqual({ bronze_retail: 'files_changed', bronze_flights: 'added' });
    expect(second.tables.find((t) => t.table.endsWith('bronze_retail'))!.reason).toBe(
      '2 new file(s) (3 → 5)',
    );
    const after = await table('bronze_retail');
    expect(after.external?.columns).toEqual(before.external?.columns);
    expect(after.properties.file_count).toBe('5');
    expect(Number(after.properties.record_count)).toBeGreaterThan(
      Number(before.properties.record_count),
    );
    expect(after.createdAt).toBe(before.createdAt);

    expect(actions(await run())).toEqual({
      bronze_retail: 'unchanged',
      bronze_flights: 'unchanged',
    });
  });

  it('in new_folders mode looks only at folders it has not seen', async () => {
    copyInto(RETAIL, ['2010-12-01.csv'], path.join(home.landing, 'retail'));
    await crawler({ recrawl: 'new_folders' });
    expect(actions(await run())).toEqual({ bronze_retail: 'added' });
    copyInto(RETAIL, ['2010-12-02.csv'], path.join(home.landing, 'retail'));
    copyInto(FLIGHTS_CSV, ['2010-summary.csv'], path.join(home.landing, 'flights'));
    expect(actions(await run())).toEqual({ bronze_flights: 'added' });
    expect((await table('bronze_retail')).properties.file_count).toBe('1');
  });

  it('deprecates the table of a removed folder (deprecate), then drops it (delete) without touching files', async () => {
    copyInto(RETAIL, ['2010-12-01.csv'], path.join(home.landing, 'retail'));
    copyInto(FLIGHTS_CSV, ['2010-summary.csv'], path.join(home.landing, 'flights'));
    await crawler();
    await run();

    fs.rmSync(path.join(home.landing, 'flights'), { recursive: true });
    const second = await run();
    expect(actions(second)).toEqual({ bronze_retail: 'unchanged', bronze_flights: 'deprecated' });
    const deprecated = await table('bronze_flights');
    expect(deprecated.properties).toMatchObject({
      deprecated: 'true',
      deprecated_reason: expect.stringContaining('no longer exists'),
    });
    const metadata = await home.services.metadata.show(home.admin, {
      kind: 'table',
      path: [...raw, 'bronze_flights'],
    });
    expect(metadata).toMatchObject({ certification: { status: 'deprecated' } });
    // Still gone: nothing more happens.
    expect(actions(await run())).toMatchObject({ bronze_flights: 'unchanged' });

    // The folder comes back: the table is restored.
    copyInto(FLIGHTS_CSV, ['2010-summary.csv'], path.join(home.landing, 'flights'));
    expect(actions(await run())).toMatchObject({ bronze_flights: 'restored' });
    expect((await table('bronze_flights')).properties.deprecated).toBeUndefined();

    // With the delete policy, a table whose data files are gone is dropped; the files stay.
    await home.services.crawlers.update(home.admin, 'landing', {
      deletionPolicy: 'delete',
      exclude: ['**/*.tmp'],
    });
    const kept = path.join(home.landing, 'retail', '2010-12-01.csv.tmp');
    fs.renameSync(path.join(home.landing, 'retail', '2010-12-01.csv'), kept);
    const third = await run();
    expect(actions(third)).toEqual({ bronze_flights: 'unchanged', bronze_retail: 'deleted' });
    expect((await failure(table('bronze_retail'))).code).toBe('TABLE_NOT_FOUND');
    expect(fs.existsSync(kept)).toBe(true);
    expect(third.skipped).toContainEqual(expect.objectContaining({ kind: 'excluded', path: kept }));
  });

  it('logs a deleted folder without touching the table under the log policy', async () => {
    copyInto(FLIGHTS_CSV, ['2010-summary.csv'], path.join(home.landing, 'flights'));
    copyInto(RETAIL, ['2010-12-01.csv'], path.join(home.landing, 'retail'));
    await crawler({ deletionPolicy: 'log' });
    await run();
    fs.rmSync(path.join(home.landing, 'flights'), { recursive: true });
    expect(actions(await run())).toMatchObject({ bronze_flights: 'missing_logged' });
    expect((await table('bronze_flights')).properties.deprecated).toBeUndefined();
  });

  it('applies a schema change under "update" and only reports it under "log"', async () => {
    const folder = path.join(home.landing, 'orders');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'a.csv'), 'id,amount\n1,2.5\n2,3.5\n');
    await crawler({ schemaChangePolicy: 'log' });
    await run();
    fs.writeFileSync(path.join(folder, 'a.csv'), 'id,amount,currency\n1,2.5,EUR\n2,3.5,USD\n');
    const logged = await run();
    expect(logged.tables[0]).toMatchObject({
      action: 'schema_change_logged',
      schemaChange: { added: ['currency'], removed: [], retyped: [] },
    });
    expect((await table('bronze_orders')).external?.columns.map((c) => c.name)).toEqual([
      'id',
      'amount',
    ]);

    await home.services.crawlers.update(home.admin, 'landing', { schemaChangePolicy: 'update' });
    const updated = await run();
    expect(updated.tables[0]).toMatchObject({ action: 'schema_updated' });
    expect((await table('bronze_orders')).external?.columns).toEqual([
      { name: 'id', type: 'long' },
      { name: 'amount', type: 'double' },
      { name: 'currency', type: 'string' },
    ]);
  });

  it('makes key=value folders typed partition columns of one table, queryable', async () => {
    const events = path.join(home.landing, 'events');
    const write = (rel: string, body: string) => {
      fs.mkdirSync(path.dirname(path.join(events, rel)), { recursive: true });
      fs.writeFileSync(path.join(events, rel), body);
    };
    write('year=2024/day=2024-01-01/a.csv', 'kind,n\nclick,1\nview,2\n');
    write('year=2024/day=2024-01-02/b.csv', 'kind,n\nclick,3\n');
    write('year=2025/day=2025-03-01/c.csv', 'kind,n\nview,4\n');
    write('year=2025/day=2025-03-01/c.csv.tmp', 'half written');
    write('year=2025/day=2025-03-01/_SUCCESS', '');
    await crawler({ exclude: ['**/*.tmp'] });
    const report = await run();
    expect(actions(report)).toEqual({ bronze_events: 'added' });
    const events_ = await table('bronze_events');
    expect(events_.external).toMatchObject({
      columns: [
        { name: 'kind', type: 'string' },
        { name: 'n', type: 'long' },
      ],
      partitionColumns: [
        { name: 'year', type: 'long' },
        { name: 'day', type: 'date' },
      ],
    });
    expect(events_.properties.file_count).toBe('3');
    expect(report.skipped.map((s) => [path.basename(s.path), s.kind])).toEqual([
      ['_SUCCESS', 'hidden'],
      ['c.csv.tmp', 'excluded'],
    ]);
    const result = await home.services.query.execute(
      home.admin,
      'SELECT year, sum(n) FROM bronze.raw.bronze_events GROUP BY year ORDER BY year',
    );
    expect(result.rows.map((r) => r.map(Number))).toEqual([
      [2024, 6],
      [2025, 4],
    ]);
  });

  it("leaves a file with other columns out of its folder's table, and never takes over a table it did not register", async () => {
    const orders = path.join(home.landing, 'orders');
    fs.mkdirSync(orders);
    fs.writeFileSync(path.join(orders, 'a.csv'), 'id,amount\n1,2.5\n');
    fs.writeFileSync(path.join(orders, 'b.csv'), 'id,amount\n2,3.5\n');
    fs.writeFileSync(path.join(orders, 'odd.csv'), 'sku,colour\nx,red\n');
    copyInto(FLIGHTS_CSV, ['2010-summary.csv'], path.join(home.landing, 'flights'));
    await home.services.governed.createNamespace(home.admin, raw);
    await home.services.governed.createTable(
      home.admin,
      { namespace: raw, name: 'bronze_flights' },
      {
        columns: [{ name: 'x', type: 'long' }],
      },
    );
    await crawler();
    const report = await run();
    expect(actions(report)).toEqual({ bronze_orders: 'added' });
    expect(report.skipped).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: path.join(orders, 'odd.csv'), kind: 'schema_mismatch' }),
        expect.objectContaining({
          kind: 'name_taken',
          reason: expect.stringContaining('bronze_flights exists'),
        }),
      ]),
    );
    expect((await table('bronze_orders')).external?.exclude).toEqual(['odd.csv']);
    const sum = await home.services.query.execute(
      home.admin,
      'SELECT sum(amount), count(*) FROM bronze.raw.bronze_orders',
    );
    expect(sum.rows[0]!.map(Number)).toEqual([6, 2]);
    expect((await table('bronze_flights')).kind).toBe('iceberg');
  });

  it('groups sibling folders with the same columns into one table, and keeps different ones apart', async () => {
    copyInto(RETAIL, ['2010-12-01.csv'], path.join(home.landing, 'sales', 'shop-a'));
    copyInto(RETAIL, ['2010-12-02.csv'], path.join(home.landing, 'sales', 'shop-b'));
    copyInto(FLIGHTS_CSV, ['2010-summary.csv'], path.join(home.landing, 'routes'));
    fs.writeFileSync(path.join(home.landing, 'routes', 'notes.txt'), 'just some words\n');
    fs.writeFileSync(path.join(home.landing, 'routes', 'export.dat'), 'a,b\n1,2\n');
    const gz = path.join(home.landing, 'logs');
    fs.mkdirSync(gz);
    const { gzipSync } = await import('node:zlib');
    fs.writeFileSync(
      path.join(gz, 'a.json.gz'),
      gzipSync('{"at":"2024-01-01","level":"info"}\n{"at":"2024-01-02","level":"warn"}\n'),
    );
    fs.copyFileSync(
      path.join(
        SHARED_DATA,
        'images',
        'daisy',
        fs.readdirSync(path.join(SHARED_DATA, 'images', 'daisy'))[0]!,
      ),
      path.join(home.landing, 'routes', 'photo.jpg'),
    );
    await crawler();
    const report = await run();
    expect(actions(report)).toEqual({
      bronze_sales: 'added',
      bronze_routes: 'added',
      bronze_logs: 'added',
    });
    expect((await table('bronze_sales')).properties.file_count).toBe('2');
    expect((await table('bronze_logs')).external).toMatchObject({
      format: 'ndjson',
      compression: 'gzip',
    });
    expect((await table('bronze_logs')).properties).toMatchObject({
      compression: 'gzip',
      record_count: '2',
    });
    const logs = await home.services.query.execute(
      home.admin,
      "SELECT count(*) FROM bronze.raw.bronze_logs WHERE level = 'warn'",
    );
    expect(Number(logs.rows[0]![0])).toBe(1);
    const reasons = Object.fromEntries(
      report.skipped.map((s) => [path.basename(s.path), s.reason]),
    );
    expect(reasons['photo.jpg']).toMatch(/image\/jpeg .* is not tabular data/);
    expect(reasons['notes.txt']).toMatch(/not CSV or TSV/);
    expect(reasons['export.dat']).toMatch(
      /^csv content, but external tables read only files named .*\.csv.*: rename it$/,
    );
  });
});
