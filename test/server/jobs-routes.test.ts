import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TableIdent } from '../../src/catalog/index.js';
import { appendQuery, openSession } from '../../src/engine/index.js';
import { buildServer } from '../../src/server/index.js';
import { scheduleJobs } from '../../src/server/job-schedule.js';
import { expectErrorJson, startTempServer } from './temp-server.js';
import type { TempServer } from './temp-server.js';

const ORDERS: TableIdent = { namespace: ['bronze', 'shop'], name: 'orders' };

let server: TempServer;

beforeEach(async () => {
  server = await startTempServer();
  const { catalog } = server.services;
  for (const ns of [
    ['bronze', 'shop'],
    ['silver', 'shop'],
    ['gold', 'shop'],
  ]) {
    await catalog.createNamespace(ns);
  }
  await catalog.createTable(ORDERS, {
    columns: [
      { name: 'id', type: 'long' },
      { name: 'amount', type: 'long' },
    ],
  });
  const tempDir = path.join(server.home, 'tmp');
  const session = await openSession({ memoryLimit: '256MB', tempDir });
  try {
    await appendQuery(
      session,
      await catalog.loadTable(ORDERS),
      'SELECT * FROM (VALUES (1, 10), (2, 20), (3, -5)) t(id, amount)',
      { tempDir, targetFileSizeBytes: 1024 ** 2 },
    );
  } finally {
    session.close();
  }
});

afterEach(async () => {
  await server.services.jobs.runs.idle();
  await server.close();
});

const clean = {
  name: 'clean',
  target: 'silver.shop.orders_clean',
  mode: 'append',
  sql: 'SELECT id, amount FROM bronze.shop.orders WHERE amount > 0',
};
const totals = {
  name: 'totals',
  target: 'gold.shop.totals',
  mode: 'overwrite',
  sql: 'SELECT sum(amount) AS total FROM silver.shop.orders_clean',
  after: ['clean'],
};

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  server.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: server.auth,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('jobs API', () => {
  it('creates, changes, runs and deletes a job, with its history', async () => {
    const created = await api('POST', '/jobs', clean);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ name: 'clean', version: 1, owner: 'admin' });
    expect((await api('POST', '/jobs', totals)).statusCode).toBe(201);

    const patched = await api('PATCH', '/jobs/clean', { description: 'positive orders' });
    expect(patched.json()).toMatchObject({ version: 2, description: 'positive orders' });
    const versions = await api('GET', '/jobs/clean/versions');
    expect(versions.json().versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);

    const ran = await api('POST', '/jobs/clean/run?wait=true');
    expect(ran.statusCode, ran.body).toBe(200);
    expect(ran.json()).toMatchObject({ status: 'succeeded', rowsWritten: 2, jobVersion: 2 });
    expect(ran.json().sources).toEqual([
      { table: 'bronze.shop.orders', snapshotId: expect.any(String) },
    ]);
    await server.services.jobs.runs.idle();

    const runs = await api('GET', '/jobs/totals/runs');
    expect(runs.json().runs).toEqual([
      expect.objectContaining({ status: 'succeeded', trigger: 'upstream' }),
    ]);
    const one = await api('GET', `/jobs/runs/${ran.json().id as string}`);
    expect(one.json()).toMatchObject({ id: ran.json().id, job: 'clean' });

    const shown = await api('GET', '/jobs/clean');
    expect(shown.json()).toMatchObject({
      downstream: ['totals'],
      upstream: [],
      lastRun: { status: 'succeeded' },
    });
    expect((await api('GET', '/jobs')).json().jobs).toHaveLength(2);

    expectErrorJson(await api('DELETE', '/jobs/clean'), 409, 'JOB_HAS_DOWNSTREAM');
    expect((await api('DELETE', '/jobs/totals')).statusCode).toBe(204);
    expectErrorJson(await api('GET', '/jobs/totals'), 404, 'JOB_NOT_FOUND');
  });

  it('applies YAML text and reports its mistakes by line', async () => {
    const yaml = `name: clean\ntarget: ${clean.target}\nmode: append\nsql: ${clean.sql}\n`;
    const applied = await api('POST', '/jobs/apply', {
      files: [{ path: 'clean.yaml', text: yaml }],
      source: 'pipelines',
    });
    expect(applied.statusCode, applied.body).toBe(200);
    expect(applied.json()).toEqual({ created: ['clean'], updated: [], unchanged: [], deleted: [] });

    const bad = await api('POST', '/jobs/apply', {
      files: [{ path: 'clean.yaml', text: yaml.replace('mode: append', 'mode: replace') }],
      source: 'pipelines',
    });
    expectErrorJson(bad, 400, 'INVALID_JOB_FILE');
    expect(bad.json().error.message).toContain('clean.yaml:3:1: unknown mode "replace"');
  });

  it('refuses a definition with every issue listed', async () => {
    const bad = await api('POST', '/jobs', { ...clean, mode: 'merge', schedule: 'daily' });
    expectErrorJson(bad, 400, 'INVALID_JOB');
    const message = bad.json().error.message as string;
    expect(message).toContain('mode merge needs key columns');
    expect(message).toContain('"daily" is not a cron expression');
  });
});

describe('job scheduler', () => {
  it('runs a missed schedule once, then the jobs after it, and keeps going after a failure', async () => {
    const { jobs, metastore } = server.services;
    const admin = {
      principal: await server.services.auth.localAdmin(),
      context: { channel: 'cli' as const },
    };
    await api('POST', '/jobs', { ...clean, schedule: '0 3 * * *' });
    await api('POST', '/jobs', totals);
    await api('POST', '/jobs', {
      ...clean,
      name: 'broken',
      sql: 'SELECT * FROM bronze.shop.gone',
      schedule: '0 3 * * *',
    });
    // The server was down for three days.
    const missed = new Date(Date.now() - 3 * 24 * 3600 * 1000);
    for (const name of ['clean', 'broken']) {
      const job = await metastore.pipelines.get(name);
      expect(await metastore.pipelines.claimSchedule(name, job!.nextRunAt!, missed)).toBe(true);
    }

    // A server of its own: the one above already answered requests, so it cannot take hooks.
    const app = await buildServer({
      ...server.services,
      config: { ...server.services.config, logLevel: 'silent' },
    });
    scheduleJobs(app, jobs, { checkEveryMs: 100 });
    await app.ready();
    await until(async () => {
      const runs = [
        ...(await jobs.runHistory(admin, 'totals')),
        ...(await jobs.runHistory(admin, 'broken')),
      ];
      return (
        runs.length === 2 && runs.every((r) => r.status !== 'queued' && r.status !== 'running')
      );
    });
    await new Promise((r) => setTimeout(r, 500)); // several more checks: nothing else is due

    const cleanRuns = await jobs.runHistory(admin, 'clean');
    expect(cleanRuns).toEqual([
      expect.objectContaining({ trigger: 'schedule', status: 'succeeded' }),
    ]);
    expect(await jobs.runHistory(admin, 'totals')).toEqual([
      expect.objectContaining({ trigger: 'upstream', status: 'succeeded' }),
    ]);
    const [broken] = await jobs.runHistory(admin, 'broken');
    expect(broken).toMatchObject({ trigger: 'schedule', status: 'failed' });
    const next = new Date((await jobs.show(admin, 'clean')).nextRunAt!);
    // The next run is the next 03:00 UTC, not one of the missed ones.
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual([3, 0]);
    await app.close();
  });
});
