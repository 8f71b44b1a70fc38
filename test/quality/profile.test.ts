import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableIdent } from '../../src/catalog/index.js';
import { openSession, type Session } from '../../src/engine/index.js';
import { parseRuleset, type TableProfile } from '../../src/quality/index.js';
import { governedHome, type GovernedHome } from '../catalog/governed-home.js';
import { ORDERS, shopHome } from './quality-home.js';

const DAYS = ['2010-12-01', '2010-12-02', '2010-12-03'].map((d) =>
  path.resolve('..', 'shared', 'data', 'retail', 'by-day', `${d}.csv`),
);
const RETAIL: TableIdent = { namespace: ['bronze', 'retail'], name: 'sales' };
const CSV = `read_csv([${DAYS.map((d) => `'${d}'`).join(', ')}], header = true,
  types = {'InvoiceNo': 'VARCHAR', 'StockCode': 'VARCHAR', 'CustomerID': 'DOUBLE'})`;
const SELECT = `SELECT InvoiceNo AS invoice_no, StockCode AS stock_code, Description AS description,
  Quantity::INTEGER AS quantity, InvoiceDate::TIMESTAMP AS invoice_date, UnitPrice::DOUBLE AS unit_price,
  CustomerID::BIGINT AS customer_id, Country AS country FROM ${CSV}`;

let home: GovernedHome;
let duck: Session;
let profile: TableProfile;

beforeAll(async () => {
  home = await governedHome();
  await home.services.governed.createNamespace(home.admin, ['bronze', 'retail']);
  await home.services.governed.createTable(home.admin, RETAIL, {
    columns: [
      { name: 'invoice_no', type: 'string' },
      { name: 'stock_code', type: 'string' },
      { name: 'description', type: 'string' },
      { name: 'quantity', type: 'int' },
      { name: 'invoice_date', type: 'timestamp' },
      { name: 'unit_price', type: 'double' },
      { name: 'customer_id', type: 'long' },
      { name: 'country', type: 'string' },
    ],
  });
  await home.append(RETAIL, SELECT);
  duck = await openSession({ memoryLimit: '512MB', tempDir: path.join(home.dir, 'tmp') });
  await duck.run(`CREATE TABLE plain AS ${SELECT}`);
  profile = await home.services.quality.profile(home.admin, RETAIL);
}, 120_000);

afterAll(async () => {
  duck?.close();
  await home?.close();
});

const one = async (sql: string) => Object.values((await duck.all(sql))[0]!)[0];
const column = (name: string) => profile.columns.find((c) => c.name === name)!;

describe('profile of three days of retail CSVs', () => {
  it('counts rows and NULLs as plain DuckDB does', async () => {
    expect(profile.rowCount).toBe(Number(await one('SELECT count(*) FROM plain')));
    for (const c of profile.columns) {
      expect(c.nulls, c.name).toBe(
        Number(await one(`SELECT count(*) - count("${c.name}") FROM plain`)),
      );
    }
    expect(column('customer_id').nulls).toBeGreaterThan(0);
  });

  it("approximate distinct counts are DuckDB's HyperLogLog estimates of the same values", async () => {
    for (const c of profile.columns) {
      const approx = Number(await one(`SELECT approx_count_distinct("${c.name}") FROM plain`));
      expect(c.distinctApprox, c.name).toBe(approx);
    }
  });

  it('min, max, mean and stddev equal plain DuckDB', async () => {
    const q = column('quantity');
    expect(Number(q.min)).toBe(Number(await one('SELECT min(quantity) FROM plain')));
    expect(Number(q.max)).toBe(Number(await one('SELECT max(quantity) FROM plain')));
    expect(q.mean).toBeCloseTo(Number(await one('SELECT avg(quantity) FROM plain')), 9);
    expect(q.stddev).toBeCloseTo(Number(await one('SELECT stddev_samp(quantity) FROM plain')), 9);
    expect(column('country').minLength).toBe(
      Number(await one('SELECT min(length(country)) FROM plain')),
    );
  });

  it('top values carry exact counts, the most frequent first', async () => {
    const top = await duck.all<{ v: string; n: number }>(
      'SELECT country AS v, count(*)::INTEGER AS n FROM plain GROUP BY 1 ORDER BY 2 DESC LIMIT 3',
    );
    expect(column('country').topValues.slice(0, 3)).toEqual(
      top.map((t) => ({ value: t.v, count: t.n })),
    );
  });

  it('the histogram covers every value in 10 equal buckets', async () => {
    const h = column('unit_price').histogram!;
    expect(h).toHaveLength(10);
    const present = Number(await one('SELECT count(unit_price) FROM plain'));
    expect(h.reduce((s, b) => s + b.count, 0)).toBe(present);
    const first = h[0]!;
    expect(first.count).toBe(
      Number(
        await one(
          `SELECT count(*) FROM plain WHERE unit_price >= ${first.low} AND unit_price < ${first.high}`,
        ),
      ),
    );
  });

  it('recommends a ruleset that parses and passes on the data it came from', async () => {
    const { ruleset } = await home.services.quality.recommend(home.admin, RETAIL);
    expect(ruleset).toContain('IsComplete "invoice_no"');
    expect(ruleset).toContain('Completeness "customer_id" >= ');
    expect(ruleset).toMatch(/ColumnLength "stock_code" between \d+ and \d+/);
    expect(parseRuleset(ruleset).length).toBeGreaterThan(8);
    const result = await home.services.quality.evaluate(home.admin, RETAIL, { text: ruleset });
    expect(result.rules.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(result.score).toBe(1);
  });
});

describe('recommendations on a small table', () => {
  it('proposes IsUnique for unique columns and the value list of low-cardinality ones', async () => {
    const shop = await shopHome();
    try {
      const { ruleset } = await shop.services.quality.recommend(shop.admin, ORDERS);
      expect(ruleset).toContain('IsUnique "id"');
      expect(ruleset).not.toContain('IsUnique "customer_id"');
      expect(ruleset).toContain('ColumnValues "country" in ["FR", "DE", "UK"]');
      expect(ruleset).toContain('Completeness "customer_id" >= 0.9');
      expect(ruleset).toContain('RowCount between 5 and 15');
      const result = await shop.services.quality.evaluate(shop.admin, ORDERS, { text: ruleset });
      expect(result.status).toBe('passed');
    } finally {
      await shop.close();
    }
  });
});
