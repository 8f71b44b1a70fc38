import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, expectFailure, lakeward } from './run-cli.js';

let dir: string;
let home: string;
const run = (...args: string[]) => lakeward(home, ...args);

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'lakeward-cli-jobs-'));
  home = join(dir, 'lakehouse');
  expect(run('init').code).toBe(0);
  for (const [file, table] of [
    ['examples/shop/orders.csv', 'bronze.shop.orders'],
    ['examples/shop/customers.ndjson', 'bronze.shop.customers'],
  ] as const) {
    const loaded = run('ingest', file, '--table', table);
    expect(loaded.code, loaded.stderr).toBe(0);
  }
  for (const namespace of ['silver.shop', 'gold.shop']) {
    expect(run('namespace', 'create', namespace).code).toBe(0);
  }
}, 300_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('lakeward jobs', () => {
  it('applies the example pipelines folder, then finds nothing to change', () => {
    const first = run('jobs', 'apply', 'examples/pipelines/', '--json');
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({
      created: ['gold_customer_value', 'gold_revenue', 'silver_orders'],
      updated: [],
      unchanged: [],
      deleted: [],
    });
    const second = run('jobs', 'apply', 'examples/pipelines/');
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/silver_orders\s+unchanged/);
    const listed = JSON.parse(run('jobs', 'list', '--json').stdout) as { name: string }[];
    expect(listed.map((j) => j.name)).toEqual([
      'gold_customer_value',
      'gold_revenue',
      'silver_orders',
    ]);
  });

  it('runs a job and the jobs after it, and shows their history', () => {
    const ran = run('jobs', 'run', 'silver_orders', '--wait', '--json');
    expect(ran.code, ran.stderr).toBe(0);
    const silver = JSON.parse(ran.stdout) as { status: string; rowsWritten: number };
    expect(silver).toMatchObject({ status: 'succeeded', rowsWritten: 200 });
    // The CLI stays until the downstream runs it queued have ended.
    const revenue = JSON.parse(run('jobs', 'runs', 'gold_revenue', '--json').stdout) as {
      status: string;
      trigger: string;
    }[];
    expect(revenue).toEqual([
      expect.objectContaining({ status: 'succeeded', trigger: 'upstream' }),
    ]);
    const sum = run(
      'query',
      'SELECT round(sum(revenue), 2) AS total FROM gold.shop.revenue',
      '--json',
    );
    const expected = run(
      'query',
      'SELECT round(sum(quantity * unit_price), 2) AS total FROM bronze.shop.orders',
      '--json',
    );
    expect(sum.stdout).toBe(expected.stdout);
    const shown = run('jobs', 'show', 'silver_orders');
    expect(shown.stdout).toMatch(/Downstream:\s+gold_customer_value, gold_revenue/);
    expect(shown.stdout).toMatch(/Last run:\s+succeeded/);
    const history = run('jobs', 'runs', 'silver_orders');
    expect(history.stdout).toMatch(/manual\s+succeeded/);
  });

  it('creates, updates (new version) and deletes a job from flags', () => {
    const created = run(
      'jobs',
      'create',
      'big_orders',
      '--target',
      'silver.shop.big_orders',
      '--mode',
      'overwrite',
      '--sql',
      'SELECT * FROM bronze.shop.orders WHERE quantity >= 3',
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('Created job big_orders (version 1)');
    const updated = run('jobs', 'update', 'big_orders', '--schedule', '0 5 * * *');
    expect(updated.stdout).toMatch(/is at version 2; next run \S+T05:00:00.000Z/);
    const shown = JSON.parse(run('jobs', 'show', 'big_orders', '--history', '--json').stdout) as {
      history: { version: number }[];
    };
    expect(shown.history.map((v) => v.version)).toEqual([2, 1]);
    const queued = run('jobs', 'run', 'big_orders');
    expect(queued.stdout).toMatch(/^Queued run \S+ of big_orders/);
    // The CLI process ran it before it exited.
    const runs = JSON.parse(run('jobs', 'runs', 'big_orders', '--json').stdout) as {
      status: string;
      jobVersion: number;
    }[];
    expect(runs).toEqual([expect.objectContaining({ status: 'succeeded', jobVersion: 2 })]);
    expect(run('jobs', 'delete', 'big_orders').stdout).toContain('Deleted job big_orders');
    expectFailure(run('jobs', 'show', 'big_orders'), 3);
  });

  it('follows a table renamed by another CLI process (no server) into jobs and lineage', () => {
    const renamed = run('table', 'rename', 'bronze.shop.customers', 'bronze.shop.clients');
    expect(renamed.code, renamed.stderr).toBe(0);
    const shown = JSON.parse(run('jobs', 'show', 'gold_customer_value', '--json').stdout) as {
      sql: string;
    };
    expect(shown.sql).toContain('JOIN bronze.shop.clients c ON');
    expect(shown.sql).not.toContain('bronze.shop.customers');
    const lineage = run('lineage', 'bronze.shop.clients', '--downstream', '--json');
    expect(lineage.code, lineage.stderr).toBe(0);
    expect(lineage.stdout).toContain('table:gold.shop.customer_value');
    const ran = run('jobs', 'run', 'gold_customer_value', '--wait', '--json');
    expect(ran.code, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout)).toMatchObject({ status: 'succeeded' });
  });

  it('reports YAML mistakes with their lines and changes nothing', () => {
    const bad = mkdtempSync(join(dir, 'bad-'));
    const file = join(bad, 'job.yaml');
    writeFileSync(
      file,
      'name: oops\ntarget: bronze.shop.x\nmode: append\nsql: SELECT 1\nretry: 3\n',
    );
    const failed = run('jobs', 'apply', bad);
    const stderr = expectFailure(failed, 2);
    expect(stderr).toContain(`${file}:2:1: the target "bronze.shop.x" is not in silver or gold`);
    expect(stderr).toContain(`${file}:5:1: unknown key "retry"`);
  });
});
