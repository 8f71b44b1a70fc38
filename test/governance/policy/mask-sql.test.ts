import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSession, quoteLiteral } from '../../../src/engine/index.js';
import type { Session } from '../../../src/engine/index.js';
import { maskSql } from '../../../src/governance/policy/mask-sql.js';
import type { MaskSpec } from '../../../src/governance/policy/mask-sql.js';

let session: Session;
beforeAll(async () => {
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lakeward-mask-'));
  session = await openSession({ memoryLimit: '256MB', tempDir, threads: 1 });
});
afterAll(() => session.close());

const key = Buffer.from('0123456789abcdef0123456789abcdef', 'utf8');

/** Applies the mask to each value (a SQL literal of the column's type) in DuckDB. */
async function masked(spec: MaskSpec, type: string, literals: string[]): Promise<unknown[]> {
  const sql = maskSql(spec, { name: 'the col', type }, key);
  const values = literals.map((l) => `(${l})`).join(', ');
  const rows = await session.all<{ m: unknown }>(
    `SELECT ${sql} AS m FROM (VALUES ${values}) AS t("the col")`,
  );
  return rows.map((r) => r.m);
}

const strings = (values: (string | null)[]) =>
  values.map((v) => (v === null ? 'NULL::VARCHAR' : quoteLiteral(v)));
const spec = (fn: string, expression: string | null = null): MaskSpec => ({
  function: fn,
  expression,
});

describe('maskSql', () => {
  it('MASK_HASH is HMAC-SHA-256 with the configured key, as node:crypto computes it', async () => {
    const values = ['', 'a', '123-45-6789', 'ünïcødé ✓', "it's", 'x'.repeat(200)];
    const hmac = (v: string) => createHmac('sha256', key).update(v, 'utf8').digest('hex');
    expect(await masked(spec('MASK_HASH'), 'string', strings(values))).toEqual(values.map(hmac));
    expect(await masked(spec('MASK_HASH'), 'string', strings([null]))).toEqual([null]);
    // Numbers hash their text.
    expect(await masked(spec('MASK_HASH'), 'int', ['42'])).toEqual([hmac('42')]);
  });

  it('a key longer than a block is hashed first, as HMAC says', async () => {
    const long = Buffer.alloc(100, 7);
    const sql = maskSql(spec('MASK_HASH'), { name: 'c', type: 'string' }, long);
    const [row] = await session.all<{ m: string }>(`SELECT ${sql} AS m FROM (VALUES ('v')) t(c)`);
    expect(row?.m).toBe(createHmac('sha256', long).update('v').digest('hex'));
    expect(sql).not.toContain(long.toString('hex'));
  });

  it('MASK keeps the shape: upper to X, lower to x, digits to n', async () => {
    expect(await masked(spec('MASK'), 'string', strings(['Ab-12 z', null]))).toEqual([
      'Xx-nn x',
      null,
    ]);
  });

  it('MASK_SHOW_LAST_4 and MASK_SHOW_FIRST_4 keep four characters', async () => {
    const values = strings(['123-45-6789', 'abcd', 'ab', null]);
    expect(await masked(spec('MASK_SHOW_LAST_4'), 'string', values)).toEqual([
      'xxxxxxx6789',
      'abcd',
      'ab',
      null,
    ]);
    expect(await masked(spec('MASK_SHOW_FIRST_4'), 'string', values)).toEqual([
      '123-xxxxxxx',
      'abcd',
      'ab',
      null,
    ]);
  });

  it('MASK_NULL keeps the type; MASK_DATE_SHOW_YEAR keeps the year and the type', async () => {
    const nullSql = maskSql(spec('MASK_NULL'), { name: 'n', type: 'int' }, key);
    const described = await session.describe(
      `SELECT ${nullSql} AS m FROM (VALUES (1::INTEGER)) t(n)`,
    );
    expect(described).toEqual([{ name: 'm', type: 'INTEGER' }]);
    expect(
      await masked(spec('MASK_DATE_SHOW_YEAR'), 'date', ["DATE '2024-05-17'", 'NULL::DATE']),
    ).toEqual(['2024-01-01', null]);
    const dateSql = maskSql(spec('MASK_DATE_SHOW_YEAR'), { name: 'd', type: 'date' }, key);
    expect(
      await session.describe(`SELECT ${dateSql} AS m FROM (VALUES (DATE '2024-05-17')) t(d)`),
    ).toEqual([{ name: 'm', type: 'DATE' }]);
    // On a column that is no date, the mask hides rather than reveals.
    expect(await masked(spec('MASK_DATE_SHOW_YEAR'), 'string', strings(['secret']))).toEqual([
      null,
    ]);
  });

  it('CUSTOM is the stored expression', async () => {
    expect(await masked(spec('CUSTOM', `upper("the col")`), 'string', strings(['abc']))).toEqual([
      'ABC',
    ]);
  });
});
