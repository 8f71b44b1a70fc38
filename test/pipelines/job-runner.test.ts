import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableIdent } from '../../src/catalog/index.js';
import { RUN_SUMMARY } from '../../src/pipelines/index.js';
import type { JobDefinition } from '../../src/pipelines/index.js';
import { governedHome } from '../catalog/governed-home.js';
import type { GovernedHome } from '../catalog/governed-home.js';
import { jobKit, jobOf } from './job-home.js';
import type { JobKit } from './job-home.js';

const ORDERS: TableIdent = { namespace: ['bronze', 'shop'], name: 'orders' };

describe('JobRunner: one job into silver or gold', () => {
  let home: GovernedHome;
  let kit: JobKit;

  const rows = async (sql: string): Promise<unknown[][]> =>
    (await home.services.query.execute(home.admin, sql)).rows;
  const snapshotOf = async (target: TableIdent): Promise<string | null> =>
    (await home.services.catalog.describeTable(target)).currentSnapshotId;
  const job = (fields: Partial<JobDefinition> & Pick<JobDefinition, 'name' | 'target'>) =>
    jobOf({ sql: 'SELECT * FROM bronze.shop.orders', runAs: 'admin', ...fields });

  beforeAll(async () => {
    home = await governedHome();
    kit = jobKit(home);
    await home.services.governed.createNamespace(home.admin, ['bronze', 'shop']);
    await home.services.governed.createTable(home.admin, ORDERS, {
      columns: [
        { name: 'id', type: 'long' },
        { name: 'customer', type: 'string' },
        { name: 'qty', type: 'int' },
        { name: 'updated', type: 'int' },
      ],
    });
    await home.append(
      ORDERS,
      `SELECT * FROM (VALUES (1, 'ann', 2, 1), (2, 'bob', 5, 1), (3, NULL, -1, 1)) t(id, customer, qty, updated)`,
    );
  });

  afterAll(async () => {
    await home?.close();
  });

  it('append creates the target with the result schema, records the run and adds rows on each run', async () => {
    const target = { namespace: ['silver', 'shop'], name: 'orders_log' };
    const definition = job({ name: 'orders_log', target: 'silver.shop.orders_log', version: 3 });
    const bronzeSnapshot = await snapshotOf(ORDERS);
    const first = await kit.runner.run(home.admin, definition, 'run-1');
    expect(first).toMatchObject({
      status: 'succeeded',
      rowsRead: 3,
      rowsWritten: 3,
      rowsRejected: 0,
      sources: [{ table: 'bronze.shop.orders', snapshotId: bronzeSnapshot }],
      sql: 'SELECT * FROM bronze.shop.orders',
      quality: null,
      error: null,
    });
    expect(first.targetSnapshotId).toBe(await snapshotOf(target));
    await kit.runner.run(home.admin, definition, 'run-2');
    expect(await rows('SELECT count(*) FROM silver.shop.orders_log')).toEqual([[6]]);

    const description = await home.services.catalog.describeTable(target);
    expect(description.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'long'],
      ['customer', 'string'],
      ['qty', 'int'],
      ['updated', 'int'],
    ]);
    expect(description.properties).toMatchObject({
      transformed_by: 'orders_log@3',
      last_run_id: 'run-2',
      upstream_tables: 'bronze.shop.orders',
      layer: 'silver',
      business_domain: 'shop',
    });
    const [current] = await home.services.catalog.snapshots(target);
    expect(current?.summary).toMatchObject({
      operation: 'append',
      [RUN_SUMMARY.job]: 'orders_log',
      [RUN_SUMMARY.version]: '3',
      [RUN_SUMMARY.runId]: 'run-2',
      [RUN_SUMMARY.sources]: JSON.stringify({ 'bronze.shop.orders': bronzeSnapshot }),
    });
    expect(kit.lineage.runs.filter((r) => r.runId === 'run-1').map((r) => r.eventType)).toEqual([
      'START',
      'COMPLETE',
    ]);
    const complete = kit.lineage.runs.find(
      (r) => r.runId === 'run-1' && r.eventType === 'COMPLETE',
    );
    expect(complete?.inputs).toEqual([{ table: 'bronze.shop.orders', snapshotId: bronzeSnapshot }]);
    expect(complete?.schema.map((c) => c.name)).toEqual(['id', 'customer', 'qty', 'updated']);
    // The SELECT ran as a governed query of the job's principal, and the run is its own event.
    const actions = (await home.events(home.admin.principal.name)).map((e) => e.action);
    expect(actions).toContain('job.run');
    expect(actions).toContain('query');
  });

  it('overwrite replaces every row in one snapshot per run', async () => {
    const target = { namespace: ['gold', 'shop'], name: 'per_customer' };
    const definition = job({
      name: 'per_customer',
      target: 'gold.shop.per_customer',
      mode: 'overwrite',
      sql: 'SELECT customer, sum(qty) AS qty FROM bronze.shop.orders WHERE customer IS NOT NULL GROUP BY customer',
    });
    await kit.runner.run(home.admin, definition, 'o-1');
    const second = await kit.runner.run(home.admin, definition, 'o-2');
    expect(second).toMatchObject({ status: 'succeeded', rowsRead: 2, rowsWritten: 2 });
    expect(
      await rows('SELECT customer, qty FROM gold.shop.per_customer ORDER BY customer'),
    ).toEqual([
      ['ann', 2],
      ['bob', 5],
    ]);
    const snapshots = await home.services.catalog.snapshots(target);
    expect(snapshots.map((s) => s.operation)).toEqual(['overwrite', 'overwrite']);
    expect(snapshots[0]?.summary['total-records']).toBe('2');
  });

  it('merge upserts on keys: rows with known keys are replaced, the others added', async () => {
    const target = { namespace: ['silver', 'shop'], name: 'orders_current' };
    const definition = job({
      name: 'orders_current',
      target: 'silver.shop.orders_current',
      mode: 'merge',
      keys: ['id'],
      dedupe: true,
      dedupeOrderBy: 'updated',
      sql: 'SELECT id, customer, qty, updated FROM bronze.shop.orders',
    });
    expect((await kit.runner.run(home.admin, definition, 'm-1')).rowsWritten).toBe(3);
    // A later version of order 2 and a new order 4 arrive in the source.
    await home.append(
      ORDERS,
      `SELECT * FROM (VALUES (2, 'bob', 7, 2), (4, 'cy', 1, 1)) t(id, customer, qty, updated)`,
    );
    const merged = await kit.runner.run(home.admin, definition, 'm-2');
    expect(merged).toMatchObject({ status: 'succeeded', rowsRead: 5, rowsWritten: 4 });
    expect(
      await rows('SELECT id, qty, updated FROM silver.shop.orders_current ORDER BY id'),
    ).toEqual([
      [1, 2, 1],
      [2, 7, 2],
      [3, -1, 1],
      [4, 1, 1],
    ]);
    const [latest] = await home.services.catalog.snapshots(target);
    expect(latest?.operation).toBe('overwrite');
  });

  it('a merge without dedupe refuses a result whose keys repeat, leaving the target alone', async () => {
    const definition = job({
      name: 'orders_current',
      target: 'silver.shop.orders_current',
      mode: 'merge',
      keys: ['id'],
    });
    const target = { namespace: ['silver', 'shop'], name: 'orders_current' };
    const before = await snapshotOf(target);
    const outcome = await kit.runner.run(home.admin, definition, 'm-3');
    expect(outcome.status).toBe('failed');
    expect(outcome.error?.code).toBe('DUPLICATE_MERGE_KEYS');
    expect(outcome.targetSnapshotId).toBeNull();
    expect(await snapshotOf(target)).toBe(before);
  });

  it('dedupe keeps the last row per key by dedupeOrderBy', async () => {
    const outcome = await kit.runner.run(
      home.admin,
      job({
        name: 'orders_latest',
        target: 'silver.shop.orders_latest',
        mode: 'overwrite',
        keys: ['id'],
        dedupe: true,
        dedupeOrderBy: 'updated',
      }),
      'd-1',
    );
    // rows read are the SELECT's rows before deduplication.
    expect(outcome).toMatchObject({ status: 'succeeded', rowsRead: 5, rowsWritten: 4 });
    expect(await rows('SELECT id, qty FROM silver.shop.orders_latest ORDER BY id')).toEqual([
      [1, 2],
      [2, 7],
      [3, -1],
      [4, 1],
    ]);
    const refused = await kit.runner.run(
      home.admin,
      job({
        name: 'orders_latest',
        target: 'silver.shop.orders_latest',
        mode: 'overwrite',
        keys: ['id'],
        dedupe: true,
        dedupeOrderBy: "(SELECT 1 FROM read_csv('/etc/passwd'))",
      }),
      'd-2',
    );
    expect(refused.error?.code).toBe('INVALID_DEDUPE_ORDER');
  });

  it('schema evolution adds new columns; an incompatible type is refused and changes nothing', async () => {
    const target = { namespace: ['silver', 'shop'], name: 'evolving' };
    const base = job({
      name: 'evolving',
      target: 'silver.shop.evolving',
      sql: 'SELECT id, qty FROM bronze.shop.orders',
    });
    await kit.runner.run(home.admin, base, 'e-1');
    const wider = await kit.runner.run(
      home.admin,
      {
        ...base,
        version: 2,
        sql: 'SELECT id, qty, upper(customer) AS shout FROM bronze.shop.orders WHERE id = 1',
      },
      'e-2',
    );
    expect(wider.status).toBe('succeeded');
    const columns = (await home.services.catalog.describeTable(target)).columns;
    expect(columns.map((c) => `${c.name} ${c.type}`)).toEqual([
      'id long',
      'qty int',
      'shout string',
    ]);
    expect(
      await rows('SELECT count(*), count(shout), max(shout) FROM silver.shop.evolving'),
    ).toEqual([[6, 1, 'ANN']]);
    const before = await snapshotOf(target);
    const clash = await kit.runner.run(
      home.admin,
      { ...base, version: 3, sql: "SELECT 'x' || id AS id FROM bronze.shop.orders" },
      'e-3',
    );
    expect(clash.error?.code).toBe('INCOMPATIBLE_COLUMN_TYPE');
    expect(clash.error?.message).toContain('"id"');
    expect(await snapshotOf(target)).toBe(before);
  });

  it('a failing SQL leaves the target unchanged and no staged file behind', async () => {
    const target = { namespace: ['silver', 'shop'], name: 'orders_log' };
    const before = await snapshotOf(target);
    const dataDir = path.join(home.dir, 'warehouse', 'silver', 'shop', 'orders_log', 'data');
    const filesBefore = fs.existsSync(dataDir) ? fs.readdirSync(dataDir).length : 0;
    const outcome = await kit.runner.run(
      home.admin,
      job({
        name: 'orders_log',
        target: 'silver.shop.orders_log',
        sql: "SELECT id, customer, CAST(customer || 'x' AS INTEGER) AS qty, updated FROM bronze.shop.orders",
      }),
      'f-1',
    );
    expect(outcome).toMatchObject({ status: 'failed', targetSnapshotId: null });
    expect(outcome.error?.message).toMatch(/convert|cast/i);
    expect(await snapshotOf(target)).toBe(before);
    expect(fs.existsSync(dataDir) ? fs.readdirSync(dataDir).length : 0).toBe(filesBefore);
    expect(fs.readdirSync(path.join(home.dir, 'tmp', 'jobs'))).toEqual([]);
    const events = kit.lineage.runs.filter((r) => r.runId === 'f-1');
    expect(events.map((e) => e.eventType)).toEqual(['START', 'FAIL']);
    expect(events[1]?.error).toContain(outcome.error?.code);
  });

  it('a job that may not create its target fails before reading, and a new target is not left behind', async () => {
    const clerk = await home.user('clerk');
    // It may see silver.shop, so what it lacks is the right to create there.
    await home.grant(['USAGE'], { kind: 'namespace', path: ['silver', 'shop'] }, clerk);
    await home.grant(['SELECT'], { kind: 'table', path: ['bronze', 'shop', 'orders'] }, clerk);
    const outcome = await kit.runner.run(
      clerk,
      job({ name: 'clerk_copy', target: 'silver.shop.clerk_copy', runAs: 'clerk' }),
      'p-1',
    );
    expect(outcome.status).toBe('failed');
    expect(outcome.error?.code).toBe('PERMISSION_DENIED');
    expect(
      await home.services.catalog.tableExists({
        namespace: ['silver', 'shop'],
        name: 'clerk_copy',
      }),
    ).toBe(false);
  });

  it('the runAs principal reads through its row filter', async () => {
    const analyst = await home.user('ana', ['analysts']);
    await home.services.policies.createDataFilter(home.admin, {
      name: 'big_orders',
      table: ['bronze', 'shop', 'orders'],
      rowPredicate: 'qty > 1',
      grantees: [{ kind: 'group', name: 'analysts' }],
    });
    await home.grant(
      ['CREATE_TABLE', 'USAGE'],
      { kind: 'namespace', path: ['silver', 'shop'] },
      analyst,
    );
    const outcome = await kit.runner.run(
      analyst,
      job({
        name: 'big',
        target: 'silver.shop.big',
        runAs: 'ana',
        sql: 'SELECT id, qty FROM bronze.shop.orders',
      }),
      'r-1',
    );
    expect(outcome).toMatchObject({ status: 'succeeded', rowsRead: 3 });
    expect(await rows('SELECT min(qty) FROM silver.shop.big')).toEqual([[2]]);
  });

  it('lineage that cannot be recorded does not fail the run', async () => {
    kit.lineage.failWith = new Error('lineage store down');
    try {
      const outcome = await kit.runner.run(
        home.admin,
        job({ name: 'lineage_down', target: 'silver.shop.lineage_down' }),
        'l-1',
      );
      expect(outcome.status).toBe('succeeded');
      expect(kit.warnings.some((w) => w.includes('lineage'))).toBe(true);
    } finally {
      kit.lineage.failWith = undefined;
    }
  });

  it('warn rules only record; failing error rules stop the run or set their rows aside', async () => {
    const warned = await kit.runner.run(
      home.admin,
      job({
        name: 'checked',
        target: 'silver.shop.checked',
        quality: {
          ruleset: 'Rules = [ IsComplete "id" ] WarnRules = [ ColumnValues "qty" > 0 ]',
          onFailure: 'stop',
        },
      }),
      'q-1',
    );
    expect(warned).toMatchObject({ status: 'succeeded', rowsWritten: 5, rowsRejected: 0 });
    expect(warned.quality?.status).toBe('warning');
    expect(kit.quality.recorded.at(-1)).toMatchObject({ table: 'silver.shop.checked' });

    const target = { namespace: ['silver', 'shop'], name: 'checked' };
    const before = await snapshotOf(target);
    const strict = job({
      name: 'checked',
      target: 'silver.shop.checked',
      quality: {
        ruleset: 'Rules = [ ColumnValues "qty" > 0, IsComplete "customer" ]',
        onFailure: 'stop',
      },
    });
    const stopped = await kit.runner.run(home.admin, strict, 'q-2');
    expect(stopped).toMatchObject({
      status: 'failed',
      rowsWritten: 0,
      rowsRejected: 5,
      targetSnapshotId: null,
    });
    expect(stopped.error?.code).toBe('QUALITY_GATE_FAILED');
    expect(stopped.quality?.rules.map((r) => r.status)).toEqual(['fail', 'fail']);
    expect(await snapshotOf(target)).toBe(before);

    const routed = await kit.runner.run(
      home.admin,
      { ...strict, quality: { ruleset: strict.quality!.ruleset, onFailure: 'quarantine' } },
      'q-3',
    );
    // Order 3 has no customer and a negative quantity: it fails both rules.
    expect(routed).toMatchObject({ status: 'succeeded', rowsWritten: 4, rowsRejected: 1 });
    expect(
      await rows('SELECT id, _failed_rules, _run_id FROM silver.shop.checked__quarantine'),
    ).toEqual([[3, ['ColumnValues "qty" > 0', 'IsComplete "customer"'], 'q-3']]);
  });

  it('a merge matches a NULL key to the NULL key, and only touches files its keys may be in', async () => {
    const definition = job({
      name: 'per_buyer',
      target: 'gold.shop.per_buyer',
      mode: 'merge',
      keys: ['customer'],
      sql: 'SELECT customer, count(*) AS orders FROM bronze.shop.orders GROUP BY customer',
    });
    await kit.runner.run(home.admin, definition, 'n-1');
    const before = await rows('SELECT customer, orders FROM gold.shop.per_buyer ORDER BY customer');
    await home.append(
      ORDERS,
      `SELECT * FROM (VALUES (9, NULL, 1, 1)) t(id, customer, qty, updated)`,
    );
    const merged = await kit.runner.run(home.admin, definition, 'n-2');
    expect(merged.status).toBe('succeeded');
    const after = await rows('SELECT customer, orders FROM gold.shop.per_buyer ORDER BY customer');
    expect(after).toEqual(
      before.map(([customer, orders]) => [
        customer,
        customer === null ? Number(orders) + 1 : orders,
      ]),
    );
  });

  it('a target outside silver and gold is refused', async () => {
    const outcome = await kit.runner.run(
      home.admin,
      job({ name: 'back', target: 'bronze.shop.back' }),
      'b-1',
    );
    expect(outcome.error?.code).toBe('INVALID_JOB_TARGET');
  });
});
