import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QualityResult, RuleResult } from '../../src/quality/index.js';
import type { GovernedHome } from '../catalog/governed-home.js';
import { CUSTOMERS, ORDERS, countingQuality, shopHome } from './quality-home.js';

let home: GovernedHome;

beforeAll(async () => {
  home = await shopHome();
}, 60_000);

afterAll(async () => {
  await home?.close();
});

async function evaluate(rules: string[]): Promise<QualityResult> {
  const text = `Rules = [\n${rules.join(',\n')}\n]`;
  return home.services.quality.evaluate(home.admin, ORDERS, { text });
}

/** Each rule alone in its own ruleset would hide interactions; all go in one ruleset. */
const cases: [rule: string, status: RuleResult['status'], value?: number | string][] = [
  ['RowCount = 10', 'pass', 10],
  ['RowCount > 10', 'fail', 10],
  ['Completeness "customer_id" >= 0.9', 'pass', 0.9],
  ['Completeness "customer_id" > 0.9', 'fail', 0.9],
  ['IsComplete "id"', 'pass', 1],
  ['IsComplete "customer_id"', 'fail', 0.9],
  ['IsComplete "customer_id" where "id <> 4"', 'pass', 1],
  ['Uniqueness "id" = 1.0', 'pass', 1],
  ['Uniqueness "customer_id" between 0.7 and 0.8', 'pass', 7 / 9],
  ['Uniqueness "customer_id" = 1', 'fail', 7 / 9],
  // A where clause decides which rows count as repeats: without row 10, 107 occurs once.
  ['Uniqueness "customer_id" = 1 where "id <> 10"', 'pass', 1],
  ['Uniqueness "country" < 0.5 where "id <= 3"', 'pass', 1 / 3],
  ['IsUnique "id"', 'pass', 1],
  ['IsUnique "customer_id"', 'fail', 8 / 9],
  ['IsPrimaryKey "id"', 'pass', 1],
  ['IsPrimaryKey "country" "quantity"', 'fail'],
  ['IsPrimaryKey "id" "country"', 'pass'],
  ['ColumnValues "country" in ["FR", "DE", "UK"]', 'pass', 1],
  ['ColumnValues "country" not in ["UK"]', 'fail', 0.7],
  ['ColumnValues "quantity" > 0', 'fail', 0.9],
  ['ColumnValues "quantity" > 0 with threshold >= 0.9', 'pass', 0.9],
  ['ColumnValues "quantity" between 1 and 5 with threshold > 0.95', 'fail', 0.9],
  ['ColumnValues "email" matches "[a-z]+@x[.]com"', 'fail', 0.9],
  ['ColumnValues "email" matches "[a-z]+@x[.]com" where "id <> 5"', 'pass', 1],
  ['ColumnLength "country" = 2', 'pass', 1],
  ['ColumnLength "email" = 7', 'fail', 0.9],
  ['ColumnExists "email"', 'pass', 1],
  ['ColumnExists "phone"', 'fail', 0],
  ['ColumnDataType "quantity" = "INTEGER"', 'pass', 'INTEGER'],
  ['ColumnDataType "price" in ["STRING", "INTEGER"]', 'fail', 'DOUBLE'],
  ['Mean "price" = 15', 'pass', 15],
  ['Mean "price" = 11.25 where "country = \'FR\'"', 'pass', 11.25],
  ['Sum "quantity" = 22', 'pass', 22],
  ['Sum "quantity" < 22', 'fail', 22],
  ['StandardDeviation "price" between 8.49 and 8.5', 'pass', Math.sqrt(650 / 9)],
  ['DistinctValuesCount "country" = 3', 'pass', 3],
  ['DistinctValuesCount "customer_id" > 8', 'fail', 8],
  ['UniqueValueRatio "customer_id" = 0.875', 'pass', 0.875],
  ['UniqueValueRatio "country" = 0.5 where "id <= 3"', 'pass', 0.5],
  ['UniqueValueRatio "country" > 0', 'fail', 0],
  ['Entropy "country" between 1.57 and 1.58', 'pass'],
  ['DataFreshness "ordered_at" <= 24 hours', 'fail', 0],
  ['DataFreshness "ordered_at" <= 36500 days', 'pass', 1],
  ['ReferentialIntegrity "customer_id" "silver.shop.customers.customer_id" = 1.0', 'fail', 7 / 9],
  ['ReferentialIntegrity "customer_id" "silver.shop.customers.customer_id" >= 0.7', 'pass', 7 / 9],
  ['CustomSql "select count(*) from primary where quantity < 0" = 1', 'pass', 1],
  ['CustomSql "select max(price) from primary" < 30', 'fail', 30],
  ['RowCountMatch "silver.shop.customers" between 1.42 and 1.43', 'pass', 10 / 7],
  ['RowCountMatch "silver.shop.customers" = 1', 'fail', 10 / 7],
  [
    'AggregateMatch "count(customer_id)" "count(silver.shop.customers.customer_id)" >= 1.2',
    'pass',
    9 / 7,
  ],
  ['AggregateMatch "sum(quantity)" "sum(silver.shop.customers.customer_id)" > 0.5', 'fail'],
  ['SchemaMatch "silver.shop.customers" < 0.5', 'pass', 1 / 8],
  ['SchemaMatch "silver.shop.customers" = 1.0', 'fail', 1 / 8],
  ['(IsComplete "id") and (ColumnValues "quantity" > 0)', 'fail'],
  ['(IsComplete "id") or (ColumnValues "quantity" > 0)', 'pass'],
  ['IsComplete "nope"', 'error'],
  ['Mean "price" > 0 where "no_such_column > 1"', 'error'],
];

describe('each DQDL rule on a table of known data', () => {
  let result: QualityResult;
  beforeAll(async () => {
    result = await evaluate(cases.map(([rule]) => rule));
  }, 60_000);

  it.each(cases.map((c, i) => [c[0], c[1], c[2], i] as const))(
    '%s → %s',
    (rule, status, value, i) => {
      const got = result.rules[i]!;
      expect(got.rule).toBe(rule);
      expect(got.line).toBe(i + 2);
      expect({ status: got.status, message: got.message }).toMatchObject({ status });
      if (typeof value === 'number') expect(Number(got.value)).toBeCloseTo(value, 6);
      else if (value !== undefined) expect(got.value).toBe(value);
    },
  );

  it('scores passed ÷ evaluated, without the rules in error, and fails on an error rule', () => {
    const evaluated = cases.filter((c) => c[1] !== 'error');
    const passed = cases.filter((c) => c[1] === 'pass').length;
    expect(result.score).toBeCloseTo(passed / evaluated.length, 9);
    expect(result.status).toBe('failed');
    expect(result.rowCount).toBe(10);
    expect(result.metrics?.['null_rate.customer_id']).toBeCloseTo(0.1, 9);
  });

  it('shows the failing rows of row-level rules', () => {
    const rowsOf = (rule: string) => {
      const got = result.rules.find((r) => r.rule === rule)!;
      const id = got.failingRows!.columns.indexOf('id');
      return got.failingRows!.rows.map((r) => Number(r[id]));
    };
    expect(rowsOf('IsComplete "customer_id"')).toEqual([4]);
    expect(rowsOf('ColumnValues "quantity" > 0')).toEqual([5]);
    expect(rowsOf('IsUnique "customer_id"').sort()).toEqual([10, 9]);
    expect(
      rowsOf('ReferentialIntegrity "customer_id" "silver.shop.customers.customer_id" = 1.0').sort(),
    ).toEqual([10, 9]);
    expect(rowsOf('DataFreshness "ordered_at" <= 24 hours')).toHaveLength(10);
  });

  it('a ruleset of warn rules only warns', async () => {
    const warned = await home.services.quality.evaluate(home.admin, ORDERS, {
      text: 'Rules = [ IsComplete "id" ]\nWarnRules = [ ColumnValues "quantity" > 0 ]',
    });
    expect(warned.status).toBe('warning');
    expect(warned.rules.map((r) => r.severity)).toEqual(['error', 'warn']);
    expect(warned.score).toBe(0.5);
  });
});

describe('scans', () => {
  it('evaluates every aggregate and row-level rule in one scan', async () => {
    const { quality, queries } = countingQuality(home);
    const rules = [
      'RowCount = 10',
      'IsComplete "id"',
      'Completeness "customer_id" >= 0.9',
      'IsUnique "id"',
      'Uniqueness "id" = 1',
      'ColumnValues "country" in ["FR", "DE", "UK"]',
      'ColumnLength "country" = 2',
      'Mean "price" > 0',
      'Sum "quantity" > 0',
      'StandardDeviation "price" > 0',
      'DistinctValuesCount "country" = 3',
      'Entropy "country" > 1',
      'UniqueValueRatio "id" = 1',
      'ColumnExists "id"',
      'DetectAnomalies "RowCount"',
    ];
    const result = await quality.evaluate(home.admin, ORDERS, {
      text: `Rules = [ ${rules.join(', ')} ]`,
    });
    expect(result.rules.map((r) => r.status)).toEqual(rules.map(() => 'pass'));
    expect(queries).toHaveLength(1);
    expect(queries[0]).toMatch(/^SELECT count\(\*\) AS m0, /);
    // Uniqueness counts come from a GROUP BY of their column inside the same statement:
    // a window would carry every row and column of the table through the scan.
    expect(queries[0]).not.toMatch(/ OVER /);
  });

  it('adds one query for the samples of all failed row-level rules', async () => {
    const { quality, queries } = countingQuality(home);
    await quality.evaluate(home.admin, ORDERS, {
      text: 'Rules = [ IsComplete "customer_id", ColumnValues "quantity" > 0, IsUnique "customer_id" ]',
    });
    expect(queries).toHaveLength(2);
    expect(queries[1]).toContain('UNION ALL');
  });

  it('rules about column types read the types through a LIMIT 0 probe of the query path', async () => {
    const { quality, queries } = countingQuality(home);
    const result = await quality.evaluate(home.admin, ORDERS, {
      text: 'Rules = [ ColumnDataType "ordered_at" = "TIMESTAMP", RowCount > 0 ]',
    });
    expect(result.rules.map((r) => r.status)).toEqual(['pass', 'pass']);
    expect(queries).toHaveLength(2);
    expect(queries[0]).toMatch(/LIMIT 0$/);
  });

  it('a rule that breaks the scan is retried alone and is an error; the others still count', async () => {
    const { quality } = countingQuality(home);
    const result = await quality.evaluate(home.admin, ORDERS, {
      text: 'Rules = [ RowCount = 10, Sum "country" > 0, IsComplete "id", UniqueValueRatio "customer_id" = 0.875 ]',
    });
    expect(result.rules.map((r) => r.status)).toEqual(['pass', 'error', 'pass', 'pass']);
    expect(result.rules[3]!.value).toBe(0.875);
    expect(result.score).toBe(1);
  });
});

describe('governance', () => {
  it('samples of failing rows are masked as the caller sees them, and rows are filtered', async () => {
    const analyst = await home.user('quality_analyst');
    await home.grant(
      ['SELECT'],
      { kind: 'table', path: [...ORDERS.namespace, ORDERS.name] },
      analyst,
    );
    await home.services.policies.setColumnMask(home.admin, {
      table: [...ORDERS.namespace, ORDERS.name],
      column: 'email',
      function: 'MASK',
      exempt: [{ kind: 'principal', name: home.admin.principal.name }],
    });
    const text = 'Rules = [ ColumnValues "quantity" > 0 ]';
    const seen = await home.services.quality.evaluate(analyst, ORDERS, { text });
    const admin = await home.services.quality.evaluate(home.admin, ORDERS, { text });
    const email = (r: QualityResult) => {
      const s = r.rules[0]!.failingRows!;
      return s.rows[0]![s.columns.indexOf('email')];
    };
    expect(email(admin)).toBe('bad-email');
    expect(email(seen)).not.toBe('bad-email');

    // A masked view neither feeds the metric history nor publishes the table's quality.
    const runs = await home.services.quality.runs(home.admin, ORDERS, 2);
    expect(runs.map((r) => [r.evaluatedBy, Object.keys(r.metrics).length > 0])).toEqual([
      [home.admin.principal.name, true],
      ['quality_analyst', false],
    ]);
    await home.grant(
      ['ALTER'],
      { kind: 'table', path: [...ORDERS.namespace, ORDERS.name] },
      analyst,
    );
    await expect(
      home.services.quality.evaluate(analyst, ORDERS, { text }, { publish: true }),
    ).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await home.services.policies.deleteColumnMask(
      home.admin,
      [...ORDERS.namespace, ORDERS.name],
      'email',
    );
  });

  it('a caller without SELECT is refused, and the refusal is audited', async () => {
    const outsider = await home.user('quality_outsider');
    await expect(
      home.services.quality.evaluate(outsider, ORDERS, { text: 'Rules = [ RowCount > 0 ]' }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/NOT_FOUND|PERMISSION/) });
    const events = await home.events('quality_outsider', 'quality.evaluate');
    expect(events.map((e) => e.decision)).toEqual(['deny']);
  });

  it('reads the reference tables of a rule as the caller: unreadable ones make that rule an error', async () => {
    const reader = await home.user('quality_reader');
    await home.grant(
      ['SELECT'],
      { kind: 'table', path: [...ORDERS.namespace, ORDERS.name] },
      reader,
    );
    const result = await home.services.quality.evaluate(reader, ORDERS, {
      text: 'Rules = [ RowCount = 10, RowCountMatch "silver.shop.customers" > 1 ]',
    });
    expect(result.rules.map((r) => r.status)).toEqual(['pass', 'error']);
    expect(CUSTOMERS.name).toBe('customers');
  });
});
