import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/index.js';
import { scheduleCrawlers } from '../../src/server/crawler-schedule.js';
import { expectErrorJson } from './temp-server.js';
import { copyInto, crawlerHome, SHARED_DATA, type CrawlerHome } from '../crawler/crawler-home.js';

const RETAIL = path.join(SHARED_DATA, 'retail', 'by-day');

describe('crawler API', () => {
  let home: CrawlerHome;
  let app: FastifyInstance;
  let auth: { authorization: string };

  beforeEach(async () => {
    home = await crawlerHome();
    copyInto(RETAIL, ['2010-12-01.csv'], path.join(home.landing, 'retail'));
    app = await buildServer({
      ...home.services,
      config: { ...home.services.config, logLevel: 'silent' },
    });
    const { token } = await home.services.auth.issueToken(home.admin.principal.id, 'test');
    auth = { authorization: `Bearer ${token}` };
  });
  afterEach(async () => {
    await app.close();
    await home.close();
  });

  const body = () => ({
    name: 'bronze-crawler',
    targets: [`file://${home.landing}`],
    namespace: 'bronze.raw',
    tablePrefix: 'bronze_',
    exclude: ['**/*.tmp'],
    schedule: '0 3 * * *',
  });

  it('creates, lists, shows, changes, runs and deletes a crawler', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/crawlers',
      headers: auth,
      payload: body(),
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      name: 'bronze-crawler',
      owner: 'admin',
      schedule: '0 3 * * *',
      running: false,
    });

    const list = await app.inject({ url: '/api/v1/crawlers', headers: auth });
    expect(list.json().crawlers.map((c: { name: string }) => c.name)).toEqual(['bronze-crawler']);

    const patched = await app.inject({
      method: 'PATCH',
      url: '/api/v1/crawlers/bronze-crawler',
      headers: auth,
      payload: { deletionPolicy: 'delete', schedule: null },
    });
    expect(patched.json()).toMatchObject({
      deletionPolicy: 'delete',
      schedule: null,
      nextRunAt: null,
    });

    const run = await app.inject({
      method: 'POST',
      url: '/api/v1/crawlers/bronze-crawler/run',
      headers: auth,
    });
    expect(run.statusCode).toBe(200);
    expect(run.json()).toMatchObject({
      status: 'succeeded',
      trigger: 'manual',
      report: {
        tables: [{ table: 'bronze.raw.bronze_retail', action: 'added', files: 1 }],
        summary: { added: 1 },
      },
    });
    const runs = await app.inject({
      url: '/api/v1/crawlers/bronze-crawler/runs?limit=5',
      headers: auth,
    });
    expect(runs.json().runs).toHaveLength(1);

    const shown = await app.inject({ url: '/api/v1/crawlers/bronze-crawler', headers: auth });
    expect(shown.json()).toMatchObject({ exclude: ['**/*.tmp'], namespace: 'bronze.raw' });

    const deleted = await app.inject({
      method: 'DELETE',
      url: '/api/v1/crawlers/bronze-crawler',
      headers: auth,
    });
    expect(deleted.statusCode).toBe(204);
    const gone = await app.inject({ url: '/api/v1/crawlers/bronze-crawler', headers: auth });
    expectErrorJson(gone, 404, 'CRAWLER_NOT_FOUND');
  });

  it('answers bad definitions with 400 and the reason', async () => {
    const bad = async (payload: object) => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/crawlers',
        headers: auth,
        payload: { ...body(), ...payload },
      });
      return [res.statusCode, (res.json() as { error: { code: string } }).error.code];
    };
    expect(await bad({ schedule: 'tomorrow' })).toEqual([400, 'INVALID_SCHEDULE']);
    expect(await bad({ targets: ['s3://bucket/x'] })).toEqual([
      400,
      'CRAWLER_TARGET_NOT_SUPPORTED',
    ]);
    expect(await bad({ targets: ['file:///etc'] })).toEqual([403, 'EXTERNAL_LOCATION_NOT_ALLOWED']);
  });
});

describe('crawler schedule', () => {
  let home: CrawlerHome;
  let app: FastifyInstance;

  beforeEach(async () => {
    home = await crawlerHome();
    copyInto(RETAIL, ['2010-12-01.csv'], path.join(home.landing, 'retail'));
    app = await buildServer({
      ...home.services,
      config: { ...home.services.config, logLevel: 'silent' },
    });
  });
  afterEach(async () => {
    await app.close();
    await home.close();
  });

  const until = async (check: () => Promise<boolean>) => {
    const deadline = Date.now() + 20_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('runs a due crawler once as its owner, even after many missed times, and survives a failing one', async () => {
    const { crawlers, metastore } = home.services;
    await crawlers.create(home.admin, {
      name: 'daily',
      targets: [`file://${home.landing}`],
      namespace: 'bronze.raw',
      schedule: '0 3 * * *',
    });
    await crawlers.create(home.admin, {
      name: 'broken',
      targets: [`file://${home.landing}`],
      namespace: 'bronze.other',
      schedule: '0 3 * * *',
    });
    // The server was down for three days: many minutes were missed.
    const missed = new Date(Date.now() - 3 * 24 * 3600 * 1000);
    await metastore.crawlers.update('daily', { nextRunAt: missed });
    // Its folder was moved outside the allowed locations since: every run fails.
    await metastore.crawlers.update('broken', { nextRunAt: missed, targets: ['file:///etc'] });

    scheduleCrawlers(app, crawlers, { checkEveryMs: 100 });
    await app.ready();
    await until(async () => {
      const runs = [
        ...(await crawlers.runs(home.admin, 'daily')),
        ...(await crawlers.runs(home.admin, 'broken')),
      ];
      return runs.length === 2 && runs.every((r) => r.status !== 'running');
    });
    await new Promise((r) => setTimeout(r, 500)); // several more checks: nothing else is due

    const [daily] = await crawlers.runs(home.admin, 'daily');
    expect(await crawlers.runs(home.admin, 'daily')).toHaveLength(1);
    expect(daily).toMatchObject({ trigger: 'schedule', runAs: 'admin', status: 'succeeded' });
    const [broken] = await crawlers.runs(home.admin, 'broken');
    expect(broken).toMatchObject({
      trigger: 'schedule',
      status: 'failed',
      error: expect.stringContaining('outside the external locations'),
    });
    const next = new Date((await crawlers.get(home.admin, 'daily')).nextRunAt!);
    // The next run is the next 03:00 UTC, not one of the missed ones.
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3600 * 1000);
    expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual([3, 0]);
  });
});
