import fs from 'node:fs';
import path from 'node:path';
import avro from 'avsc';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failure } from '../failure.js';
import { copyInto, crawlerHome, SHARED_DATA, type CrawlerHome } from './crawler-home.js';

const RETAIL = path.join(SHARED_DATA, 'retail', 'by-day');

/** Crawler definitions as users manage them: validation, governance, runs and their history. */
describe('crawlers', () => {
  let home: CrawlerHome;
  const input = () => ({
    name: 'landing',
    targets: [`file://${home.landing}`],
    namespace: 'bronze.raw',
    tablePrefix: 'bronze_',
  });

  beforeEach(async () => {
    home = await crawlerHome();
    copyInto(RETAIL, ['2010-12-01.csv'], path.join(home.landing, 'retail'));
  });
  afterEach(async () => {
    await home.close();
  });

  it('validates the definition with errors that say what to fix', async () => {
    const { crawlers } = home.services;
    const codes = async (overrides: Record<string, unknown>) =>
      (await failure(crawlers.create(home.admin, { ...input(), ...overrides }))).code;
    expect(await codes({ targets: ['s3://bucket/landing'] })).toBe('CRAWLER_TARGET_NOT_SUPPORTED');
    const s3 = await failure(crawlers.create(home.admin, { ...input(), targets: ['s3://b/x'] }));
    expect(s3.message).toContain('not yet supported');
    expect(await codes({ targets: ['file:///etc'] })).toBe('EXTERNAL_LOCATION_NOT_ALLOWED');
    expect(await codes({ targets: [`file://${home.landing}/missing`] })).toBe(
      'EXTERNAL_LOCATION_NOT_FOUND',
    );
    expect(await codes({ targets: [] })).toBe('CRAWLER_TARGET_REQUIRED');
    expect(await codes({ schedule: '61 * * * *' })).toBe('INVALID_SCHEDULE');
    expect(await codes({ schedule: '0 3' })).toBe('INVALID_SCHEDULE');
    expect(await codes({ schedule: 'every day' })).toBe('INVALID_SCHEDULE');
    expect(await codes({ tablePrefix: 'Bronze-' })).toBe('INVALID_TABLE_PREFIX');
    expect(await codes({ exclude: ['/abs/**'] })).toBe('INVALID_EXCLUDE_GLOB');
    expect(await codes({ deletionPolicy: 'shred' })).toBe('INVALID_CRAWLER_OPTION');
    expect(await codes({ name: 'no spaces please' })).toBe('INVALID_CRAWLER_NAME');
    await crawlers.create(home.admin, input());
    expect(await codes({})).toBe('CRAWLER_ALREADY_EXISTS');
  });

  it('computes the next run of a cron schedule in UTC, and recomputes it on change', async () => {
    const before = Date.now();
    const created = await home.services.crawlers.create(home.admin, {
      ...input(),
      schedule: '0 3 * * *',
    });
    const next = new Date(created.nextRunAt!);
    expect(next.getUTCHours()).toBe(3);
    expect(next.getUTCMinutes()).toBe(0);
    expect(next.getTime() - before).toBeLessThanOrEqual(24 * 3600 * 1000);
    const hourly = await home.services.crawlers.update(home.admin, 'landing', {
      schedule: '15 * * * *',
    });
    expect(new Date(hourly.nextRunAt!).getUTCMinutes()).toBe(15);
    const manual = await home.services.crawlers.update(home.admin, 'landing', { schedule: null });
    expect(manual.nextRunAt).toBeNull();
  });

  it('needs an admin with CREATE_TABLE, runs as its owner, and is hidden from others', async () => {
    const { crawlers, governed } = home.services;
    const erin = await home.user('erin');
    const mallory = await home.user('mallory');
    await governed.createNamespace(home.admin, ['bronze', 'raw']);
    const denied = await failure(crawlers.create(erin, input()));
    expect(denied.code).toBe('PERMISSION_DENIED');
    // CREATE_TABLE is not enough: her tables would read every raw file unfiltered.
    await home.grant(
      ['USAGE', 'DESCRIBE', 'CREATE_TABLE'],
      { kind: 'namespace', path: ['bronze', 'raw'] },
      erin,
    );
    expect((await failure(crawlers.create(erin, input()))).code).toBe('PERMISSION_DENIED');
    const created = await crawlers.create(home.admin, input());
    expect(created.owner).toBe('admin');

    const run = await crawlers.run(home.admin, 'landing');
    expect(run).toMatchObject({ status: 'succeeded', runAs: 'admin' });
    const table = await governed.describeTable(home.admin, {
      namespace: ['bronze', 'raw'],
      name: 'bronze_retail',
    });
    expect(table.owner).toBe('admin');

    // Someone else neither sees nor runs it: the same error as for a missing crawler.
    for (const other of [erin, mallory]) {
      const hidden = await failure(crawlers.run(other, 'landing'));
      const missing = await failure(crawlers.run(other, 'nope'));
      expect([hidden.code, missing.code]).toEqual(['CRAWLER_NOT_FOUND', 'CRAWLER_NOT_FOUND']);
      expect(await crawlers.list(other)).toEqual([]);
    }
    expect((await crawlers.list(home.admin)).map((c) => c.name)).toEqual(['landing']);

    const events = await home.services.audit.query(home.admin, { principal: 'mallory' });
    expect(events.map((e) => [e.action, e.decision])).toContainEqual(['crawler.run', 'deny']);
    const erinEvents = await home.services.audit.query(home.admin, { principal: 'erin' });
    expect(erinEvents.map((e) => [e.action, e.decision])).toContainEqual([
      'crawler.create',
      'deny',
    ]);
  });

  it('creates the target namespace when it is missing and the owner may', async () => {
    await home.services.crawlers.create(home.admin, {
      ...input(),
      namespace: 'bronze.landing_zone',
    });
    const ns = await home.services.governed.describeNamespace(home.admin, [
      'bronze',
      'landing_zone',
    ]);
    expect(ns.path).toEqual(['bronze', 'landing_zone']);
  });

  it('refuses a second run of a crawler while one is under way', async () => {
    const { crawlers } = home.services;
    await crawlers.create(home.admin, input());
    const [first, second] = await Promise.allSettled([
      crawlers.run(home.admin, 'landing'),
      crawlers.run(home.admin, 'landing'),
    ]);
    const outcomes = [first, second].map((o) =>
      o.status === 'fulfilled' ? o.value.status : (o.reason as { code: string }).code,
    );
    expect(outcomes.sort()).toEqual(['CRAWLER_ALREADY_RUNNING', 'succeeded']);
    expect(await crawlers.runs(home.admin, 'landing')).toHaveLength(1);
  });

  it('reports Avro files as classified but not registered, naming their columns', async () => {
    const type = avro.Type.forSchema({
      type: 'record',
      name: 'Order',
      fields: [
        { name: 'id', type: 'long' },
        { name: 'amount', type: 'double' },
      ],
    });
    const file = path.join(home.landing, 'orders', 'part-0.avro');
    fs.mkdirSync(path.dirname(file));
    await new Promise<void>((resolve, reject) => {
      const encoder = avro.createFileEncoder(file, type);
      encoder.on('finish', resolve).on('error', reject);
      encoder.write({ id: 1, amount: 2.5 });
      encoder.end();
    });
    await new Promise((r) => setTimeout(r, 50));
    await home.services.crawlers.create(home.admin, input());
    const run = await home.services.crawlers.run(home.admin, 'landing');
    expect(run.report!.skipped).toContainEqual({
      path: file,
      kind: 'not_registered',
      reason: expect.stringMatching(
        /^Avro \(columns id, amount\) is recognised but external tables cannot read it/,
      ),
    });
    expect(run.report!.tables.map((t) => t.table)).toEqual(['bronze.raw.bronze_retail']);
  });

  it('deletes a crawler and its history but keeps the tables it registered', async () => {
    const { crawlers, governed } = home.services;
    await crawlers.create(home.admin, input());
    await crawlers.run(home.admin, 'landing');
    await crawlers.delete(home.admin, 'landing');
    expect((await failure(crawlers.get(home.admin, 'landing'))).code).toBe('CRAWLER_NOT_FOUND');
    const table = await governed.describeTable(home.admin, {
      namespace: ['bronze', 'raw'],
      name: 'bronze_retail',
    });
    expect(table.properties.crawler_name).toBe('landing');
  });
});
