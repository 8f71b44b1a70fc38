import { describe, expect, it } from 'vitest';
import { QueryEngine } from '../../src/engine/index.js';
import { LakewardError } from '../../src/errors/index.js';

const engine = new QueryEngine({
  tempDir: '/nonexistent',
  timeoutMs: 10_000,
  memoryLimit: '64MB',
  maxResultRows: 10,
});

async function tables(sql: string): Promise<unknown[]> {
  return (await engine.analyze(sql)).tables;
}

async function refusal(sql: string): Promise<LakewardError> {
  const err = await engine.analyze(sql).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, sql).toBeInstanceOf(LakewardError);
  return err as LakewardError;
}

describe('QueryEngine.analyze', () => {
  it('finds every table, in joins, subqueries, set operations, LATERAL and window queries', async () => {
    const sql = `SELECT a.x, row_number() OVER (PARTITION BY a.x ORDER BY (SELECT 1 FROM w.s.win)) AS n
      FROM bronze.retail.invoices a
      JOIN silver.crm.customers c ON a.customer = c.customer
      CROSS JOIN LATERAL (SELECT * FROM gold.m.lat l WHERE l.id = a.x) lat
      WHERE EXISTS (SELECT 1 FROM gold.m.sub)
      GROUP BY ALL HAVING count(*) > (SELECT count(*) FROM gold.m.hav)
      QUALIFY n < (SELECT 2 FROM gold.m.qual)
      UNION SELECT 1, 2 FROM gold.m.other
      EXCEPT SELECT * FROM (VALUES (1, 2)) v(a, b)
      ORDER BY 1`;
    const parts = (await engine.analyze(sql)).tables.map((t) => t.parts.join('.'));
    expect(parts.sort()).toEqual([
      'bronze.retail.invoices',
      'gold.m.hav',
      'gold.m.lat',
      'gold.m.other',
      'gold.m.qual',
      'gold.m.sub',
      'silver.crm.customers',
      'w.s.win',
    ]);
  });

  it('keeps names as written, short ones included', async () => {
    expect(await tables('SELECT * FROM retail.invoices, invoices')).toEqual([
      { parts: ['retail', 'invoices'] },
      { parts: ['invoices'] },
    ]);
  });

  it('skips CTE names only where the CTE is in scope', async () => {
    const sql = `WITH invoices AS (SELECT 1 AS x)
      SELECT * FROM invoices, (SELECT * FROM customers) c
      WHERE x IN (WITH customers AS (SELECT 1) SELECT * FROM customers)`;
    expect(await tables(sql)).toEqual([{ parts: ['customers'] }]);
  });

  it('reads AT (VERSION => id) exactly, 19-digit ids included', async () => {
    expect(await tables('SELECT * FROM t AT (VERSION => 9223372036854775807)')).toEqual([
      { parts: ['t'], at: { kind: 'snapshot', snapshotId: 9223372036854775807n } },
    ]);
  });

  it('reads AT (TIMESTAMP => …) as UTC milliseconds, with or without the TIMESTAMP keyword', async () => {
    const expected = Date.parse('2026-01-01T10:00:00Z');
    for (const at of [
      "'2026-01-01 10:00:00'",
      "TIMESTAMP '2026-01-01 10:00:00'",
      "'2026-01-01T12:00:00+02:00'",
    ]) {
      expect(await tables(`SELECT * FROM t AT (TIMESTAMP => ${at})`)).toEqual([
        { parts: ['t'], at: { kind: 'timestamp', timestampMs: expected } },
      ]);
    }
  });

  it('refuses an AT clause that is not a literal', async () => {
    const err = await refusal('SELECT * FROM t AT (VERSION => 1 + 1)');
    expect(err.code).toBe('INVALID_TIME_TRAVEL');
    expect(err.hint).toContain('VERSION =>');
  });

  it('allows pure generator table functions', async () => {
    expect(await tables('SELECT * FROM range(3), unnest([1, 2])')).toEqual([]);
  });
});

describe('refused statements', () => {
  const statements: [string, string][] = [
    ['INSERT INTO t VALUES (1)', 'INSERT'],
    ['UPDATE t SET a = 1', 'UPDATE'],
    ['DELETE FROM t', 'DELETE'],
    ['CREATE TABLE x AS SELECT 1', 'CREATE'],
    ['CREATE MACRO m() AS 1', 'CREATE'],
    ['DROP TABLE t', 'DROP'],
    ["COPY (SELECT 1) TO '/tmp/out.csv'", 'COPY'],
    ["ATTACH '/etc/passwd' AS p", 'ATTACH'],
    ['SET enable_external_access = true', 'SET'],
    ["SET VARIABLE v = 'x'", 'SET'],
    ['RESET memory_limit', 'RESET'],
    ['PRAGMA version', 'PRAGMA'],
    ['INSTALL httpfs', 'INSTALL'],
    ['LOAD httpfs', 'LOAD'],
    ['CALL duckdb_settings()', 'CALL'],
    ['EXPLAIN SELECT 1', 'EXPLAIN'],
    ["EXPORT DATABASE '/tmp/x'", 'EXPORT'],
    ['CHECKPOINT', 'CHECKPOINT'],
    ['PIVOT t ON a USING sum(b)', 'PIVOT'],
  ];
  for (const [sql, keyword] of statements) {
    it(`refuses ${keyword}`, async () => {
      const err = await refusal(sql);
      expect(err.code).toBe('STATEMENT_NOT_ALLOWED');
      expect(err.message).toContain(keyword);
    });
  }

  it('refuses DESCRIBE, SHOW and SUMMARIZE', async () => {
    for (const sql of ['DESCRIBE SELECT 1', 'SHOW TABLES', 'SUMMARIZE SELECT 1']) {
      expect((await refusal(sql)).code).toBe('STATEMENT_NOT_ALLOWED');
    }
  });

  it('refuses more than one statement, and an empty one', async () => {
    expect((await refusal('SELECT 1; SELECT 2')).code).toBe('STATEMENT_NOT_ALLOWED');
    expect((await refusal(' -- nothing')).code).toBe('EMPTY_QUERY');
  });

  it('refuses file-reading table functions wherever they hide', async () => {
    for (const sql of [
      "SELECT * FROM read_csv('/etc/passwd')",
      "SELECT * FROM read_text('/etc/passwd')",
      "SELECT * FROM glob('/etc/*')",
      "SELECT * FROM query('SELECT 1')",
      'SELECT * FROM duckdb_settings()',
      "SELECT (SELECT count(*) FROM read_csv('/etc/passwd'))",
      "WITH x AS (SELECT * FROM read_parquet('/etc/*.parquet')) SELECT 1",
      "SELECT * FROM t, LATERAL (SELECT * FROM read_blob('/etc/passwd'))",
    ]) {
      expect((await refusal(sql)).code, sql).toBe('TABLE_FUNCTION_NOT_ALLOWED');
    }
  });

  it('refuses functions that read settings or the environment', async () => {
    for (const sql of [
      "SELECT getenv('HOME')",
      "SELECT current_setting('allowed_paths')",
      "SELECT 1 FROM t WHERE GETENV('HOME') IS NOT NULL",
      "SELECT getvariable('v')",
    ]) {
      const err = await refusal(sql);
      expect(err.code, sql).toBe('FUNCTION_NOT_ALLOWED');
    }
  });
});
