import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, expectFailure, lakeward } from './run-cli.js';

/**
 * `lakeward demo` on a new home: the brief's story, then the facts a user would check
 * by hand: the row counts, gold figures recomputed with plain DuckDB from the generated
 * export, the row filter and mask as the data scientist, marketing's reach, lineage, search.
 */
interface DemoJson {
  tables: Record<string, number>;
  tokens: { principal: string; token: string }[];
  queries: { title: string; sql: string; columns: string[]; rows: unknown[][] }[];
}

let dir: string;
let home: string;
let demo: DemoJson;

const ok = (...args: string[]) => {
  const result = lakeward(home, ...args);
  expect(result.code, `${args.join(' ')}\n${result.stderr}`).toBe(0);
  return result.stdout;
};

/** Runs the CLI with a demo user's token, as the printed LAKEWARD_TOKEN=… lines do. */
function as(user: string, ...args: string[]) {
  const token = demo.tokens.find((t) => t.principal === user)?.token;
  expect(token, `no demo token for ${user}`).toBeDefined();
  const previous = process.env.LAKEWARD_TOKEN;
  process.env.LAKEWARD_TOKEN = token;
  try {
    return lakeward(home, ...args);
  } finally {
    if (previous === undefined) delete process.env.LAKEWARD_TOKEN;
    else process.env.LAKEWARD_TOKEN = previous;
  }
}

const ndjson = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

async function plainDuckdb(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The export cleaned by hand: the same rules silver states, straight over the CSV. */
const cleanSales = () => `
  SELECT DISTINCT order_id, customer_id, amount, sold_at, region
  FROM read_csv('${join(home, 'tmp', 'demo', 'sales.csv')}', header = true,
                types = {'amount': 'DECIMAL(12,2)', 'sold_at': 'TIMESTAMP'})
  WHERE customer_id IS NOT NULL AND amount > 0`;

describe('lakeward demo', { timeout: 120_000 }, () => {
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'lakeward-demo-'));
    home = join(dir, 'home');
    ok('init');
    demo = JSON.parse(ok('demo', '--json')) as DemoJson;
  }, 180_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('builds every table of the story with the same rows on every home', async () => {
    expect(demo.tables).toEqual({
      'bronze.crm.customer_data': 240,
      'bronze.crm.sales': 2040,
      'silver.crm.sales': 1879,
      'gold.revenue.revenue': 93,
      'gold.revenue.customer_ltv': 240,
    });
    const [clean] = await plainDuckdb(`SELECT count(*)::INTEGER AS n FROM (${cleanSales()})`);
    expect(clean?.n).toBe(demo.tables['silver.crm.sales']);
    // Silver's rules were checked and passed before it was written.
    const runs = JSON.parse(ok('jobs', 'runs', 'demo_silver_sales', '--json')) as {
      status: string;
      quality: { status: string } | null;
    }[];
    expect(runs.map((r) => [r.status, r.quality?.status])).toEqual([['succeeded', 'passed']]);
  });

  it('gold figures equal plain DuckDB over the generated export', async () => {
    const revenue = ndjson(
      ok(
        'query',
        'SELECT region, CAST(day AS VARCHAR) AS day, CAST(revenue AS VARCHAR) AS revenue, orders FROM gold.revenue.revenue ORDER BY region, day',
        '--format',
        'ndjson',
      ),
    );
    const expected = await plainDuckdb(
      `SELECT region, CAST(CAST(sold_at AS DATE) AS VARCHAR) AS day, CAST(sum(amount) AS VARCHAR) AS revenue,
              count(*)::INTEGER AS orders
       FROM (${cleanSales()}) GROUP BY ALL ORDER BY region, day`,
    );
    expect(revenue).toEqual(expected);

    const ltv = ndjson(
      ok(
        'query',
        'SELECT customer_id, CAST(ltv_score AS VARCHAR) AS ltv, orders FROM gold.revenue.customer_ltv ORDER BY customer_id',
        '--format',
        'ndjson',
      ),
    );
    const expectedLtv = await plainDuckdb(
      `SELECT customer_id::INTEGER AS customer_id, CAST(sum(amount) AS VARCHAR) AS ltv, count(*)::INTEGER AS orders
       FROM (${cleanSales()}) GROUP BY customer_id ORDER BY customer_id`,
    );
    expect(ltv.map((r) => ({ ...r, customer_id: Number(r.customer_id) }))).toEqual(expectedLtv);
  });

  it("dana's queries return US rows only, with ssn masked", () => {
    const [brief, customers] = demo.queries;
    expect(brief?.rows.length).toBe(5);
    expect(customers?.columns).toEqual(['customer_id', 'name', 'region', 'ssn']);
    expect(customers?.rows.length).toBe(5);

    // And the same through her token on the command line, over the whole table.
    const rows = ndjson(
      expectOk(
        as(
          'dana',
          'query',
          'SELECT region, ssn FROM bronze.crm.customer_data',
          '--format',
          'ndjson',
        ),
      ),
    );
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(240);
    for (const row of [
      ...rows,
      ...(customers?.rows ?? []).map((r) => ({ region: r[2], ssn: r[3] })),
    ]) {
      expect(row.region).toBe('US');
      expect(String(row.ssn)).toMatch(/^x+\d{4}$/);
    }
    const admin = ndjson(
      ok(
        'query',
        "SELECT count(*)::INTEGER AS n FROM bronze.crm.customer_data WHERE region = 'US'",
        '--format',
        'ndjson',
      ),
    );
    expect(rows.length).toBe(admin[0]?.n);
  });

  it('mia reads gold.revenue but not the customer data', () => {
    const revenue = ndjson(
      expectOk(
        as(
          'mia',
          'query',
          'SELECT count(*)::INTEGER AS n FROM gold.revenue.revenue',
          '--format',
          'ndjson',
        ),
      ),
    );
    expect(revenue[0]?.n).toBe(93);
    const refused = expectFailure(as('mia', 'query', 'SELECT * FROM bronze.crm.customer_data'), 3);
    // Hidden exactly like a table that does not exist.
    expect(refused).toContain('Table bronze.crm.customer_data does not exist');
  });

  it('lineage of customer_ltv reaches bronze.crm.sales, and search finds "customer ltv"', () => {
    const lineage = JSON.parse(
      ok('lineage', 'gold.revenue.customer_ltv', '--upstream', '--json'),
    ) as { nodes: { name: string; kind: string }[] };
    expect(lineage.nodes.filter((n) => n.kind === 'table').map((n) => n.name)).toEqual([
      'gold.revenue.customer_ltv',
      'silver.crm.sales',
      'bronze.crm.sales',
    ]);
    const found = JSON.parse(ok('search', 'customer ltv', '--json')) as {
      results: { kind: string; fullName?: string; name: string }[];
    };
    expect(found.results[0]?.fullName).toBe('gold.revenue.customer_ltv');
    expect(found.results.map((r) => r.name)).toContain('Customer LTV');
  });

  it("the tables carry the brief's metadata: metric, feature store, model, owner, quality", () => {
    // The brief's gold row, all in `lakeward describe`: metric, feature store, owner, model.
    const described = ok('describe', 'gold.revenue.customer_ltv');
    expect(described).toContain('Customer LTV (business metric)');
    expect(described).toMatch(/feature_store\s+customer_ltv_feature_group/);
    expect(described).toMatch(/business owner:\s+group marketing_team <marketing@company.com>/);
    expect(described).toMatch(/consumed by:\s+model churn_v3/);
    expect(ok('lineage', 'models', 'list', 'gold.revenue.customer_ltv')).toContain('churn_v3');
    // The brief's silver row: transformation, quality, null rates, domain, lineage.
    const silver = ok('describe', 'silver.crm.sales');
    expect(silver).toMatch(/transformed_by\s+demo_silver_sales@1/);
    expect(silver).toMatch(/quality_score\s+1/);
    expect(silver).toMatch(/quality_status\s+passed/);
    expect(silver).toMatch(/null_rate\.customer_id\s+0/);
    expect(silver).toMatch(/business_domain\s+crm/);
    expect(silver).toMatch(/upstream_tables\s+bronze\.crm\.sales/);
  });

  it('refuses to run twice on the same home, saying how to try it again', () => {
    const stderr = expectFailure(lakeward(home, 'demo'), 4);
    expect(stderr).toContain('The demo already ran');
    // A user who is not an admin is refused before anything else, existing home or not.
    expect(expectFailure(as('mia', 'demo'), 5)).toContain('mia is not an admin');
  });
});

function expectOk(run: { code: number | null; stdout: string; stderr: string }): string {
  expect(run.code, run.stderr).toBe(0);
  return run.stdout;
}
