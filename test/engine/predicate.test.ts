import { describe, expect, it } from 'vitest';
import { parsePredicate } from '../../src/engine/index.js';
import type { Schema } from '../../src/iceberg/index.js';

const schema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'id', required: false, type: 'long' },
    { id: 2, name: 'region', required: false, type: 'string' },
    { id: 3, name: 'qty', required: false, type: 'int' },
    { id: 4, name: 'day', required: false, type: 'date' },
    { id: 5, name: 'ts', required: false, type: 'timestamp' },
    { id: 6, name: 'price', required: false, type: 'decimal(10, 2)' },
  ],
};
const columns = schema.fields.map((f) => f.name);

async function rejection(sql: string): Promise<{ code: string; message: string }> {
  return parsePredicate(sql, columns).then(
    () => ({ code: 'accepted', message: '' }),
    (e: { code: string; message: string }) => e,
  );
}

describe('parsePredicate validation', () => {
  it('accepts a plain condition and prints it back normalised', async () => {
    const parsed = await parsePredicate("region = 'US' and qty > 3", columns);
    expect(parsed.sql).toBe("((region = 'US') AND (qty > 3))");
    expect(parsed.expression).toBeUndefined();
  });

  it.each([
    ['1=1; DROP TABLE x', 'not valid SQL'],
    ['1=1; SELECT 2', 'single row condition'],
    ['id IN (SELECT 1)', 'subqueries'],
    ['EXISTS (SELECT 1)', 'subqueries'],
    ['secret = 1', "'secret'"],
    ["read_csv('/etc/passwd') IS NULL", 'read_csv'],
    ["getenv('HOME') = 'x'", 'getenv'],
    ["1=1 UNION SELECT * FROM read_csv('/etc/passwd')", 'single row condition'],
    ['qty = 1 ORDER BY 1', 'row condition only'],
    ['qty = 1 LIMIT 1', 'row condition only'],
    ['qty = ', 'not valid SQL'],
    ['', 'empty'],
    ['qty = ?', 'parameter'],
  ])('rejects %s', async (sql, fragment) => {
    const error = await rejection(sql);
    expect(error.code).toBe('INVALID_PREDICATE');
    expect(error.message).toContain(fragment);
  });
});

describe('parsePredicate pruning expression', () => {
  it('translates comparisons, IN, NULL tests, BETWEEN and prefixes with typed values', async () => {
    const { expression } = await parsePredicate(
      "id >= 9007199254740993 AND region IN ('US', 'EU') AND qty IS NOT NULL AND day BETWEEN DATE '1970-01-02' AND '1970-01-31' AND region LIKE 'U%'",
      schema,
    );
    expect(expression).toEqual({
      op: 'and',
      left: {
        op: 'and',
        left: {
          op: 'and',
          left: {
            op: 'and',
            left: { op: 'gte', field: 'id', value: 9007199254740993n },
            right: { op: 'in', field: 'region', values: ['US', 'EU'] },
          },
          right: { op: 'notNull', field: 'qty' },
        },
        right: {
          op: 'and',
          left: { op: 'gte', field: 'day', value: 1 },
          right: { op: 'lte', field: 'day', value: 30 },
        },
      },
      right: { op: 'startsWith', field: 'region', value: 'U' },
    });
  });

  it('converts timestamps to micros and decimals to text, flipping constant-first comparisons', async () => {
    const { expression } = await parsePredicate(
      "TIMESTAMP '1970-01-01 00:00:01' < ts OR price = 1.5",
      schema,
    );
    expect(expression).toEqual({
      op: 'or',
      left: { op: 'gt', field: 'ts', value: 1_000_000n },
      right: { op: 'eq', field: 'price', value: '1.50' },
    });
  });

  it('drops untranslatable parts from an AND, and never negates a loosened condition', async () => {
    const loose = await parsePredicate("qty > 1.5 AND lower(region) = 'us' AND id = 1", schema);
    expect(loose.expression).toEqual({ op: 'eq', field: 'id', value: 1n });
    const negated = await parsePredicate("NOT (id = 1 AND lower(region) = 'us')", schema);
    expect(negated.expression).toEqual({ op: 'true' });
    const exact = await parsePredicate('NOT (id = 1 OR qty = 2)', schema);
    expect(exact.expression).toEqual({
      op: 'not',
      arg: {
        op: 'or',
        left: { op: 'eq', field: 'id', value: 1n },
        right: { op: 'eq', field: 'qty', value: 2 },
      },
    });
  });

  it('does not translate a string column compared with a number', async () => {
    const { expression } = await parsePredicate('region = 5', schema);
    expect(expression).toEqual({ op: 'true' });
  });
});

describe('parsePredicate limits', () => {
  it('refuses a predicate nested deeper than the parser may safely go', async () => {
    const sql = `${'('.repeat(250)}id = 1${')'.repeat(250)}`;
    const err = await parsePredicate(sql, columns).then(
      () => undefined,
      (e: { code: string; message: string; hint?: string }) => e,
    );
    expect(err?.code).toBe('QUERY_TOO_COMPLEX');
    expect(err?.message).toMatch(/250 levels deep; at most 200/);
    expect(err?.hint).toMatch(/Simplify/);
  });
});
