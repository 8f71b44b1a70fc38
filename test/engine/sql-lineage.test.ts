import { describe, expect, it } from 'vitest';
import { sqlLineage } from '../../src/engine/index.js';
import type { QueryLineage } from '../../src/engine/index.js';
import { LakewardError } from '../../src/errors/index.js';

/** The catalog as analysis sees it: three retail tables. */
const catalog: Record<string, string[]> = {
  'bronze.crm.sales': ['invoice_no', 'customer_id', 'quantity', 'price', 'country', 'day'],
  'bronze.crm.customer_data': ['customer_id', 'name', 'ssn', 'region'],
  'silver.crm.returns': ['invoice_no', 'customer_id', 'quantity'],
};

const tableOf = async (parts: string[]) => {
  const table = parts.map((p) => p.toLowerCase()).join('.');
  const columns = catalog[table];
  if (columns === undefined) throw new Error(`no table ${table}`);
  return { table, columns };
};

function lineage(sql: string): Promise<QueryLineage> {
  return sqlLineage(sql, tableOf);
}

/** Lineage written compactly: column → [transformation, sources as ns.table.column sorted by full name]. */
function compact(result: QueryLineage): Record<string, string[]> {
  return Object.fromEntries(
    result.columns.map((c) => [
      c.column,
      [
        c.transformation,
        ...c.sources.map((s) => `${s.table.split('.').slice(1).join('.')}.${s.column}`),
      ],
    ]),
  );
}

const S = 'bronze.crm.sales';
const C = 'bronze.crm.customer_data';

const cases: { name: string; sql: string; tables: string[]; columns: Record<string, string[]> }[] =
  [
    {
      name: 'plain columns and an alias',
      sql: `SELECT invoice_no, customer_id AS cid FROM ${S}`,
      tables: [S],
      columns: {
        invoice_no: ['identity', 'crm.sales.invoice_no'],
        cid: ['identity', 'crm.sales.customer_id'],
      },
    },
    {
      name: 'arithmetic expression and cast',
      sql: `SELECT quantity * price AS amount, CAST(customer_id AS INTEGER) AS customer_id FROM ${S}`,
      tables: [S],
      columns: {
        amount: ['expression', 'crm.sales.price', 'crm.sales.quantity'],
        customer_id: ['expression', 'crm.sales.customer_id'],
      },
    },
    {
      name: 'aggregates with GROUP BY',
      sql: `SELECT country, day, sum(quantity * price) AS revenue, count(*) AS orders FROM ${S} GROUP BY country, day`,
      tables: [S],
      columns: {
        country: ['identity', 'crm.sales.country'],
        day: ['identity', 'crm.sales.day'],
        revenue: ['aggregate', 'crm.sales.price', 'crm.sales.quantity'],
        orders: ['aggregate'],
      },
    },
    {
      name: 'SELECT * expands the table columns',
      sql: `SELECT * FROM ${C}`,
      tables: [C],
      columns: {
        customer_id: ['identity', 'crm.customer_data.customer_id'],
        name: ['identity', 'crm.customer_data.name'],
        ssn: ['identity', 'crm.customer_data.ssn'],
        region: ['identity', 'crm.customer_data.region'],
      },
    },
    {
      name: 'qualified t.* in a join, EXCLUDE and REPLACE',
      sql: `SELECT c.* EXCLUDE (ssn) REPLACE (upper(name) AS name), s.quantity FROM ${C} c JOIN ${S} s ON s.customer_id = c.customer_id`,
      tables: [C, S],
      columns: {
        customer_id: ['identity', 'crm.customer_data.customer_id'],
        name: ['expression', 'crm.customer_data.name'],
        region: ['identity', 'crm.customer_data.region'],
        quantity: ['identity', 'crm.sales.quantity'],
      },
    },
    {
      name: 'JOIN USING: the shared column comes from both sides, once under *',
      sql: `SELECT * FROM silver.crm.returns JOIN ${C} USING (customer_id)`,
      tables: [C, 'silver.crm.returns'],
      columns: {
        invoice_no: ['identity', 'crm.returns.invoice_no'],
        customer_id: ['identity', 'crm.customer_data.customer_id', 'crm.returns.customer_id'],
        quantity: ['identity', 'crm.returns.quantity'],
        name: ['identity', 'crm.customer_data.name'],
        ssn: ['identity', 'crm.customer_data.ssn'],
        region: ['identity', 'crm.customer_data.region'],
      },
    },
    {
      name: 'an ambiguous unqualified column names every candidate',
      sql: `SELECT quantity FROM ${S} a, silver.crm.returns b`,
      tables: [S, 'silver.crm.returns'],
      columns: { quantity: ['identity', 'crm.sales.quantity', 'crm.returns.quantity'] },
    },
    {
      name: 'CTEs are followed through to the tables',
      sql: `WITH clean AS (SELECT customer_id, quantity * price AS amount FROM ${S} WHERE quantity > 0),
          per_customer AS (SELECT customer_id, sum(amount) AS ltv FROM clean GROUP BY customer_id)
          SELECT p.customer_id, p.ltv, c.region FROM per_customer p JOIN ${C} c ON c.customer_id = p.customer_id`,
      tables: [C, S],
      columns: {
        customer_id: ['identity', 'crm.sales.customer_id'],
        ltv: ['aggregate', 'crm.sales.price', 'crm.sales.quantity'],
        region: ['identity', 'crm.customer_data.region'],
      },
    },
    {
      name: 'a CTE with column aliases',
      sql: `WITH t(k, v) AS (SELECT customer_id, region FROM ${C}) SELECT v AS region_name FROM t`,
      tables: [C],
      columns: { region_name: ['identity', 'crm.customer_data.region'] },
    },
    {
      name: 'a subquery in FROM with an alias',
      sql: `SELECT x.total + 1 AS total_plus FROM (SELECT sum(quantity) AS total FROM ${S}) x`,
      tables: [S],
      columns: { total_plus: ['aggregate', 'crm.sales.quantity'] },
    },
    {
      name: 'a scalar subquery in the select list (tables of WHERE subqueries count too)',
      sql: `SELECT customer_id, (SELECT max(quantity) FROM silver.crm.returns r WHERE r.customer_id = c.customer_id) AS max_return
          FROM ${C} c WHERE c.customer_id IN (SELECT customer_id FROM ${S})`,
      tables: [C, S, 'silver.crm.returns'],
      columns: {
        customer_id: ['identity', 'crm.customer_data.customer_id'],
        max_return: ['aggregate', 'crm.returns.quantity'],
      },
    },
    {
      name: 'UNION ALL takes both branches by position',
      sql: `SELECT invoice_no, quantity FROM ${S} UNION ALL SELECT invoice_no, -quantity FROM silver.crm.returns`,
      tables: [S, 'silver.crm.returns'],
      columns: {
        invoice_no: ['identity', 'crm.sales.invoice_no', 'crm.returns.invoice_no'],
        quantity: ['expression', 'crm.sales.quantity', 'crm.returns.quantity'],
      },
    },
    {
      name: 'window functions: arguments, PARTITION BY and ORDER BY',
      sql: `SELECT invoice_no, row_number() OVER (PARTITION BY customer_id ORDER BY day) AS rn,
          sum(quantity) OVER (PARTITION BY country) AS country_qty FROM ${S}`,
      tables: [S],
      columns: {
        invoice_no: ['identity', 'crm.sales.invoice_no'],
        rn: ['expression', 'crm.sales.customer_id', 'crm.sales.day'],
        country_qty: ['aggregate', 'crm.sales.country', 'crm.sales.quantity'],
      },
    },
    {
      name: 'CASE, COALESCE and functions',
      sql: `SELECT CASE WHEN region = 'EU' THEN 'Europe' ELSE coalesce(name, 'n/a') END AS label,
          lower(trim(ssn)) AS ssn_key, 42 AS answer FROM ${C}`,
      tables: [C],
      columns: {
        label: ['expression', 'crm.customer_data.name', 'crm.customer_data.region'],
        ssn_key: ['expression', 'crm.customer_data.ssn'],
        answer: ['expression'],
      },
    },
    {
      name: 'an unaliased expression is named as DuckDB names it',
      sql: `SELECT quantity + 1, count(DISTINCT customer_id) FROM ${S} GROUP BY quantity`,
      tables: [S],
      columns: {
        '(quantity + 1)': ['expression', 'crm.sales.quantity'],
        'count(DISTINCT customer_id)': ['aggregate', 'crm.sales.customer_id'],
      },
    },
    {
      name: 'a select alias used by a later item (lateral alias)',
      sql: `SELECT quantity * price AS amount, amount * 2 AS double_amount FROM ${S}`,
      tables: [S],
      columns: {
        amount: ['expression', 'crm.sales.price', 'crm.sales.quantity'],
        double_amount: ['expression', 'crm.sales.price', 'crm.sales.quantity'],
      },
    },
    {
      name: 'names are case-insensitive; the table name qualifies a column',
      sql: `SELECT SALES.Country AS c FROM BRONZE.CRM.SALES`,
      tables: [S],
      columns: { c: ['identity', 'crm.sales.country'] },
    },
    {
      name: 'a recursive CTE: the anchor gives the sources, the recursion the transformation',
      sql: `WITH RECURSIVE days(d, qty) AS (
            SELECT day, quantity FROM ${S}
            UNION ALL SELECT d + 1, qty FROM days WHERE d < DATE '2011-12-31')
          SELECT d, qty FROM days`,
      tables: [S],
      columns: {
        d: ['expression', 'crm.sales.day'],
        qty: ['identity', 'crm.sales.quantity'],
      },
    },
    {
      name: 'NATURAL JOIN merges the columns both sides have',
      sql: `SELECT * FROM silver.crm.returns NATURAL JOIN (SELECT customer_id, region FROM ${C}) c`,
      tables: [C, 'silver.crm.returns'],
      columns: {
        invoice_no: ['identity', 'crm.returns.invoice_no'],
        customer_id: ['identity', 'crm.customer_data.customer_id', 'crm.returns.customer_id'],
        quantity: ['identity', 'crm.returns.quantity'],
        region: ['identity', 'crm.customer_data.region'],
      },
    },
    {
      name: 'a LATERAL subquery and a VALUES list',
      sql: `SELECT s.invoice_no, l.doubled, m.label FROM ${S} s
          CROSS JOIN LATERAL (SELECT s.quantity * 2 AS doubled) l
          JOIN (VALUES ('FR', 'France')) m(code, label) ON m.code = s.country`,
      tables: [S],
      columns: {
        invoice_no: ['identity', 'crm.sales.invoice_no'],
        doubled: ['expression', 'crm.sales.quantity'],
        label: ['expression'],
      },
    },
  ];

describe('sqlLineage', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const result = await lineage(c.sql);
      expect(result.tables).toEqual(c.tables);
      expect(compact(result)).toEqual(c.columns);
      expect(result.columns.map((col) => col.column)).toEqual(Object.keys(c.columns));
    });
  }

  it('refuses what is not a single SELECT, as queries do', async () => {
    const err = await lineage(`DELETE FROM ${S}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LakewardError);
    expect((err as LakewardError).code).toBe('STATEMENT_NOT_ALLOWED');
  });
});
