import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFound } from '../../src/errors/index.js';
import { QueryEngine } from '../../src/engine/index.js';
import type { TableResolver } from '../../src/engine/index.js';
import { failure } from '../failure.js';
import { FixtureCatalog, oldSnapshotId } from './query-fixtures.js';

/**
 * Attempts to read around governance through the query engine: bronze.retail.invoices
 * is granted with ssn masked and only US rows visible; silver.crm.customers is not
 * granted (the resolver answers as the catalog does for a table the caller cannot see).
 */
let catalog: FixtureCatalog;
let engine: QueryEngine;
let dataFile: string;

const rawSsns = ['111-11-1111', '222-22-2222', '333-33-3333'];
const hiddenCustomer = 'bob'; // only in an EU row

beforeAll(async () => {
  catalog = await FixtureCatalog.create();
  dataFile = catalog.tables.get('bronze.retail.invoices')!.snapshots[0]!.files[0]!;
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

function governed(): TableResolver {
  const inner = catalog.resolver({
    'bronze.retail.invoices': {
      masks: { ssn: "concat('***-**-', right(ssn, 4))" },
      rowFilter: "region = 'US'",
    },
  });
  return {
    resolve: (ref) =>
      ref.parts.join('.').toLowerCase() === 'silver.crm.customers'
        ? Promise.reject(
            new NotFound('TABLE_NOT_FOUND', `Table ${ref.parts.join('.')} does not exist.`, {
              hint: 'List tables with lakeward catalog tables.',
            }),
          )
        : inner.resolve(ref),
  };
}

async function rows(sql: string): Promise<unknown[][]> {
  return (await engine.execute(sql, governed())).rows;
}

async function refused(sql: string, code: string, message: RegExp): Promise<void> {
  const err = await failure(engine.execute(sql, governed()));
  expect(err.code).toBe(code);
  expect(err.message).toMatch(message);
  // A hint is a sentence telling what to do instead, not an echo of the message.
  expect(err.hint).toMatch(/\w+ \w+ \w+/);
  expect(err.hint).not.toBe(err.message);
  for (const secret of [...rawSsns, hiddenCustomer]) expect(err.message).not.toContain(secret);
}

/** No raw ssn and no hidden row's value anywhere in the answer. */
function expectNothingRaw(answer: unknown[][]): void {
  const text = JSON.stringify(answer);
  for (const secret of [...rawSsns, `"${hiddenCustomer}"`]) expect(text).not.toContain(secret);
}

const invoices = 'bronze.retail.invoices';
const notGranted = /silver\.crm\.customers does not exist/i;

describe('reading outside the catalog', () => {
  it.each([
    ["SELECT * FROM read_csv('/etc/passwd')", /read_csv\(\) is not allowed/],
    ["SELECT * FROM read_text('/etc/passwd')", /read_text\(\) is not allowed/],
    ["SELECT * FROM glob('*')", /glob\(\) is not allowed/],
    ["SELECT * FROM query('SELECT 1')", /query\(\) is not allowed/],
    ["SELECT * FROM query_table('silver.crm.customers')", /query_table\(\) is not allowed/],
    ["SELECT * FROM sql_auto_complete('SELECT * FROM ')", /sql_auto_complete\(\) is not allowed/],
    ['SELECT * FROM duckdb_settings()', /duckdb_settings\(\) is not allowed/],
    ['SELECT * FROM duckdb_tables()', /duckdb_tables\(\) is not allowed/],
    ["SELECT * FROM main.read_csv('/etc/passwd')", /read_csv\(\) is not allowed/],
    [
      "SELECT * FROM json_execute_serialized_sql(json_serialize_sql('SELECT * FROM silver.crm.customers'))",
      /json_execute_serialized_sql\(\) is not allowed/,
    ],
  ])('refuses the table function in %s', async (sql, message) => {
    await refused(sql, 'TABLE_FUNCTION_NOT_ALLOWED', message);
  });

  it('refuses read_parquet even on the granted table’s own data file', async () => {
    await refused(
      `SELECT ssn FROM read_parquet('${dataFile}')`,
      'TABLE_FUNCTION_NOT_ALLOWED',
      /read_parquet/,
    );
  });

  it('resolves a quoted file path (a replacement scan) as a catalog name, which does not exist', async () => {
    const err = await failure(engine.execute(`SELECT ssn FROM '${dataFile}'`, governed()));
    expect(err.code).toBe('TABLE_NOT_FOUND');
    await refused("SELECT * FROM 'file.parquet'", 'TABLE_NOT_FOUND', /file\.parquet/);
  });

  it.each([
    ["SELECT getenv('HOME')", /getenv\(\) is not allowed/],
    ["SELECT main.getenv('HOME')", /getenv\(\) is not allowed/],
    ["SELECT current_setting('threads')", /current_setting\(\) is not allowed/],
    ["SELECT glob('*')", /glob\(\) is not allowed/],
    [`SELECT invoice_id FROM ${invoices} WHERE getvariable('x') IS NULL`, /getvariable/],
  ])('refuses the scalar function in %s', async (sql, message) => {
    await refused(sql, 'FUNCTION_NOT_ALLOWED', message);
  });

  it('refuses DuckDB macros that read its catalog, such as pg_get_viewdef (the views’ SQL)', async () => {
    await refused(
      `SELECT pg_get_viewdef(x) FROM range(0, 100000) r(x), ${invoices} WHERE pg_get_viewdef(x) IS NOT NULL`,
      'FUNCTION_NOT_ALLOWED',
      /pg_get_viewdef\(\) is not allowed/,
    );
    await refused(`SELECT stats(customer) FROM ${invoices}`, 'FUNCTION_NOT_ALLOWED', /stats/);
  });

  it('refuses every built-in macro whose body a query could not contain itself', async () => {
    // Macros expand after our checks: one whose body reads a table or calls a refused
    // function must be refused by name. This fails when a DuckDB upgrade adds one.
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    const macros = (
      await db.runAndReadAll(
        "SELECT DISTINCT function_name, macro_definition FROM duckdb_functions() WHERE function_type = 'macro'",
      )
    ).getRows() as [string, string][];
    db.closeSync();
    instance.closeSync();
    const unsafe: string[] = [];
    for (const [name, body] of macros) {
      const reads = await engine.analyze(`SELECT ${body}`).then(
        ({ tables }) => tables.length > 0,
        () => true,
      );
      if (reads) unsafe.push(name);
    }
    expect(unsafe).toContain('pg_get_viewdef');
    for (const name of unsafe) {
      const err = await failure(engine.analyze(`SELECT ${name}()`));
      expect(err.code, name).toBe('FUNCTION_NOT_ALLOWED');
    }
  });

  it('lets json_serialize_sql parse text but never run it', async () => {
    const [[tree]] = (await rows(
      "SELECT json_serialize_sql('SELECT * FROM silver.crm.customers')",
    )) as [[string]];
    expect(tree).toContain('"table_name":"customers"');
    expect(tree).not.toContain('gold');
  });

  it.each([
    ['SELECT * FROM information_schema.tables', /information_schema\.tables does not exist/],
    ['SELECT * FROM pg_catalog.pg_class', /pg_catalog\.pg_class does not exist/],
    ['SELECT * FROM sqlite_master', /sqlite_master does not exist/],
    ['SELECT * FROM lw_t1_00000000', /lw_t1_00000000 does not exist/],
    [`SELECT * FROM ${invoices} JOIN lw_t1_deadbeef USING (customer)`, /lw_t1_deadbeef/],
  ])('sends system catalogs and guessed view names to the resolver: %s', async (sql, message) => {
    await refused(sql, 'TABLE_NOT_FOUND', message);
  });
});

describe('statements other than one SELECT', () => {
  it.each([
    "ATTACH '/tmp/other.db' AS other",
    `COPY ${invoices} TO '/tmp/out.csv'`,
    `COPY (SELECT * FROM ${invoices}) TO '/tmp/out.parquet'`,
    "EXPORT DATABASE '/tmp/export'",
    'INSTALL httpfs',
    'LOAD httpfs',
    "SET memory_limit = '100GB'",
    'SET enable_external_access = true',
    'RESET threads',
    'PRAGMA database_list',
    'CALL duckdb_settings()',
    `CREATE TABLE stolen AS SELECT * FROM ${invoices}`,
    `INSERT INTO ${invoices} VALUES (9, 'eve', 1, 'US', 'x', DATE '2026-01-01')`,
    `DELETE FROM ${invoices}`,
    `DROP TABLE ${invoices}`,
    'CREATE MACRO leak(x) AS x',
    `PREPARE p AS SELECT * FROM ${invoices}`,
    'EXECUTE p',
    `DESCRIBE ${invoices}`,
    `SUMMARIZE ${invoices}`,
    'SHOW TABLES',
    `EXPLAIN SELECT * FROM ${invoices}`,
    `EXPLAIN ANALYZE SELECT * FROM ${invoices}`,
    'USE silver.crm',
    'CHECKPOINT',
    "SET VARIABLE k = 'v'",
    `UPDATE ${invoices} SET ssn = NULL`,
    `SELECT 1; SELECT * FROM silver.crm.customers`,
    `SELECT 1 /* ; */ ; DROP TABLE ${invoices}`,
    `SELECT 1 -- harmless\n; SELECT * FROM silver.crm.customers`,
  ])('refuses %s', async (sql) => {
    const err = await failure(engine.execute(sql, governed()));
    expect(err.code).toBe('STATEMENT_NOT_ALLOWED');
    expect(err.message).toMatch(/not allowed|only one is allowed/);
    expect(err.hint).toMatch(/read-only SELECT|one SELECT/);
  });

  it('runs the SELECT a comment leaves, and nothing the comment hides', async () => {
    const answer = await rows(
      `SELECT count(*) FROM ${invoices} -- ; SELECT * FROM silver.crm.customers`,
    );
    expect(answer).toEqual([[3]]);
    expect(await rows(`SELECT /* ; DROP TABLE x; */ count(*) FROM ${invoices}`)).toEqual([[3]]);
  });
});

describe('reaching the ungranted table another way', () => {
  it.each([
    'WITH c AS (SELECT * FROM silver.crm.customers) SELECT * FROM c',
    'WITH customers AS (SELECT 1) SELECT * FROM silver.crm.customers',
    `SELECT * FROM ${invoices} WHERE customer IN (SELECT customer FROM silver.crm.customers)`,
    `SELECT customer FROM ${invoices} UNION ALL SELECT segment FROM silver.crm.customers`,
    `SELECT * FROM ${invoices} i, LATERAL (SELECT segment FROM silver.crm.customers c WHERE c.customer = i.customer)`,
    `SELECT (SELECT max(segment) FROM silver.crm.customers)`,
    'SELECT * FROM "silver"."crm"."customers"',
    'SELECT * FROM SILVER.Crm.CUSTOMERS',
    'FROM silver.crm.customers',
    `WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r, silver.crm.customers WHERE n < 3) SELECT * FROM r`,
    `SELECT * FROM ${invoices} WHERE EXISTS (SELECT 1 FROM silver.crm.customers c WHERE c.segment = 'gold')`,
  ])('refuses %s as not found', async (sql) => {
    await refused(sql, 'TABLE_NOT_FOUND', notGranted);
  });
});

describe('masked and filtered data stays masked and filtered', () => {
  it('shows masked ssns of US rows, however the table is named', async () => {
    for (const name of [invoices, '"bronze"."retail"."invoices"', 'BRONZE.Retail.INVOICES']) {
      const answer = await rows(`SELECT invoice_id, ssn FROM ${name} ORDER BY invoice_id`);
      expect(answer).toEqual([
        [1, '***-**-1111'],
        [3, '***-**-3333'],
        [5, '***-**-'],
      ]);
    }
  });

  it.each([
    [`SELECT * FROM ${invoices} WHERE ssn = '111-11-1111'`],
    [`SELECT * FROM ${invoices} WHERE ssn LIKE '111%'`],
    [`SELECT * FROM ${invoices} WHERE starts_with(ssn, '1')`],
    [`SELECT i.* FROM ${invoices} i JOIN (VALUES ('111-11-1111')) v(s) ON i.ssn = v.s`],
    [`SELECT region FROM ${invoices} GROUP BY region HAVING max(ssn) = '333-33-3333'`],
    [`SELECT * FROM ${invoices} WHERE region = 'EU'`],
    [`SELECT * FROM ${invoices} WHERE customer = 'bob'`],
  ])('finds no row by a raw value: %s', async (sql) => {
    expect(await rows(sql)).toEqual([]);
  });

  it.each([
    `SELECT ssn, count(*) FROM ${invoices} GROUP BY ssn ORDER BY ssn`,
    `SELECT invoice_id FROM ${invoices} ORDER BY ssn`,
    `SELECT first_value(ssn) OVER (ORDER BY ssn), lag(ssn) OVER (PARTITION BY ssn) FROM ${invoices}`,
    `SELECT list(ssn), string_agg(ssn, ','), min(ssn), max(customer) FROM ${invoices}`,
    `SELECT COLUMNS('.*') FROM ${invoices}`,
    `SELECT * FROM ${invoices} t(a, b, c, d, e, f)`,
    `SELECT ssn FROM ${invoices} AT (VERSION => ${oldSnapshotId})`,
    `SELECT * FROM ${invoices} WHERE region = 'EU' OR true`,
    `SELECT * FROM ${invoices} a JOIN ${invoices} b ON a.invoice_id = b.invoice_id + 2`,
    `WITH x AS (SELECT * FROM ${invoices}) SELECT * FROM x UNION SELECT * FROM x`,
  ])('returns only masked, visible values: %s', async (sql) => {
    const answer = await rows(sql);
    expect(answer.length).toBeGreaterThan(0);
    expectNothingRaw(answer);
  });

  it('pivots on masked values only', async () => {
    const sql = `SELECT "111-11-1111", "***-**-1111" FROM (SELECT ssn FROM ${invoices})
      PIVOT (count(*) FOR ssn IN ('111-11-1111', '***-**-1111'))`;
    expect(await rows(sql)).toEqual([[0, 1]]);
  });

  it('does not prune files by a column the query renamed (FROM t AS x(a, b))', async () => {
    const resolver = catalog.resolver({}, true);
    const sql = `SELECT a FROM ${invoices} AS t(a, region) WHERE region = 'dave'`;
    expect((await engine.execute(sql, resolver)).rows).toEqual([[5]]);
    expect(resolver.asked.map((ref) => ref.filter)).toEqual([undefined]);
  });

  it('counts only the visible rows, at any snapshot', async () => {
    expect(await rows(`SELECT count(*) FROM ${invoices}`)).toEqual([[3]]);
    expect(await rows(`SELECT count(*) FROM ${invoices} AT (VERSION => ${oldSnapshotId})`)).toEqual(
      [[2]],
    );
  });

  it('does not show a hidden or raw value in a conversion error', async () => {
    for (const sql of [
      `SELECT * FROM ${invoices} WHERE CAST(customer AS INTEGER) = 1`,
      `SELECT * FROM ${invoices} WHERE CAST(ssn AS INTEGER) = 1`,
      `SELECT CAST(customer AS INTEGER) FROM ${invoices} ORDER BY region DESC`,
    ]) {
      const err = await failure(engine.execute(sql, governed()));
      expect(err.code).toBe('SQL_ERROR');
      expect(err.message).toMatch(/Could not convert|Conversion Error/);
      for (const secret of [...rawSsns, hiddenCustomer]) expect(err.message).not.toContain(secret);
    }
  });
});

describe('oversized queries', () => {
  it('refuses SQL text over 100,000 characters before parsing it', async () => {
    const sql = `SELECT ${Array.from({ length: 30_000 }, () => '1').join(' + ')} FROM ${invoices}`;
    await refused(sql, 'QUERY_TOO_COMPLEX', /characters long; at most 100000/);
  });

  it('refuses parentheses nested deeper than 200 levels', async () => {
    const sql = `SELECT ${'('.repeat(5000)}1${')'.repeat(5000)}`;
    await refused(sql, 'QUERY_TOO_COMPLEX', /nests parentheses 5000 levels deep/);
    const subqueries = `SELECT ${'(SELECT '.repeat(300)}1${')'.repeat(300)}`;
    await refused(subqueries, 'QUERY_TOO_COMPLEX', /300 levels deep/);
  });

  it('says the same when DuckDB’s own expression depth is exceeded', async () => {
    const sql = `SELECT ${'NOT '.repeat(3000)} true`;
    await refused(sql, 'QUERY_TOO_COMPLEX', /deeper than the SQL parser allows/);
  });

  it('still runs parentheses inside strings and comments, which do not nest', async () => {
    const answer = await rows(`SELECT '${'('.repeat(500)}' /* ${'('.repeat(500)} */ AS s`);
    expect(answer).toEqual([['('.repeat(500)]]);
  });
});
