import { describe, expect, it } from 'vitest';
import { redactLiterals } from '../../src/engine/index.js';

describe('redactLiterals on statements DuckDB parses', () => {
  it('replaces strings, numbers, dates, blobs, intervals and LIMITs by ?', async () => {
    const sql = `SELECT * FROM t WHERE ssn = '123-45-6789' AND amount > 10.5
      AND d = DATE '2020-01-01' AND b = '\\xAA'::BLOB AND s IN ('a', 'b') LIMIT 10`;
    expect(await redactLiterals(sql)).toBe(
      'SELECT * FROM t WHERE ((ssn = ?) AND (amount > ?) AND (d = CAST(? AS DATE)) ' +
        'AND (b = CAST(? AS BLOB)) AND (s IN (?, ?))) LIMIT ?',
    );
  });

  it('also redacts values kept outside constants, such as a PIVOT … IN list', async () => {
    const sql = "SELECT * FROM t PIVOT (count(*) FOR ssn IN ('111-11-1111', 42)) USING SAMPLE 10";
    expect(await redactLiterals(sql)).toBe(
      'SELECT * FROM t PIVOT (count_star() FOR (ssn) IN (?, ?)) USING SAMPLE ? (Reservoir)',
    );
  });

  it('keeps quoted identifiers, aliases, types and parameters', async () => {
    const sql = `SELECT CAST(x AS DECIMAL(10,2)) AS "it's 5", 'secret' AS y, $1
      FROM "bronze"."retail"."t" AT (VERSION => 3) WHERE "col '5'" = 5`;
    expect(await redactLiterals(sql)).toBe(
      'SELECT CAST(x AS DECIMAL(?,?)) AS "it\'s 5", ? AS y, $1 FROM bronze.retail.t ' +
        'AT (VERSION => ?) WHERE ("col \'5\'" = ?)',
    );
  });
});

describe('redactLiterals on text DuckDB cannot serialise', () => {
  it.each([
    [
      "INSERT INTO t VALUES ('secret', 42, E'it\\'s', $$dollar's$$, $tag$x$$y$tag$, 1.5e3, x'AB', x1)",
      'INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, x1)',
    ],
    ["SELECT 'it''s' FROM", 'SELECT ? FROM'],
    ["SELECT 'unterminated secret", 'SELECT ?'],
    [
      "DELETE FROM \"t 2\" WHERE a = -12 /* '99' */ -- 'x'\n AND b = .5 AND c2 = 0x1F",
      "DELETE FROM \"t 2\" WHERE a = -? /* '99' */ -- 'x'\n AND b = ? AND c2 = ?",
    ],
    ['UPDATE t SET "weird""name" = 7', 'UPDATE t SET "weird""name" = ?'],
    [
      `SELECT ${'('.repeat(300)}'secret'${')'.repeat(300)}`,
      `SELECT ${'('.repeat(300)}?${')'.repeat(300)}`,
    ],
  ])('%s', async (sql, redacted) => {
    expect(await redactLiterals(sql)).toBe(redacted);
  });

  it('redacts text over the length limit without parsing it', async () => {
    const sql = `SELECT '${'x'.repeat(200_000)}', 42 AS answer`;
    expect(await redactLiterals(sql)).toBe('SELECT ?, ? AS answer');
  });

  it('never throws', async () => {
    for (const sql of ['', '$', "E'\\", '/* open', '"open', '$a$ open', '\u0000']) {
      await expect(redactLiterals(sql)).resolves.toBeTypeOf('string');
    }
  });
});
