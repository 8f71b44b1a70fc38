import { randomUUID } from 'node:crypto';
import { parseTableName } from '../../src/catalog/index.js';
import type { Caller } from '../../src/governance/index.js';
import type { LineageRecorder, LineageRun } from '../../src/lineage/index.js';
import type { GovernedHome } from '../catalog/governed-home.js';

/** The brief's chain: bronze CRM tables → silver.crm.sales → two gold tables. */
export const TABLES = {
  'bronze.crm.sales': ['invoice_no', 'customer_id', 'quantity', 'price', 'country', 'day'],
  'bronze.crm.customer_data': ['customer_id', 'name', 'ssn', 'region'],
  'silver.crm.sales': ['invoice_no', 'customer_id', 'quantity', 'price', 'country', 'day'],
  'gold.revenue.daily': ['country', 'day', 'revenue'],
  'gold.revenue.customer_ltv': ['customer_id', 'region', 'ltv', 'last_day'],
} as const;

export const JOBS = {
  silver_sales: {
    target: 'silver.crm.sales',
    sql: `SELECT invoice_no, CAST(customer_id AS BIGINT) AS customer_id, quantity, price, country, day
          FROM bronze.crm.sales WHERE customer_id IS NOT NULL AND invoice_no NOT LIKE 'C%'`,
  },
  gold_daily: {
    target: 'gold.revenue.daily',
    sql: `SELECT country, day, sum(quantity * price) AS revenue FROM silver.crm.sales GROUP BY country, day`,
  },
  gold_ltv: {
    target: 'gold.revenue.customer_ltv',
    sql: `WITH per_customer AS (
            SELECT customer_id, sum(quantity * price) AS ltv, max(day) AS last_day
            FROM silver.crm.sales GROUP BY customer_id)
          SELECT p.customer_id, c.region, p.ltv, p.last_day
          FROM per_customer p JOIN bronze.crm.customer_data c USING (customer_id)`,
  },
} as const;

const TYPES: Record<string, string> = {
  quantity: 'long',
  price: 'double',
  revenue: 'double',
  ltv: 'double',
  day: 'date',
  last_day: 'date',
  customer_id: 'long',
};

export async function createChain(home: GovernedHome): Promise<void> {
  const { governed } = home.services;
  for (const ns of [
    ['bronze', 'crm'],
    ['silver', 'crm'],
    ['gold', 'revenue'],
  ]) {
    await governed.createNamespace(home.admin, ns);
  }
  for (const [name, columns] of Object.entries(TABLES)) {
    await governed.createTable(home.admin, parseTableName(name), {
      columns: columns.map((c) => ({ name: c, type: (TYPES[c] ?? 'string') as 'string' })),
    });
  }
}

/** A run of one of the chain's jobs as the pipelines record it. */
export function chainRun(
  job: keyof typeof JOBS,
  eventType: LineageRun['eventType'],
  extra: Partial<LineageRun> = {},
): LineageRun {
  const { target, sql } = JOBS[job];
  return {
    job,
    jobVersion: 1,
    runId: randomUUID(),
    eventType,
    at: new Date().toISOString(),
    sql,
    target,
    inputs: (job === 'silver_sales'
      ? ['bronze.crm.sales']
      : job === 'gold_daily'
        ? ['silver.crm.sales']
        : ['bronze.crm.customer_data', 'silver.crm.sales']
    ).map((table) => ({ table, snapshotId: '1234' })),
    targetSnapshotId: '5678',
    schema: TABLES[target].map((name) => ({ name, type: TYPES[name] ?? 'string' })),
    ...extra,
  };
}

/** Records one complete run of every job of the chain. */
export async function recordChain(recorder: LineageRecorder, caller: Caller): Promise<void> {
  for (const job of Object.keys(JOBS) as (keyof typeof JOBS)[]) {
    await recorder.recordRun(caller, chainRun(job, 'COMPLETE'));
  }
}
