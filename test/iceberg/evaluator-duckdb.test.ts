import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataFileFromParquet, fileMayMatch } from '../../src/iceberg/index.js';
import type { DataFile, Expression, PartitionSpec, Schema } from '../../src/iceberg/index.js';
import { FileObjectStore } from '../../src/storage/index.js';

// Files written by DuckDB, metrics read from their footers, and DuckDB itself as the judge.
const schema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'n', required: false, type: 'int' },
    { id: 2, name: 's', required: false, type: 'string' },
    { id: 3, name: 'd', required: false, type: 'double' },
    { id: 4, name: 'ts', required: false, type: 'timestamp' },
    { id: 5, name: 'dec', required: false, type: 'decimal(9, 2)' },
  ],
};
const unpartitioned: PartitionSpec = { 'spec-id': 0, fields: [] };

const FILES = [
  `SELECT i::INTEGER AS n, 'apple-' || repeat('z', 20) || i AS s, (i * 1.5)::DOUBLE AS d,
          TIMESTAMP '2026-01-01 00:00:00' + to_hours(i) AS ts, (i / 4)::DECIMAL(9, 2) AS dec
   FROM range(0, 20) t(i)`,
  `SELECT (i + 100)::INTEGER AS n, CASE WHEN i % 3 = 0 THEN NULL ELSE 'banana' || i END AS s,
          CASE WHEN i = 5 THEN 'nan'::DOUBLE ELSE -i END AS d,
          TIMESTAMP '2026-02-01 00:00:00' + to_hours(i) AS ts, NULL::DECIMAL(9, 2) AS dec
   FROM range(0, 20) t(i)`,
  `SELECT NULL::INTEGER AS n, 'cherry' AS s, 0.0::DOUBLE AS d, NULL::TIMESTAMP AS ts,
          1.25::DECIMAL(9, 2) AS dec FROM range(0, 5)`,
];

const CASES: [string, Expression][] = [
  ['n >= 100', { op: 'gte', field: 'n', value: 100 }],
  ['n < 0', { op: 'lt', field: 'n', value: 0 }],
  ['n IN (3, 150)', { op: 'in', field: 'n', values: [3, 150] }],
  ['NOT (n < 19)', { op: 'not', arg: { op: 'lt', field: 'n', value: 19 } }],
  ["s LIKE 'b%'", { op: 'startsWith', field: 's', value: 'b' }],
  ["s LIKE 'apple-zzz%'", { op: 'startsWith', field: 's', value: 'apple-zzz' }],
  [`s = 'apple-${'z'.repeat(20)}7'`, { op: 'eq', field: 's', value: `apple-${'z'.repeat(20)}7` }],
  [
    "s > 'apple-zzzzzzzzzzzzzzzzzzzz9'",
    { op: 'gt', field: 's', value: `apple-${'z'.repeat(20)}9` },
  ],
  ['s IS NULL', { op: 'isNull', field: 's' }],
  ['d > 100', { op: 'gt', field: 'd', value: 100 }],
  ['d = 0', { op: 'eq', field: 'd', value: 0 }],
  ['d < -30', { op: 'lt', field: 'd', value: -30 }],
  [
    "ts >= TIMESTAMP '2026-02-01 05:00:00'",
    { op: 'gte', field: 'ts', value: 1_769_922_000_000_000n },
  ],
  ['dec = 1.25', { op: 'eq', field: 'dec', value: '1.25' }],
  ['dec > 4.75', { op: 'gt', field: 'dec', value: '4.75' }],
  [
    'n IS NOT NULL AND d < 0',
    { op: 'and', left: { op: 'notNull', field: 'n' }, right: { op: 'lt', field: 'd', value: 0 } },
  ],
];

let dir: string;
let db: DuckDBConnection;
let files: DataFile[];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lakeward-evaluator-'));
  db = await (await DuckDBInstance.create(':memory:')).connect();
  const store = await FileObjectStore.open(dir);
  files = [];
  for (const [i, select] of FILES.entries()) {
    await db.run(
      `COPY (${select}) TO '${path.join(dir, `${i}.parquet`)}' (FORMAT PARQUET, FIELD_IDS {n: 1, s: 2, d: 3, ts: 4, dec: 5})`,
    );
    files.push(
      await dataFileFromParquet(store, `${i}.parquet`, schema, { specId: 0, partition: {} }),
    );
  }
});

afterAll(() => {
  db.closeSync();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('pruning agrees with DuckDB on real files', () => {
  it.each(CASES)('%s', async (sql, filter) => {
    for (const [i, file] of files.entries()) {
      const reader = await db.runAndReadAll(
        `SELECT count(*) FROM '${path.join(dir, `${i}.parquet`)}' WHERE ${sql}`,
      );
      const matching = Number(reader.getRows()[0]?.[0]);
      if (matching > 0) expect(fileMayMatch(filter, schema, unpartitioned, file)).toBe(true);
    }
  });

  it('prunes files whose metrics exclude the filter', () => {
    const kept = (filter: Expression): number[] =>
      files.flatMap((file, i) => (fileMayMatch(filter, schema, unpartitioned, file) ? [i] : []));
    expect(kept({ op: 'gte', field: 'n', value: 100 })).toEqual([1]);
    expect(kept({ op: 'startsWith', field: 's', value: 'b' })).toEqual([1]);
    expect(kept({ op: 'isNull', field: 's' })).toEqual([1]);
    expect(kept({ op: 'eq', field: 'dec', value: '1.25' })).toEqual([0, 2]);
    // File 1 holds a NaN, which DuckDB counts as larger than any number.
    expect(kept({ op: 'gt', field: 'd', value: 100 })).toEqual([1]);
  });
});
