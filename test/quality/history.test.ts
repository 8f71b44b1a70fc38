import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSession } from '../../src/engine/index.js';
import type { GovernedHome } from '../catalog/governed-home.js';
import { ORDERS, shopHome } from './quality-home.js';

let home: GovernedHome;

beforeAll(async () => {
  home = await shopHome();
}, 60_000);

afterAll(async () => {
  await home?.close();
});

const ORDERS_PATH = [...ORDERS.namespace, ORDERS.name];

describe('rulesets, history and DetectAnomalies', () => {
  it('stores rulesets per table, evaluates one by name, and keeps each evaluation', async () => {
    const { quality } = home.services;
    const steward = await home.user('steward');
    await home.grant(
      ['SELECT', 'DESCRIBE', 'ALTER'],
      { kind: 'table', path: ORDERS_PATH },
      steward,
    );
    const rules =
      'Rules = [ RowCount > 0, IsComplete "id" ]\nWarnRules = [ DetectAnomalies "RowCount" ]';
    await quality.createRuleset(steward, ORDERS, { name: 'orders_checks', ruleset: rules });
    await expect(
      quality.createRuleset(steward, ORDERS, { name: 'orders_checks', ruleset: rules }),
    ).rejects.toMatchObject({ code: 'QUALITY_RULESET_EXISTS' });
    await expect(
      quality.createRuleset(steward, ORDERS, { name: 'broken', ruleset: 'Rules = [ Nope ]' }),
    ).rejects.toMatchObject({ code: 'INVALID_DQDL' });
    expect((await quality.listRulesets(steward, ORDERS)).map((r) => r.name)).toEqual([
      'orders_checks',
    ]);

    // Three evaluations at 10 rows build the history; the band is then 10 ± 0.
    for (let i = 0; i < 3; i++) {
      const r = await quality.evaluate(steward, ORDERS, { name: 'orders_checks' });
      expect(r.rules[2]).toMatchObject({ status: 'pass', value: 10 });
      expect(r.rules[2]!.message).toContain(`${i} earlier evaluation(s), 3 are needed`);
      expect(r.ruleset).toBe('orders_checks');
    }
    const steady = await quality.evaluate(steward, ORDERS, { name: 'orders_checks' });
    expect(steady.rules[2]).toMatchObject({ status: 'pass' });
    expect(steady.rules[2]!.message).toContain('mean ± 3σ of the last 3 evaluations');

    await home.append(ORDERS, 'SELECT 11::BIGINT AS id, 100::BIGINT AS customer_id');
    const jumped = await quality.evaluate(steward, ORDERS, { name: 'orders_checks' });
    expect(jumped.rules[2]).toMatchObject({ status: 'fail', value: 11, severity: 'warn' });
    expect(jumped.status).toBe('warning');

    const runs = await quality.runs(steward, ORDERS, 10);
    expect(runs.map((r) => r.rowCount)).toEqual([11, 10, 10, 10, 10]);
    expect(runs[0]).toMatchObject({
      evaluatedBy: 'steward',
      rulesetName: 'orders_checks',
      status: 'warning',
    });
    expect(runs[0]!.snapshotId).toBe(jumped.snapshotId);
    expect(runs[0]!.metrics['RowCount']).toBe(11);

    await quality.updateRuleset(steward, ORDERS, 'orders_checks', {
      ruleset: 'Rules = [ RowCount = 11 ]',
    });
    expect((await quality.getRuleset(steward, ORDERS, 'orders_checks')).ruleset).toBe(
      'Rules = [ RowCount = 11 ]',
    );
    await quality.deleteRuleset(steward, ORDERS, 'orders_checks');
    await expect(
      quality.evaluate(steward, ORDERS, { name: 'orders_checks' }),
    ).rejects.toMatchObject({
      code: 'QUALITY_RULESET_NOT_FOUND',
    });
  });

  it('a reader may evaluate but not store rulesets; the refusal is audited', async () => {
    const reader = await home.user('orders_reader');
    await home.grant(['SELECT'], { kind: 'table', path: ORDERS_PATH }, reader);
    await expect(
      home.services.quality.createRuleset(reader, ORDERS, {
        name: 'mine',
        ruleset: 'Rules = [ RowCount > 0 ]',
      }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/PERMISSION|DENIED/) });
    const events = await home.events('orders_reader', 'quality.ruleset.create');
    expect(events.map((e) => e.decision)).toEqual(['deny']);
  });

  it('publish sets quality_score, quality_status and null_rate.<column> on the table', async () => {
    const { quality, governed } = home.services;
    await quality.evaluate(
      home.admin,
      ORDERS,
      { text: 'Rules = [ IsComplete "id", IsComplete "customer_id" ]' },
      { publish: true },
    );
    const props = (await governed.describeTable(home.admin, ORDERS)).properties;
    expect(props['quality_score']).toBe('0.5');
    expect(props['quality_status']).toBe('failed');
    expect(props['null_rate.customer_id']).toBe(String(Math.round((1 / 11) * 10_000) / 10_000));
    expect(props['null_rate.id']).toBe('0');
  });
});

describe('the quality gate of a job', () => {
  it('evaluates staged Parquet files as the target, reads other tables as the caller, and records', async () => {
    const { quality, catalog, governed } = home.services;
    const staged = path.join(home.dir, 'tmp', 'staged-orders.parquet');
    const session = await openSession({
      memoryLimit: '256MB',
      tempDir: path.join(home.dir, 'tmp'),
    });
    try {
      await session.run(
        `COPY (SELECT i::BIGINT AS id, (99 + i)::BIGINT AS customer_id, 'FR' AS country, i::INTEGER AS quantity,
                      1.5::DOUBLE AS price, NULL::VARCHAR AS email, TIMESTAMP '2024-02-01' AS ordered_at
               FROM range(1, 5) r(i)) TO '${staged}' (FORMAT PARQUET)`,
      );
    } finally {
      session.close();
    }
    const schema = (await catalog.loadTable(ORDERS)).schema();
    const ruleset = `Rules = [
      RowCount = 4,
      IsComplete "email",
      ReferentialIntegrity "customer_id" "silver.shop.customers.customer_id" = 1.0,
      ColumnValues "quantity" <= 3
    ]`;
    const result = await quality.evaluateStaged(home.admin, {
      target: ORDERS,
      files: [staged],
      schema,
      ruleset,
    });
    expect(result.rules.map((r) => r.status)).toEqual(['pass', 'fail', 'pass', 'fail']);
    expect(result.snapshotId).toBeNull();
    expect(result.rules[3]!.failingRows!.rows).toHaveLength(1);
    expect(result.metrics?.['null_rate.email']).toBe(1);
    const before = (await quality.runs(home.admin, ORDERS, 100)).length;

    await quality.record(home.admin, ORDERS, result);
    expect((await quality.runs(home.admin, ORDERS, 100)).length).toBe(before + 1);
    const props = (await governed.describeTable(home.admin, ORDERS)).properties;
    expect(props['quality_status']).toBe('failed');
    expect(props['null_rate.email']).toBe('1');
    const recorded = (await quality.runs(home.admin, ORDERS, 1))[0]!;
    expect(recorded.metrics).toMatchObject({ 'job.RowCount': 4, 'job.null_rate.email': 1 });
    expect(recorded.metrics['RowCount']).toBeUndefined();

    // A job's DetectAnomalies compares with earlier job runs only, not with table evaluations.
    const next = await quality.evaluateStaged(home.admin, {
      target: ORDERS,
      files: [staged],
      schema,
      ruleset: 'Rules = [ DetectAnomalies "RowCount" ]',
    });
    expect(next.rules[0]!.message).toContain('1 earlier evaluation(s)');
    expect(fs.existsSync(staged)).toBe(true);
  });

  it('rowRules gives the conditions a quarantine splits rows by', () => {
    const rules = home.services.quality.rowRules(`Rules = [
      IsComplete "customer_id",
      ColumnValues "quantity" > 0 where "country = 'FR'",
      RowCount > 0,
      ColumnValues "quantity" > 0 with threshold > 0.9,
      (IsComplete "id") and (ColumnLength "country" = 2)
    ]
    WarnRules = [ ColumnValues "country" in ["FR", "DE"] ]`);
    expect(rules.map((r) => [r.rule, r.severity])).toEqual([
      ['IsComplete "customer_id"', 'error'],
      [`ColumnValues "quantity" > 0 where "country = 'FR'"`, 'error'],
      ['(IsComplete "id") and (ColumnLength "country" = 2)', 'error'],
      ['ColumnValues "country" in ["FR", "DE"]', 'warn'],
    ]);
  });

  it('rowRules conditions split the rows exactly as the evaluation counts them', async () => {
    const rules = home.services.quality.rowRules(
      'Rules = [ IsComplete "customer_id", ColumnValues "quantity" > 0 where "country = \'UK\'" ]',
    );
    const failing = await home.services.query.execute(
      home.admin,
      `SELECT id FROM silver.shop.orders WHERE NOT (${rules.map((r) => r.condition).join(' AND ')}) ORDER BY id`,
    );
    expect(failing.rows.map((r) => Number(r[0]))).toEqual([4, 5]);
  });
});
