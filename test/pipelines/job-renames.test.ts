import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLEAN, ORDERS, job, jobsHome } from './jobs-fixture.js';
import type { JobsHome } from './jobs-fixture.js';

let home: JobsHome;

beforeEach(async () => {
  home = await jobsHome();
});

afterEach(async () => {
  await home.jobs.runs.idle();
  await home.close();
});

async function downstreamOf(table: string): Promise<string[]> {
  const graph = await home.services.lineage.graph(home.admin, {
    table,
    direction: 'downstream',
    depth: 3,
  });
  return graph.edges.filter((e) => e.fromColumn === undefined).map((e) => `${e.from} -> ${e.to}`);
}

describe('jobs and lineage follow table renames', () => {
  it('rewrites the SQL of a job whose source is renamed; its lineage moves with it', async () => {
    await home.jobs.create(home.admin, job('clean'));
    expect((await home.jobs.run(home.admin, 'clean', { wait: true })).status).toBe('succeeded');
    await home.services.governed.renameTable(home.admin, ORDERS, {
      namespace: ['bronze', 'shop'],
      name: 'orders_v2',
    });
    const shown = await home.jobs.show(home.admin, 'clean');
    expect(shown.sql).toBe('SELECT id, amount FROM bronze.shop.orders_v2 WHERE amount > 0');
    expect(shown.version).toBe(2);
    const [latest] = await home.jobs.history(home.admin, 'clean');
    expect(latest?.changedBy).toBe('rename of bronze.shop.orders to bronze.shop.orders_v2');
    expect(await downstreamOf('bronze.shop.orders_v2')).toContain(
      'table:bronze.shop.orders_v2 -> job:lakeward/clean',
    );
    const run = await home.jobs.run(home.admin, 'clean', { wait: true });
    expect(run.status).toBe('succeeded');
    expect(run.sources.map((s) => s.table)).toEqual(['bronze.shop.orders_v2']);
  });

  it('moves the target of a job whose target (or its namespace) is renamed', async () => {
    await home.jobs.create(home.admin, job('clean'));
    await home.services.governed.renameTable(home.admin, CLEAN, {
      namespace: ['silver', 'shop'],
      name: 'orders_ok',
    });
    expect((await home.jobs.show(home.admin, 'clean')).target).toBe('silver.shop.orders_ok');
    await home.services.governed.renameNamespace(
      home.admin,
      ['bronze', 'shop'],
      ['bronze', 'store'],
    );
    const shown = await home.jobs.show(home.admin, 'clean');
    expect(shown.sql).toBe('SELECT id, amount FROM bronze.store.orders WHERE amount > 0');
    const run = await home.jobs.run(home.admin, 'clean', { wait: true });
    expect(run.status).toBe('succeeded');
    const rows = await home.services.query.execute(
      home.admin,
      'SELECT id FROM silver.shop.orders_ok ORDER BY id',
    );
    expect(rows.rows).toEqual([[1], [2]]);
  });

  it('marks a job it cannot rewrite: runs fail saying what was renamed until the job is fixed', async () => {
    await home.jobs.create(
      home.admin,
      job('clean', {
        sql: 'SELECT bronze.shop.orders.id, amount FROM bronze.shop.orders WHERE amount > 0',
      }),
    );
    await home.services.governed.renameTable(home.admin, ORDERS, {
      namespace: ['bronze', 'shop'],
      name: 'orders_v2',
    });
    const shown = await home.jobs.show(home.admin, 'clean');
    expect(shown.renameProblem?.message).toContain(
      'table bronze.shop.orders was renamed to bronze.shop.orders_v2',
    );
    const failed = await home.jobs.run(home.admin, 'clean', { wait: true });
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('JOB_TABLE_RENAMED');
    expect(failed.error?.message).toContain(
      'bronze.shop.orders was renamed to bronze.shop.orders_v2',
    );
    const fixed = await home.jobs.update(home.admin, 'clean', {
      sql: 'SELECT id, amount FROM bronze.shop.orders_v2 WHERE amount > 0',
    });
    expect(fixed.renameProblem).toBeUndefined();
    expect((await home.jobs.run(home.admin, 'clean', { wait: true })).status).toBe('succeeded');
  });

  it('marks a job whose target is renamed out of silver and gold', async () => {
    await home.jobs.create(home.admin, job('clean'));
    await home.services.governed.renameTable(home.admin, CLEAN, {
      namespace: ['bronze', 'shop'],
      name: 'orders_clean',
    });
    const shown = await home.jobs.show(home.admin, 'clean');
    expect(shown.target).toBe('bronze.shop.orders_clean');
    expect(shown.renameProblem?.message).toContain('outside silver and gold');
  });
});
