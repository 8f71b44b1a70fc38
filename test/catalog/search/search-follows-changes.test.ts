import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { onPostgresToo, searchHome, type SearchHome } from './search-home.js';

const RETAIL_DAY = path.resolve('../shared/data/retail/by-day/2010-12-01.csv');

for (const metastore of ['sqlite', 'postgres'] as const) {
  const run = metastore === 'sqlite' || onPostgresToo ? describe : describe.skip;
  run(`the search index follows the catalog (${metastore})`, () => {
    let home: SearchHome;
    const names = async (q: string, extra: Record<string, unknown> = {}) =>
      (await home.services.search.search(home.admin, { q, ...extra })).results.map(
        (r) => r.fullName,
      );
    const orders = { namespace: ['silver', 'shop'], name: 'orders' };

    beforeEach(async () => {
      home = await searchHome(metastore);
      await home.services.governed.createNamespace(home.admin, ['silver', 'shop'], {
        description: 'The web shop',
      });
      await home.services.governed.createTable(home.admin, orders, {
        description: 'Paid carts',
        columns: [{ name: 'basket_id', type: 'string' }],
      });
    }, 60_000);
    afterEach(async () => home?.close());

    it('shows created tables and their descriptions as they change', async () => {
      expect(await names('carts')).toEqual(['silver.shop.orders']);
      await home.services.governed.updateTable(home.admin, orders, {
        description: 'Settled purchases',
        setProperties: { business_domain: 'commerce' },
      });
      expect(await names('carts')).toEqual([]);
      expect(await names('settled purchases')).toEqual(['silver.shop.orders']);
      expect(await names('commerce')).toEqual(['silver.shop.orders']);
      await home.services.governed.evolveSchema(home.admin, orders, [
        { kind: 'add', name: 'voucher_code', type: 'string', doc: 'Discount applied at checkout' },
      ]);
      const answer = await home.services.search.search(home.admin, { q: 'discount' });
      expect(answer.results[0]).toMatchObject({
        fullName: 'silver.shop.orders',
        matchedColumns: ['voucher_code'],
      });
    });

    it('follows renames and drops of tables and namespaces', async () => {
      await home.services.governed.renameTable(home.admin, orders, {
        namespace: ['silver', 'shop'],
        name: 'purchases',
      });
      expect(await names('orders')).toEqual([]);
      expect(await names('carts')).toEqual(['silver.shop.purchases']);
      await home.services.governed.renameNamespace(
        home.admin,
        ['silver', 'shop'],
        ['silver', 'store'],
      );
      expect(await names('carts')).toEqual(['silver.store.purchases']);
      expect(await names('web shop')).toEqual(['silver.store']);
      await home.services.governed.dropTable(home.admin, {
        namespace: ['silver', 'store'],
        name: 'purchases',
      });
      expect(await names('carts')).toEqual([]);
      await home.services.governed.dropNamespace(home.admin, ['silver', 'store']);
      expect(await names('web shop')).toEqual([]);
    });

    it('follows tags on namespaces, tables and columns', async () => {
      const { policies } = home.services;
      await policies.createTagKey(home.admin, { key: 'sensitivity', allowedValues: ['pii'] });
      await policies.createTagKey(home.admin, { key: 'domain', allowedValues: ['sales'] });
      const column = { kind: 'column' as const, path: ['silver', 'shop', 'orders', 'basket_id'] };
      await policies.assignTag(home.admin, column, 'sensitivity', 'pii');
      expect(await names('', { tag: 'sensitivity=pii' })).toEqual(['silver.shop.orders']);
      expect(await names('pii')).toEqual(['silver.shop.orders']);
      await policies.unassignTag(home.admin, column, 'sensitivity');
      expect(await names('', { tag: 'sensitivity=pii' })).toEqual([]);
      // A namespace's tag is inherited by what is below it.
      await policies.assignTag(
        home.admin,
        { kind: 'namespace', path: ['silver', 'shop'] },
        'domain',
        'sales',
      );
      expect((await names('', { tag: 'domain=sales' })).sort()).toEqual([
        'silver.shop',
        'silver.shop.orders',
      ]);
    });

    it('follows a change of owner', async () => {
      const table = { kind: 'table' as const, path: ['silver', 'shop', 'orders'] };
      await home.services.directory.createGroup(home.admin, { name: 'shop_team' });
      expect(await names('', { owner: 'shop_team' })).toEqual([]);
      await home.services.policies.setOwner(home.admin, table, {
        kind: 'group',
        name: 'shop_team',
      });
      expect(await names('', { owner: 'shop_team' })).toEqual(['silver.shop.orders']);
    });

    it('shows the table an ingest created', async () => {
      await home.services.ingest.ingest(home.admin, {
        paths: [RETAIL_DAY],
        table: { namespace: ['bronze', 'retail'], name: 'invoices' },
      });
      const answer = await home.services.search.search(home.admin, { q: 'stockcode' });
      expect(answer.results.map((r) => r.fullName)).toContain('bronze.retail.invoices');
      expect(answer.results[0]!.matchedColumns).toContain('StockCode');
      expect(await names('retail', { kind: 'namespace' })).toEqual(['bronze.retail']);
    });

    it('builds the index on first use when the catalog was filled before search existed', async () => {
      // Changes made beneath the governed use cases are not published: like a home from before search.
      await home.services.catalog.createTable(
        { namespace: ['silver', 'shop'], name: 'refunds' },
        { columns: [{ name: 'amount', type: 'double' }], description: 'Money returned' },
      );
      await home.services.metastore.search.clear();
      await home.services.metastore.search.setState('built_at', '');
      expect(await names('money returned')).toEqual([]);

      const fresh = await searchHome(metastore);
      try {
        await fresh.services.catalog.createNamespace(['gold', 'kpi']);
        await fresh.services.catalog.createTable(
          { namespace: ['gold', 'kpi'], name: 'refund_rate' },
          { columns: [{ name: 'rate', type: 'double' }], description: 'Share of orders refunded' },
        );
        const answer = await fresh.services.search.search(fresh.admin, { q: 'refunded' });
        expect(answer.results.map((r) => r.fullName)).toEqual(['gold.kpi.refund_rate']);
      } finally {
        await fresh.close();
      }
      await home.services.search.reindex(home.admin);
      expect(await names('money returned')).toEqual(['silver.shop.refunds']);
    });
  });
}
