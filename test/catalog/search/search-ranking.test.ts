import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalog } from './search-catalog.js';
import { onPostgresToo, searchHome, type SearchHome } from './search-home.js';

/** Written down before the ranking was tuned: each query and the table users expect in the top 3. */
const EXPECTED_TOP_3: [string, string][] = [
  ['customer_ltv', 'gold.customer_ltv.customer_ltv'],
  ['customer lifetime value', 'gold.customer_ltv.customer_ltv'],
  ['custmer revnue', 'gold.customers.customer_revenue'],
  ['monthly revenue', 'gold.revenue.monthly_revenue'],
  ['churn', 'gold.churn.churn_scores'],
  ['clickstream', 'bronze.web.clickstream'],
  ['page views', 'bronze.web.clickstream'],
  ['invoice', 'bronze.pos.invoices'],
  ['stock on hand', 'silver.inventory.stock_levels'],
  ['flight routes', 'gold.flights.busiest_routes'],
  ['support tickets', 'silver.support.tickets'],
  ['service level agreement', 'gold.support.sla_breaches'],
  ['campaign roi', 'gold.marketing.campaign_roi'],
  ['music composer', 'bronze.chinook.tracks'],
  ['product brand', 'silver.products.product_catalog'],
  ['refund', 'silver.sales.returns'],
  ['postal address', 'silver.customers.customer_addresses'],
  ['site search', 'bronze.web.search_queries'],
  ['gross margin', 'gold.finance.gross_margin'],
  ['forecast', 'gold.revenue.revenue_forecast'],
  ['employees', 'bronze.chinook.employees'],
  ['store opening hours', 'bronze.pos.stores'],
  ['destination country', 'bronze.flights.flight_counts'],
  ['cancellation', 'bronze.pos.invoices'],
];

for (const metastore of ['sqlite', 'postgres'] as const) {
  const run = metastore === 'sqlite' || onPostgresToo ? describe : describe.skip;
  run(`search ranking (${metastore})`, () => {
    let home: SearchHome;
    const find = async (q: string, extra: Record<string, unknown> = {}) =>
      home.services.search.search(home.admin, { q, ...extra });
    const names = async (q: string, extra: Record<string, unknown> = {}) =>
      (await find(q, extra)).results.map((r) => r.fullName);

    beforeAll(async () => {
      home = await searchHome(metastore);
      await createCatalog(home.services, home.admin);
    }, 120_000);
    afterAll(async () => home?.close());

    it.each(EXPECTED_TOP_3)('"%s" has %s in the top 3', async (q, expected) => {
      const top = (await names(q, { kind: 'table' })).slice(0, 3);
      expect(top).toContain(expected);
    });

    it('puts the table named exactly what was typed first', async () => {
      const answer = await find('customer_ltv');
      expect(answer.results[0]).toMatchObject({
        fullName: 'gold.customer_ltv.customer_ltv',
        kind: 'table',
      });
      expect(answer.results[0]!.why).toContain('exact name');
      expect((await names('gold.revenue.daily_revenue'))[0]).toBe('gold.revenue.daily_revenue');
    });

    it('corrects typos against the index and says so', async () => {
      const answer = await find('custmer revnue');
      expect(answer.corrections).toEqual({ custmer: ['customer'], revnue: ['revenue'] });
      expect(answer.results.slice(0, 3).map((r) => r.fullName)).toContain(
        'gold.customers.customer_revenue',
      );
      // Two typos in a long word are tolerated, three are not.
      expect((await names('clikstrem', { kind: 'table' }))[0]).toBe('bronze.web.clickstream');
      expect(await names('clkstrem')).toEqual([]);
    });

    it('matches the last word as a prefix while it is typed', async () => {
      expect((await names('clicks', { kind: 'table' }))[0]).toBe('bronze.web.clickstream');
      expect(await names('clicks ', { kind: 'table' })).toEqual(['bronze.web.clickstream']);
      expect(await names('churn_prob')).toContain('gold.churn.churn_scores');
    });

    it('shows what matched: a snippet, the fields and the columns', async () => {
      const answer = await find('lifetime value');
      const hit = answer.results.find((r) => r.fullName === 'gold.customer_ltv.customer_ltv')!;
      expect(hit.snippet).toContain('«lifetime» «value»');
      expect(hit.matchedColumns).toEqual(['ltv']);
      expect(hit.why[0]).toMatch(/^matched description \(lifetime, value\)/);
      expect(hit.score).toBeGreaterThan(0);
    });

    it('ranks certified above draft above deprecated', async () => {
      const order = async () =>
        (await names('revenue country returns', { namespace: 'gold.revenue' })).slice(0, 2);
      const before = await order();
      expect(before).toHaveLength(2);
      const [, second] = before as [string, string];
      await home.services.metadata.certify(
        home.admin,
        { kind: 'table', path: second.split('.') },
        {
          status: 'certified',
        },
      );
      expect(await order()).toEqual([...before].reverse());
      await home.services.metadata.certify(
        home.admin,
        { kind: 'table', path: second.split('.') },
        {
          status: 'deprecated',
          reason: 'replaced',
          replacement: before[0]!,
        },
      );
      expect(await order()).toEqual(before);
      const answer = await find('revenue', { certification: 'deprecated' });
      expect(answer.results.map((r) => r.fullName)).toEqual([second]);
      expect(answer.facets.certification).toEqual([{ value: 'deprecated', count: 1 }]);
    });

    it('ranks tables that are read often and lately higher', async () => {
      const order = async () => (await names('cancelled invoices', { kind: 'table' })).slice(0, 2);
      const before = await order();
      expect(before.sort()).toEqual(['silver.sales.orders', 'silver.sales.returns']);
      const second = (await order())[1]!;
      for (let i = 0; i < 5; i++) {
        await home.services.query.execute(home.admin, `SELECT count(*) FROM ${second}`);
      }
      const after = await order();
      expect(after[0]).toBe(second);
      const hit = (await find('cancelled invoices')).results.find((r) => r.fullName === second)!;
      expect(hit.why).toEqual(expect.arrayContaining(['read 5 times', 'read recently']));
    });
  });
}
