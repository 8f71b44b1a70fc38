import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectErrorJson, multipart, startTempServer, type TempServer } from './temp-server.js';

const TABLE = 'bronze.shop.orders';
let server: TempServer;

function ordersCsv(): string {
  const lines = ['id,country,quantity'];
  for (let i = 1; i <= 20; i++) lines.push(`${i},${i % 2 === 0 ? 'FR' : 'DE'},${i === 7 ? -1 : i}`);
  return `${lines.join('\n')}\n`;
}

function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) {
  return server.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: server.auth,
    ...(payload === undefined ? {} : { payload }),
  });
}

beforeAll(async () => {
  server = await startTempServer();
  const body = await multipart({ table: TABLE }, [{ name: 'orders.csv', content: ordersCsv() }]);
  const loaded = await server.app.inject({
    method: 'POST',
    url: '/api/v1/ingest',
    headers: { ...server.auth, ...body.headers },
    payload: body.payload,
  });
  expect(loaded.statusCode).toBe(200);
});

afterAll(async () => {
  await server?.close();
});

describe('quality over HTTP', () => {
  it('evaluates inline rules with values, messages and failing rows', async () => {
    const response = await call('POST', `/quality/tables/${TABLE}/evaluate`, {
      rules: 'Rules = [ RowCount = 20, ColumnValues "quantity" > 0, IsUnique "id" ]',
    });
    expect(response.statusCode).toBe(200);
    const result = response.json();
    expect(result).toMatchObject({ table: TABLE, status: 'failed', rowCount: 20, ruleset: null });
    expect(result.score).toBeCloseTo(2 / 3, 9);
    expect(result.rules[1]).toMatchObject({
      status: 'fail',
      value: 0.95,
      message: '1 of 20 rows fail',
    });
    const sample = result.rules[1].failingRows;
    expect(sample.rows).toEqual([expect.arrayContaining([7, 'DE', -1])]);
    expect(result.metrics['null_rate.country']).toBe(0);
  });

  it('stores, reads, replaces and deletes rulesets; evaluates by name; lists runs', async () => {
    const created = await call('POST', `/quality/tables/${TABLE}/rulesets`, {
      name: 'basic',
      ruleset: 'Rules = [ RowCount > 0 ]',
      description: 'smoke',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ name: 'basic', description: 'smoke' });
    expectErrorJson(
      await call('POST', `/quality/tables/${TABLE}/rulesets`, {
        name: 'basic',
        ruleset: 'Rules = [ RowCount > 0 ]',
      }),
      409,
      'QUALITY_RULESET_EXISTS',
    );
    const replaced = await call('PUT', `/quality/tables/${TABLE}/rulesets/basic`, {
      ruleset: 'Rules = [ RowCount = 20 ]',
    });
    expect(replaced.json()).toMatchObject({ ruleset: 'Rules = [ RowCount = 20 ]' });
    expect((await call('GET', `/quality/tables/${TABLE}/rulesets`)).json().rulesets).toHaveLength(
      1,
    );
    expect((await call('GET', `/quality/tables/${TABLE}/rulesets/basic`)).json().name).toBe(
      'basic',
    );

    const evaluated = await call('POST', `/quality/tables/${TABLE}/evaluate`, {
      ruleset: 'basic',
      publish: true,
    });
    expect(evaluated.json()).toMatchObject({ status: 'passed', score: 1, ruleset: 'basic' });
    const runs = (await call('GET', `/quality/tables/${TABLE}/runs?limit=1`)).json().runs;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ rulesetName: 'basic', status: 'passed', rowCount: 20 });
    const described = await call('GET', `/tables/${TABLE}`);
    expect(described.json().properties).toMatchObject({
      quality_score: '1',
      quality_status: 'passed',
    });

    expect((await call('DELETE', `/quality/tables/${TABLE}/rulesets/basic`)).statusCode).toBe(204);
    expectErrorJson(
      await call('GET', `/quality/tables/${TABLE}/rulesets/basic`),
      404,
      'QUALITY_RULESET_NOT_FOUND',
    );
  });

  it('profiles and recommends', async () => {
    const profile = (await call('GET', `/quality/tables/${TABLE}/profile`)).json();
    const quantity = profile.columns.find((c: { name: string }) => c.name === 'quantity');
    expect(quantity).toMatchObject({ nulls: 0, min: -1, max: 20 });
    expect(quantity.histogram).toHaveLength(10);
    const recommended = (await call('GET', `/quality/tables/${TABLE}/recommendation`)).json();
    expect(recommended.ruleset).toContain('IsUnique "id"');
    expect(recommended.ruleset).toContain('ColumnValues "country" in [');
  });

  it('rejects bad DQDL with its line and column, and bad requests', async () => {
    const bad = await call('POST', '/quality/validate', { rules: 'Rules = [\n  IsComplete\n]' });
    expect(expectErrorJson(bad, 400, 'INVALID_DQDL').message).toContain('Line 2, column 3');
    expect(
      (await call('POST', '/quality/validate', { rules: 'Rules = [ RowCount > 0 ]' })).json(),
    ).toEqual({
      valid: true,
    });
    expectErrorJson(
      await call('POST', `/quality/tables/${TABLE}/evaluate`, {}),
      400,
      'QUALITY_RULESET_CHOICE',
    );
    expectErrorJson(
      await call('POST', `/quality/tables/bronze.shop.nope/evaluate`, {
        rules: 'Rules = [ RowCount > 0 ]',
      }),
      404,
      'TABLE_NOT_FOUND',
    );
  });
});
