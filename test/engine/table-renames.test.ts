import { describe, expect, it } from 'vitest';
import { renameTablesInSql } from '../../src/engine/index.js';

/** bronze.crm.sales becomes bronze.crm.orders; every other name stays. */
const salesToOrders = (parts: readonly string[]) =>
  parts.map((p) => p.toLowerCase()).join('.') === 'bronze.crm.sales'
    ? ['bronze', 'crm', 'orders']
    : undefined;

describe('renaming the tables a query reads', () => {
  it('replaces names where the parser found them, never in strings, comments or columns', async () => {
    const sql = `-- reads bronze.crm.sales
SELECT s.id, 'bronze.crm.sales' AS origin, s.sales
FROM bronze.crm.sales AS s JOIN bronze.crm.customers c ON s.id = c.id
WHERE s.id IN (SELECT id FROM BRONZE.Crm."sales")`;
    const out = await renameTablesInSql(sql, salesToOrders);
    expect(out).toEqual({
      kind: 'renamed',
      renamed: 2,
      sql: `-- reads bronze.crm.sales
SELECT s.id, 'bronze.crm.sales' AS origin, s.sales
FROM bronze.crm.orders AS s JOIN bronze.crm.customers c ON s.id = c.id
WHERE s.id IN (SELECT id FROM bronze.crm.orders)`,
    });
  });

  it('keeps the old name as alias where columns are qualified with it', async () => {
    const out = await renameTablesInSql(
      'SELECT sales.id, sales.* FROM bronze.crm.sales',
      salesToOrders,
    );
    expect(out).toMatchObject({
      kind: 'renamed',
      sql: 'SELECT sales.id, sales.* FROM bronze.crm.orders AS "sales"',
    });
  });

  it('handles CTEs (a CTE named like the table is left alone), deeper namespaces and non-ASCII text', async () => {
    const sql = `WITH sales AS (SELECT * FROM bronze.crm.sales WHERE note <> 'é→')
SELECT * FROM sales JOIN silver."crm.eu".x USING (id)`;
    const toDeep = (parts: readonly string[]) =>
      parts.join('.') === 'bronze.crm.sales' ? ['silver', 'crm.eu', 'sales v2'] : undefined;
    expect(await renameTablesInSql(sql, toDeep)).toMatchObject({
      kind: 'renamed',
      sql: `WITH sales AS (SELECT * FROM silver."crm.eu"."sales v2" WHERE note <> 'é→')
SELECT * FROM sales JOIN silver."crm.eu".x USING (id)`,
    });
  });

  it('says unchanged when the query does not read the table', async () => {
    expect(await renameTablesInSql('SELECT 1 FROM bronze.crm.customers', salesToOrders)).toEqual({
      kind: 'unchanged',
    });
  });

  it('reports a column qualified with the full table name as impossible to rewrite', async () => {
    const out = await renameTablesInSql(
      'SELECT bronze.crm.sales.id FROM bronze.crm.sales',
      salesToOrders,
    );
    expect(out).toMatchObject({ kind: 'impossible' });
    expect((out as { reason: string }).reason).toContain('bronze.crm.sales.id');
  });
});
