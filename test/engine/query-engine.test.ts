import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryEngine } from '../../src/engine/index.js';
import { DuckDBInstance } from '@duckdb/node-api';
import { FixtureCatalog, currentSnapshotId, oldSnapshotId } from './query-fixtures.js';
import { failure } from '../failure.js';

let catalog: FixtureCatalog;
let engine: QueryEngine;

beforeAll(async () => {
  catalog = await FixtureCatalog.create();
  engine = new QueryEngine({
    tempDir: path.join(catalog.dir, 'tmp'),
    timeoutMs: 30_000,
    memoryLimit: '256MB',
    threads: 1,
    maxResultRows: 1000,
  });
});

afterAll(() => {
  engine.close();
  catalog.remove();
});

async function rows(sql: string, resolver = catalog.resolver()): Promise<unknown[][]> {
  return (await engine.execute(sql, resolver)).rows;
}

describe('QueryEngine.execute', () => {
  it('reads a catalog table by its name and reports the snapshot read', async () => {
    const result = await engine.execute(
      'SELECT invoice_id, customer, amount, issued FROM bronze.retail.invoices ORDER BY invoice_id',
      catalog.resolver(),
    );
    expect(result.columns).toEqual([
      { name: 'invoice_id', type: 'BIGINT' },
      { name: 'customer', type: 'VARCHAR' },
      { name: 'amount', type: 'DECIMAL(10,2)' },
      { name: 'issued', type: 'DATE' },
    ]);
    expect(result.rows[0]).toEqual([1, 'alice', '10.50', '2026-01-01']);
    expect(result.rowCount).toBe(5);
    expect(result.truncated).toBe(false);
    expect(result.tablesRead).toEqual([
      { name: 'bronze.retail.invoices', snapshotId: currentSnapshotId.toString() },
    ]);
  });

  it('joins two tables across layers, with the table name usable as a qualifier', async () => {
    const sql = `SELECT invoices.customer, customers.segment, sum(invoices.amount) AS total
      FROM bronze.retail.invoices JOIN silver.crm.customers USING (customer)
      GROUP BY ALL ORDER BY 1`;
    expect(await rows(sql)).toEqual([
      ['alice', 'gold', '50.50'],
      ['bob', 'silver', '20.00'],
      ['carol', 'gold', '30.25'],
    ]);
  });

  it('lets a CTE name shadow a catalog table', async () => {
    const resolver = catalog.resolver();
    const sql = `WITH customers AS (SELECT 'zed' AS customer)
      SELECT customer FROM customers UNION ALL SELECT customer FROM silver.crm.customers ORDER BY 1`;
    expect(await rows(sql, resolver)).toEqual([['alice'], ['bob'], ['carol'], ['zed']]);
    expect(resolver.asked.map((r) => r.parts)).toEqual([['silver', 'crm', 'customers']]);
  });

  it('resolves tables inside subqueries in WHERE', async () => {
    const sql = `SELECT invoice_id FROM bronze.retail.invoices
      WHERE customer IN (SELECT customer FROM silver.crm.customers WHERE segment = 'gold')
      ORDER BY 1`;
    expect(await rows(sql)).toEqual([[1], [3], [4]]);
  });

  it('reads an older snapshot with AT (VERSION => id), a 19-digit id kept exact', async () => {
    const resolver = catalog.resolver();
    const result = await engine.execute(
      `SELECT count(*) AS n FROM bronze.retail.invoices AT (VERSION => ${oldSnapshotId})`,
      resolver,
    );
    expect(result.rows).toEqual([[3]]);
    expect(resolver.asked[0]?.at).toEqual({ kind: 'snapshot', snapshotId: oldSnapshotId });
    expect(result.tablesRead[0]?.snapshotId).toBe('1234567890123456789');
  });

  it('reads two snapshots of one table side by side', async () => {
    const sql = `SELECT (SELECT count(*) FROM bronze.retail.invoices AT (TIMESTAMP => '2026-01-01 12:00:00')) AS then,
      (SELECT count(*) FROM bronze.retail.invoices) AS now`;
    expect(await rows(sql)).toEqual([[3, 5]]);
  });

  it('binds columns qualified with the catalog path of their table', async () => {
    const sql = `SELECT retail.invoices.customer, bronze.retail.invoices.invoice_id
      FROM bronze.retail.invoices WHERE invoices.invoice_id = 2`;
    expect(await rows(sql)).toEqual([['bob', 2]]);
  });

  it('reads a table without data files as empty, with its columns', async () => {
    const result = await engine.execute('SELECT * FROM gold.crm.empty', catalog.resolver());
    expect(result.columns).toEqual([
      { name: 'customer', type: 'VARCHAR' },
      { name: 'segment', type: 'VARCHAR' },
    ]);
    expect(result.rows).toEqual([]);
  });

  it('marks an answer longer than maxRows as truncated', async () => {
    const result = await engine.execute(
      'SELECT * FROM bronze.retail.invoices',
      catalog.resolver(),
      {
        maxRows: 2,
      },
    );
    expect(result.rows).toHaveLength(2);
    expect(result).toMatchObject({ rowCount: 2, truncated: true });
  });

  it('passes pushable WHERE conjuncts of a one-table query to the resolver for pruning', async () => {
    const resolver = catalog.resolver();
    await engine.execute(
      "SELECT * FROM bronze.retail.invoices WHERE invoice_id >= 4 AND region = 'US' AND length(customer) > 1",
      resolver,
    );
    expect(resolver.asked.at(-1)?.filter).toEqual({
      op: 'and',
      left: { op: 'gte', field: 'invoice_id', value: 4n },
      right: { op: 'eq', field: 'region', value: 'US' },
    });
  });

  it('resolves a filtered table once when the resolver can describe it', async () => {
    const resolver = catalog.resolver({}, true);
    const result = await engine.execute(
      'SELECT invoice_id FROM bronze.retail.invoices WHERE invoice_id < 2',
      resolver,
    );
    expect(result.rows).toEqual([[1]]);
    expect(resolver.asked).toEqual([
      {
        parts: ['bronze', 'retail', 'invoices'],
        filter: { op: 'lt', field: 'invoice_id', value: 2n },
      },
    ]);
  });

  it('encodes values JSON-safely', async () => {
    const result = await engine.execute(
      `SELECT 9007199254740993::BIGINT AS big, 42::BIGINT AS small, 1.5::DECIMAL(4,2) AS dec,
         TIMESTAMP '2026-01-01 10:00:00.5' AS ts, TIMESTAMPTZ '2026-01-01 10:00:00+02' AS tstz,
         '\\x00\\xFF'::BLOB AS bytes, [1, 2] AS list, {'a': 1, 'b': NULL} AS obj,
         'NaN'::DOUBLE AS nan, NULL AS nothing`,
      catalog.resolver(),
    );
    expect(result.rows[0]).toEqual([
      '9007199254740993',
      42,
      '1.50',
      '2026-01-01T10:00:00.5',
      '2026-01-01T08:00:00Z',
      'AP8=',
      [1, 2],
      { a: 1, b: null },
      'NaN',
      null,
    ]);
  });
});

describe('governed views', () => {
  const policy = {
    'bronze.retail.invoices': {
      columns: ['invoice_id', 'customer', 'ssn'],
      masks: { ssn: "'***-**-' || right(ssn, 4)" },
      rowFilter: "region = 'US'",
    },
  };

  it('applies columns, masks and the row filter (over a column the caller cannot see)', async () => {
    const result = await engine.execute(
      'SELECT * FROM bronze.retail.invoices ORDER BY invoice_id',
      catalog.resolver(policy),
    );
    expect(result.columns.map((c) => c.name)).toEqual(['invoice_id', 'customer', 'ssn']);
    expect(result.rows).toEqual([
      [1, 'alice', '***-**-1111'],
      [3, 'carol', '***-**-3333'],
      [5, 'dave', null],
    ]);
  });

  it('never matches the real value of a masked column, in WHERE, JOIN or GROUP BY', async () => {
    const resolver = catalog.resolver(policy);
    expect(
      await rows("SELECT * FROM bronze.retail.invoices WHERE ssn = '111-11-1111'", resolver),
    ).toEqual([]);
    const joined = `SELECT count(*) FROM bronze.retail.invoices i
      JOIN (VALUES ('111-11-1111')) v(s) ON i.ssn = v.s`;
    expect(await rows(joined, resolver)).toEqual([[0]]);
    const grouped = 'SELECT DISTINCT ssn FROM bronze.retail.invoices ORDER BY 1';
    expect(await rows(grouped, resolver)).toEqual([['***-**-1111'], ['***-**-3333'], [null]]);
    // The masked column is not pushed down: pruning on the real value would be wrong.
    expect(resolver.asked.every((r) => r.filter === undefined)).toBe(true);
  });

  it('never prunes files on a column the caller cannot see', async () => {
    const resolver = catalog.resolver(policy);
    const sql = 'SELECT * FROM bronze.retail.invoices WHERE invoice_id >= 4 AND amount > 1';
    expect((await failure(engine.execute(sql, resolver))).code).toBe('SQL_ERROR');
    expect(resolver.asked.at(-1)?.filter).toEqual({ op: 'gte', field: 'invoice_id', value: 4n });
  });

  it('hides filtered rows from every reference, subqueries and aggregates included', async () => {
    const resolver = catalog.resolver(policy);
    const sql = `SELECT (SELECT count(*) FROM bronze.retail.invoices),
      (SELECT count(*) FROM bronze.retail.invoices AT (VERSION => ${oldSnapshotId}) WHERE customer = 'bob')`;
    expect(await rows(sql, resolver)).toEqual([[3, 0]]);
  });

  it('refuses a column the caller may not see, naming the table as written', async () => {
    const err = await failure(
      engine.execute('SELECT amount FROM bronze.retail.invoices', catalog.resolver(policy)),
    );
    expect(err.code).toBe('SQL_ERROR');
    expect(err.message).toContain('amount');
    expect(err.message).not.toMatch(/lw_t\d|LINE \d/);
  });
});

describe('errors', () => {
  it('passes the resolver’s NotFound through for an unknown table', async () => {
    const err = await failure(
      engine.execute('SELECT * FROM bronze.nope.missing', catalog.resolver()),
    );
    expect(err.code).toBe('TABLE_NOT_FOUND');
  });

  it('keeps a resolver’s own failure internal, its text out of the message', async () => {
    const broken = { resolve: () => Promise.reject(new Error('db password is hunter2')) };
    const err = await failure(engine.execute('SELECT * FROM bronze.retail.invoices', broken));
    expect(err.code).toBe('INTERNAL');
    expect(err.message).not.toContain('hunter2');
  });

  it('reports a syntax error with DuckDB’s message and its position', async () => {
    const err = await failure(
      engine.execute('SELECT *\nFROM bronze.retail.invoices WHER x = 1', catalog.resolver()),
    );
    expect(err.code).toBe('SQL_SYNTAX_ERROR');
    expect(err.message).toMatch(/syntax error at or near "x"/);
    expect(err.details).toEqual({ position: 42, line: 2, column: 34 });
    expect(err.hint).toContain('x = 1');
  });

  it('reports a binder error with the user’s table name and no stack trace', async () => {
    const err = await failure(
      engine.execute('SELECT nosuch FROM bronze.retail.invoices', catalog.resolver()),
    );
    expect(err.code).toBe('SQL_ERROR');
    expect(err.message).toMatch(/Referenced column "nosuch" not found.*\(line 1, column 8\)/s);
    expect(err.details).toEqual({ position: 7, line: 1, column: 8 });
    expect(err.message).not.toMatch(/lw_t\d|\n\s+at /);
  });

  it('reports a conversion error at run time', async () => {
    const err = await failure(
      engine.execute(
        'SELECT CAST(customer AS INTEGER) FROM bronze.retail.invoices',
        catalog.resolver(),
      ),
    );
    expect(err.code).toBe('SQL_ERROR');
    expect(err.message).toMatch(/Conversion Error/);
  });

  it('refuses a memory limit DuckDB cannot read', async () => {
    const err = await failure(
      engine.execute('SELECT 1', catalog.resolver(), { memoryLimit: 'lots' }),
    );
    expect(err.code).toBe('INVALID_QUERY_LIMITS');
    expect(err.hint).toContain('2GB');
  });

  it('names the memory limit setting when a query runs out of memory', async () => {
    const err = await failure(
      engine.execute('SELECT list(range) FROM range(20000000)', catalog.resolver(), {
        memoryLimit: '20MB',
      }),
    );
    expect(err.code).toBe('SQL_ERROR');
    expect(err.message).toContain('20MB');
    expect(err.hint).toContain('query.memoryLimit');
  });
});

describe('escape attempts through the engine', () => {
  it('sends a path written as a table name to the catalog, which knows no such table', async () => {
    const resolver = catalog.resolver();
    const err = await failure(engine.execute("SELECT * FROM '/etc/passwd'", resolver));
    expect(err.code).toBe('TABLE_NOT_FOUND');
    expect(resolver.asked).toEqual([{ parts: ['/etc/passwd'] }]);
  });

  it('does not let a query name the generated views itself', async () => {
    const err = await failure(
      engine.execute('SELECT * FROM silver.crm.customers, lw_t1', catalog.resolver()),
    );
    expect(err.code).toBe('TABLE_NOT_FOUND');
  });

  it('refuses a file read hidden in a query over a real table', async () => {
    const sql = `SELECT * FROM silver.crm.customers
      WHERE customer IN (SELECT column0 FROM read_csv('/etc/passwd'))`;
    const err = await failure(engine.execute(sql, catalog.resolver()));
    expect(err.code).toBe('TABLE_FUNCTION_NOT_ALLOWED');
  });
});

describe('timeouts and cancellation', () => {
  const slow =
    'SELECT count(*) FROM range(1000000000) a, range(1000000) b WHERE a.range + b.range = 7';

  it('stops a query at its time limit and says how to raise it', async () => {
    const started = Date.now();
    const err = await failure(engine.execute(slow, catalog.resolver(), { timeoutMs: 200 }));
    expect(err.code).toBe('QUERY_TIMEOUT');
    expect(err.message).toContain('200 ms');
    expect(err.hint).toMatch(/query\.timeoutMs/);
    expect(err.hint).toMatch(/--timeout/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('stops a query when its caller aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const err = await failure(
      engine.execute(slow, catalog.resolver(), { signal: controller.signal }),
    );
    expect(err.code).toBe('CANCELLED');
  });

  it('stops every running query on close', async () => {
    const other = new QueryEngine({
      tempDir: path.join(catalog.dir, 'tmp'),
      timeoutMs: 30_000,
      memoryLimit: '64MB',
      threads: 1,
      maxResultRows: 10,
    });
    const running = failure(other.execute(slow, catalog.resolver()));
    setTimeout(() => other.close(), 100);
    expect((await running).code).toBe('CANCELLED');
  });

  it('keeps working after an interrupted query', async () => {
    expect(await rows('SELECT count(*) FROM silver.crm.customers')).toEqual([[3]]);
  });
});

describe('streams and exports', () => {
  async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
    const parts: string[] = [];
    for await (const part of iterable) parts.push(part);
    return parts;
  }

  it('streams CSV with a header and RFC 4180 quoting', async () => {
    const sql = `SELECT invoice_id, customer || ', "jr"' AS who, amount FROM bronze.retail.invoices
      WHERE invoice_id IN (1, 5) ORDER BY 1`;
    const text = (await collect(engine.stream(sql, catalog.resolver(), 'csv'))).join('');
    expect(text).toBe('invoice_id,who,amount\r\n1,"alice, ""jr""",10.50\r\n5,"dave, ""jr""",\r\n');
  });

  it('streams NDJSON chunk by chunk', async () => {
    const sql = 'SELECT range AS n, range % 2 = 0 AS even FROM range(5000)';
    const parts = await collect(engine.stream(sql, catalog.resolver(), 'ndjson'));
    expect(parts.length).toBeGreaterThan(1);
    const lines = parts.join('').trimEnd().split('\n');
    expect(lines).toHaveLength(5000);
    expect(JSON.parse(lines[1] as string)).toEqual({ n: 1, even: false });
  });

  it('releases the sandbox when a reader stops early', async () => {
    const spill = path.join(catalog.dir, 'tmp');
    const before = fs.readdirSync(spill).length;
    for await (const part of engine.stream(
      'SELECT * FROM range(100000)',
      catalog.resolver(),
      'csv',
    )) {
      expect(part).toBe('range\r\n');
      break;
    }
    // Idle sandboxes of earlier queries keep theirs; this one's is gone.
    expect(fs.readdirSync(spill).length).toBeLessThanOrEqual(before);
  });

  it('runs queries side by side, each in its own sandbox', async () => {
    const answers = await Promise.all(
      ['alice', 'bob', 'carol'].map((who) =>
        rows(`SELECT segment FROM silver.crm.customers WHERE customer = '${who}'`),
      ),
    );
    expect(answers).toEqual([[['gold']], [['silver']], [['gold']]]);
  });

  it('exports a Parquet file with the answer', async () => {
    const out = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), 'lakeward-export-')),
      'out.parquet',
    );
    const { rows: count } = await engine.exportParquet(
      "SELECT * FROM bronze.retail.invoices WHERE region = 'US'",
      catalog.resolver(),
      out,
    );
    expect(count).toBe(3);
    expect(fs.readdirSync(path.dirname(out))).toEqual(['out.parquet']);
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    const back = await db.runAndReadAll(`SELECT invoice_id FROM '${out}' ORDER BY 1`);
    expect(back.getRowsJS()).toEqual([[1n], [3n], [5n]]);
    db.closeSync();
    instance.closeSync();
  });
});
