import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { QueryEngine } from '../../src/engine/index.js';
import type { QueryEngineOptions } from '../../src/engine/index.js';
import { FixtureCatalog } from './query-fixtures.js';
import { failure } from '../failure.js';

/**
 * Sandboxes are reused between queries that need exactly the same files; these
 * tests check that reuse shares nothing a fresh sandbox would not have.
 */
let catalog: FixtureCatalog;
let engines: QueryEngine[] = [];

beforeAll(async () => {
  catalog = await FixtureCatalog.create();
});

afterEach(() => {
  for (const engine of engines) engine.close();
  engines = [];
});

afterAll(() => catalog.remove());

function newEngine(options: Partial<QueryEngineOptions> = {}): QueryEngine {
  const engine = new QueryEngine({
    tempDir: fs.mkdtempSync(path.join(catalog.dir, 'spill-')),
    timeoutMs: 30_000,
    memoryLimit: '128MB',
    threads: 1,
    maxResultRows: 1000,
    ...options,
  });
  engines.push(engine);
  return engine;
}

const customers = 'SELECT customer FROM silver.crm.customers ORDER BY 1';
const customersFile = () => path.join(catalog.dir, 'customers', 'data', 'part-1.parquet');

/** A mask (trusted SQL, run inside the sandbox) that reports the views the sandbox holds. */
const viewsMask = {
  'silver.crm.customers': {
    masks: {
      segment: "(SELECT string_agg(view_name, ',') FROM duckdb_views() WHERE NOT internal)",
    },
  },
};

describe('sandbox reuse', () => {
  it('serves a second query on the same files without a new DuckDB instance', async () => {
    const engine = newEngine();
    expect((await engine.execute(customers, catalog.resolver())).rows).toHaveLength(3);
    expect((await engine.execute(customers, catalog.resolver())).rows).toHaveLength(3);
    expect(engine.sandboxesOpened).toBe(1);
  });

  it('leaves none of a query’s views behind for the next one', async () => {
    const engine = newEngine();
    await engine.execute(
      'SELECT * FROM silver.crm.customers a, silver.crm.customers b',
      catalog.resolver(),
    );
    const result = await engine.execute(
      'SELECT DISTINCT segment FROM silver.crm.customers',
      catalog.resolver(viewsMask),
    );
    expect(engine.sandboxesOpened).toBe(1);
    const views = String(result.rows[0]?.[0]).split(',');
    expect(views).toHaveLength(1);
    expect(views[0]).toMatch(/^lw_t1_[0-9a-f]{8}$/);
  });

  it('gives each query views of its own name', async () => {
    const engine = newEngine();
    const mask = 'SELECT DISTINCT segment FROM silver.crm.customers';
    const first = await engine.execute(mask, catalog.resolver(viewsMask));
    const second = await engine.execute(mask, catalog.resolver(viewsMask));
    expect(engine.sandboxesOpened).toBe(1);
    expect(first.rows[0]?.[0]).not.toBe(second.rows[0]?.[0]);
  });

  it('does not let a user list the sandbox’s views', async () => {
    const engine = newEngine();
    await engine.execute(customers, catalog.resolver());
    const listing = await failure(
      engine.execute('SELECT * FROM duckdb_views()', catalog.resolver()),
    );
    expect(listing.code).toBe('TABLE_FUNCTION_NOT_ALLOWED');
    const resolver = catalog.resolver();
    const schema = await failure(
      engine.execute('SELECT * FROM information_schema.tables', resolver),
    );
    expect(schema.code).toBe('TABLE_NOT_FOUND');
    expect(resolver.asked).toEqual([{ parts: ['information_schema', 'tables'] }]);
  });

  it('refuses functions whose state or counters would carry from one query to the next', async () => {
    const engine = newEngine();
    for (const call of ['setseed(0.5)', 'txid_current()', 'current_query_id()']) {
      const err = await failure(engine.execute(`SELECT ${call}`, catalog.resolver()));
      expect(err.code).toBe('FUNCTION_NOT_ALLOWED');
    }
  });

  it('opens another sandbox for other files, which cannot read the first one’s', async () => {
    const engine = newEngine();
    await engine.execute(customers, catalog.resolver());
    const peek = {
      'bronze.retail.invoices': {
        masks: { customer: `(SELECT max(customer) FROM read_parquet('${customersFile()}'))` },
      },
    };
    const err = await failure(
      engine.execute('SELECT customer FROM bronze.retail.invoices', catalog.resolver(peek)),
    );
    expect(err.message).toMatch(/Permission/);
    expect(engine.sandboxesOpened).toBe(2);
  });

  it('opens another sandbox for another memory limit', async () => {
    const engine = newEngine();
    await engine.execute(customers, catalog.resolver());
    await engine.execute(customers, catalog.resolver(), { memoryLimit: '96MB' });
    expect(engine.sandboxesOpened).toBe(2);
  });

  it('does not reuse the sandbox of a query that timed out', async () => {
    const engine = newEngine();
    await engine.execute(customers, catalog.resolver());
    const slow = `SELECT count(*) FROM silver.crm.customers, range(1000000000) a, range(1000000) b
      WHERE a.range + b.range = 7`;
    const err = await failure(engine.execute(slow, catalog.resolver(), { timeoutMs: 200 }));
    expect(err.code).toBe('QUERY_TIMEOUT');
    expect(engine.sandboxesOpened).toBe(1);
    expect((await engine.execute(customers, catalog.resolver())).rows).toHaveLength(3);
    expect(engine.sandboxesOpened).toBe(2);
  });

  it('does not reuse the sandbox of a query that failed', async () => {
    const engine = newEngine();
    const err = await failure(
      engine.execute('SELECT customer::INTEGER FROM silver.crm.customers', catalog.resolver()),
    );
    expect(err.code).toBe('SQL_ERROR');
    await engine.execute(customers, catalog.resolver());
    expect(engine.sandboxesOpened).toBe(2);
  });

  it('runs simultaneous queries on the same files in sandboxes of their own', async () => {
    const engine = newEngine();
    const answers = await Promise.all([
      engine.execute(customers, catalog.resolver()),
      engine.execute(customers, catalog.resolver()),
    ]);
    expect(answers.map((a) => a.rows)).toEqual([
      [['alice'], ['bob'], ['carol']],
      [['alice'], ['bob'], ['carol']],
    ]);
    expect(engine.sandboxesOpened).toBe(2);
    await engine.execute(customers, catalog.resolver());
    expect(engine.sandboxesOpened).toBe(2);
  });

  it('reuses a sandbox after a truncated answer', async () => {
    const engine = newEngine();
    const first = await engine.execute(customers, catalog.resolver(), { maxRows: 1 });
    expect(first.truncated).toBe(true);
    expect((await engine.execute(customers, catalog.resolver())).rows).toHaveLength(3);
    expect(engine.sandboxesOpened).toBe(1);
  });

  it('closes the sandbox of a stream its reader left, and its spill folder', async () => {
    const spill = fs.mkdtempSync(path.join(catalog.dir, 'spill-'));
    const engine = newEngine({ tempDir: spill });
    for await (const part of engine.stream(
      'SELECT * FROM range(100000)',
      catalog.resolver(),
      'csv',
    )) {
      expect(part).toBe('range\r\n');
      break;
    }
    expect(fs.readdirSync(spill)).toEqual([]);
    await engine.execute('SELECT 1', catalog.resolver());
    expect(engine.sandboxesOpened).toBe(2);
  });

  it('keeps no more idle sandboxes than allowed, nor longer', async () => {
    const engine = newEngine({ sandboxPool: { maxIdle: 1, idleMs: 100 } });
    await engine.execute(customers, catalog.resolver());
    await engine.execute('SELECT count(*) FROM bronze.retail.invoices', catalog.resolver());
    await engine.execute(customers, catalog.resolver());
    expect(engine.sandboxesOpened).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await engine.execute(customers, catalog.resolver());
    expect(engine.sandboxesOpened).toBe(4);
  });

  it('removes the idle sandboxes’ spill folders on close', async () => {
    const spill = fs.mkdtempSync(path.join(catalog.dir, 'spill-'));
    const engine = newEngine({ tempDir: spill });
    await engine.execute(customers, catalog.resolver());
    expect(fs.readdirSync(spill)).toHaveLength(1);
    engine.close();
    expect(fs.readdirSync(spill)).toEqual([]);
  });
});
