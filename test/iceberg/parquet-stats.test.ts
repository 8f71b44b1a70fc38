import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataFileFromParquet, fromBinary } from '../../src/iceberg/index.js';
import type { DataFile, PrimitiveType, Schema } from '../../src/iceberg/index.js';
import { FileObjectStore } from '../../src/storage/index.js';
import type { ObjectStore } from '../../src/storage/index.js';

let dir: string;
let store: ObjectStore;
let db: DuckDBConnection;
const unpartitioned = { specId: 0, partition: {} };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lakeward-parquet-stats-'));
  store = await FileObjectStore.open(dir);
  db = await (await DuckDBInstance.create(':memory:')).connect();
});

afterAll(() => {
  db.closeSync();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function write(name: string, select: string, fieldIds: string, extra = ''): Promise<void> {
  await db.run(
    `COPY (${select}) TO '${path.join(dir, name)}' (FORMAT PARQUET, FIELD_IDS ${fieldIds}${extra})`,
  );
}

function bounds(file: DataFile, id: number, type: PrimitiveType): [unknown, unknown] {
  const lower = file.lowerBounds.get(id);
  const upper = file.upperBounds.get(id);
  return [lower && fromBinary(type, lower), upper && fromBinary(type, upper)];
}

const field = (id: number, name: string, type: Schema['fields'][number]['type']) => ({
  id,
  name,
  required: false,
  type,
});

describe('dataFileFromParquet on DuckDB-written files', () => {
  const schema: Schema = {
    type: 'struct',
    'schema-id': 0,
    fields: [
      field(1, 'id', 'long'),
      field(2, 'n', 'int'),
      field(3, 'price', 'decimal(9, 2)'),
      field(4, 'big', 'decimal(18, 3)'),
      field(5, 'huge', 'decimal(30, 4)'),
      field(6, 'name', 'string'),
      field(7, 'day', 'date'),
      field(8, 'ts', 'timestamp'),
      field(9, 'tstz', 'timestamptz'),
      field(10, 'ratio', 'double'),
      field(11, 'flag', 'boolean'),
      field(12, 'key', 'uuid'),
      field(13, 'raw', 'binary'),
      field(14, 'r', 'float'),
    ],
  };
  let file: DataFile;

  beforeAll(async () => {
    await write(
      'flat.parquet',
      `SELECT i::BIGINT AS id,
              (i - 150)::INTEGER AS n,
              ((i - 100) / 4)::DECIMAL(9, 2) AS price,
              (i * 1000000000.125)::DECIMAL(18, 3) AS big,
              (i::HUGEINT * 100000000000000000000::HUGEINT)::DECIMAL(30, 4) AS huge,
              CASE WHEN i % 10 = 0 THEN NULL ELSE 'name-' || lpad(i::VARCHAR, 4, '0') || repeat('x', 30) END AS name,
              DATE '2020-01-01' + (i - 100)::INTEGER AS day,
              TIMESTAMP '2026-01-02 10:00:00.000001' + to_seconds(i) AS ts,
              TIMESTAMPTZ '2026-01-02 10:00:00+00' + to_seconds(i) AS tstz,
              i / 3.0 AS ratio,
              i % 2 = 0 AS flag,
              ('00000000-0000-4000-8000-' || lpad(i::VARCHAR, 12, '0'))::UUID AS key,
              ('\\x0' || (i % 10)::VARCHAR)::BLOB AS raw,
              (i - 0.5)::FLOAT AS r
       FROM range(1, 6145) t(i)`,
      `{id: 1, n: 2, price: 3, big: 4, huge: 5, name: 6, day: 7, ts: 8, tstz: 9, ratio: 10, flag: 11, key: 12, raw: 13, r: 14}`,
      ', ROW_GROUP_SIZE 2048',
    );
    file = await dataFileFromParquet(store, 'flat.parquet', schema, unpartitioned);
  });

  it('records the file facts', async () => {
    expect(file.filePath).toBe(store.uri('flat.parquet'));
    expect(file.fileFormat).toBe('PARQUET');
    expect(file.content).toBe(0);
    expect(file.recordCount).toBe(6144n);
    expect(file.fileSizeInBytes).toBe(BigInt(fs.statSync(path.join(dir, 'flat.parquet')).size));
    expect(file.splitOffsets?.length).toBe(3);
    const offsets = file.splitOffsets ?? [];
    expect(offsets.every((o, i) => i === 0 || (offsets[i - 1] ?? 0n) < o)).toBe(true);
  });

  it('counts values and nulls and sizes per field id', () => {
    expect(file.valueCounts.get(1)).toBe(6144n);
    expect(file.nullValueCounts.get(6)).toBe(614n);
    expect(file.nullValueCounts.get(1)).toBe(0n);
    for (let id = 1; id <= 14; id++) expect(file.columnSizes.get(id)).toBeGreaterThan(0n);
  });

  it('takes bounds across row groups in Iceberg form', () => {
    expect(bounds(file, 1, 'long')).toEqual([1n, 6144n]);
    expect(bounds(file, 2, 'int')).toEqual([-149, 5994]);
    expect(bounds(file, 3, 'decimal(9, 2)')).toEqual(['-24.75', '1511.00']);
    expect(bounds(file, 4, 'decimal(18, 3)')).toEqual(['1000000000.125', '6144000000768.000']);
    expect(bounds(file, 5, 'decimal(30, 4)')).toEqual([
      '100000000000000000000.0000',
      '614400000000000000000000.0000',
    ]);
    expect(bounds(file, 7, 'date')).toEqual([18262 - 99, 18262 + 6044]);
    const ts = BigInt(Date.parse('2026-01-02T10:00:00Z')) * 1000n;
    expect(bounds(file, 8, 'timestamp')).toEqual([ts + 1_000_001n, ts + 6_144_000_001n]);
    expect(bounds(file, 9, 'timestamptz')).toEqual([ts + 1_000_000n, ts + 6_144_000_000n]);
    expect(bounds(file, 10, 'double')).toEqual([1 / 3, 2048]);
    expect(bounds(file, 11, 'boolean')).toEqual([false, true]);
    expect(bounds(file, 12, 'uuid')).toEqual([
      '00000000-0000-4000-8000-000000000001',
      '00000000-0000-4000-8000-000000006144',
    ]);
    expect(bounds(file, 13, 'binary')).toEqual([Uint8Array.of(0), Uint8Array.of(9)]);
    expect(bounds(file, 14, 'float')).toEqual([0.5, 6143.5]);
  });

  it('truncates string bounds to 16 characters, the upper one rounded up', () => {
    expect(bounds(file, 6, 'string')).toEqual(['name-0001xxxxxxx', 'name-6144xxxxxxy']);
  });
});

describe('nested columns', () => {
  const schema: Schema = {
    type: 'struct',
    'schema-id': 0,
    fields: [
      field(1, 'id', 'int'),
      field(2, 's', {
        type: 'struct',
        fields: [field(3, 'a', 'int'), field(4, 'b', 'string')],
      }),
      field(5, 'l', { type: 'list', 'element-id': 6, element: 'int', 'element-required': false }),
      field(7, 'm', {
        type: 'map',
        'key-id': 8,
        key: 'string',
        'value-id': 9,
        value: 'long',
        'value-required': false,
      }),
    ],
  };

  it('count list elements and map entries but bound only struct members', async () => {
    await write(
      'nested.parquet',
      `SELECT i::INTEGER AS id, {'a': (i * 2)::INTEGER, 'b': 'v' || i} AS s, [i::INTEGER, i::INTEGER + 1, NULL] AS l,
              MAP {'k' || i: i::BIGINT} AS m
       FROM range(1, 11) t(i)`,
      `{id: 1, s: {__duckdb_field_id: 2, a: 3, b: 4}, l: {__duckdb_field_id: 5, element: 6},
        m: {__duckdb_field_id: 7, key: 8, value: 9}}`,
    );
    const file = await dataFileFromParquet(store, 'nested.parquet', schema, unpartitioned);
    expect(bounds(file, 3, 'int')).toEqual([2, 20]);
    expect(bounds(file, 4, 'string')).toEqual(['v1', 'v9']);
    expect(file.valueCounts.get(6)).toBe(30n);
    expect(file.nullValueCounts.get(6)).toBe(10n);
    expect(file.valueCounts.get(8)).toBe(10n);
    for (const id of [6, 8, 9]) {
      expect(file.lowerBounds.has(id)).toBe(false);
      expect(file.upperBounds.has(id)).toBe(false);
    }
    expect(file.columnSizes.has(2)).toBe(false);
  });

  it('skips Parquet columns whose ids the schema does not have', async () => {
    await write('extra.parquet', 'SELECT 1 AS id, 2 AS gone', '{id: 1, gone: 99}');
    const file = await dataFileFromParquet(store, 'extra.parquet', schema, unpartitioned);
    expect([...file.valueCounts.keys()]).toEqual([1]);
  });
});

describe('units and partitions', () => {
  it('rounds nanosecond bounds outwards when the column is in microseconds', async () => {
    await write(
      'ns.parquet',
      `SELECT * FROM (VALUES ('2026-01-02 10:00:00.000000500'::TIMESTAMP_NS),
                             ('2026-01-02 10:00:01.000001500'::TIMESTAMP_NS)) v(t)`,
      '{t: 1}',
    );
    const base = BigInt(Date.parse('2026-01-02T10:00:00Z')) * 1000n;
    const asMicros: Schema = {
      type: 'struct',
      'schema-id': 0,
      fields: [field(1, 't', 'timestamp')],
    };
    const micros = await dataFileFromParquet(store, 'ns.parquet', asMicros, unpartitioned);
    expect(bounds(micros, 1, 'timestamp')).toEqual([base, base + 1_000_002n]);
    const asNanos: Schema = {
      type: 'struct',
      'schema-id': 0,
      fields: [field(1, 't', 'timestamp_ns')],
    };
    const nanos = await dataFileFromParquet(store, 'ns.parquet', asNanos, unpartitioned);
    expect(bounds(nanos, 1, 'timestamp_ns')).toEqual([
      base * 1000n + 500n,
      (base + 1_000_001n) * 1000n + 500n,
    ]);
  });

  it('knows a DuckDB float column has no NaN when it has bounds', async () => {
    const schema: Schema = { type: 'struct', 'schema-id': 0, fields: [field(1, 'd', 'double')] };
    await write(
      'nan.parquet',
      `SELECT * FROM (VALUES (1.5), ('nan'::DOUBLE), (NULL)) v(d)`,
      '{d: 1}',
    );
    const withNan = await dataFileFromParquet(store, 'nan.parquet', schema, unpartitioned);
    expect(withNan.lowerBounds.has(1)).toBe(false);
    expect(withNan.nanValueCounts.has(1)).toBe(false);
    await write(
      'zero.parquet',
      `SELECT * FROM (VALUES (-0.0::DOUBLE), (0.0::DOUBLE)) v(d)`,
      '{d: 1}',
    );
    const zeros = await dataFileFromParquet(store, 'zero.parquet', schema, unpartitioned);
    expect(zeros.nanValueCounts.get(1)).toBe(0n);
    const [lower, upper] = bounds(zeros, 1, 'double');
    expect(Object.is(lower, -0) && Object.is(upper, 0)).toBe(true);
  });

  it('keeps the partition tuple and spec id it is given', async () => {
    await write('p.parquet', 'SELECT 1 AS id', '{id: 1}');
    const schema: Schema = { type: 'struct', 'schema-id': 0, fields: [field(1, 'id', 'int')] };
    const file = await dataFileFromParquet(store, 'p.parquet', schema, {
      specId: 3,
      partition: { id_bucket: 5 },
    });
    expect(file.specId).toBe(3);
    expect(file.partition).toEqual({ id_bucket: 5 });
  });

  it('refuses files that are not Parquet with a clear error', async () => {
    fs.writeFileSync(path.join(dir, 'bad.parquet'), 'id,name\n1,a\n');
    const schema: Schema = { type: 'struct', 'schema-id': 0, fields: [field(1, 'id', 'int')] };
    await expect(dataFileFromParquet(store, 'bad.parquet', schema, unpartitioned)).rejects.toThrow(
      expect.objectContaining({ code: 'INVALID_PARQUET' }),
    );
  });
});

describe('Spark-written files without field ids (flights)', () => {
  const folder = path.resolve('../shared/data/flights/parquet/2010-summary.parquet');
  const schema: Schema = {
    type: 'struct',
    'schema-id': 0,
    fields: [
      field(1, 'DEST_COUNTRY_NAME', 'string'),
      field(2, 'ORIGIN_COUNTRY_NAME', 'string'),
      field(3, 'count', 'long'),
    ],
  };

  it('give file facts but no column metrics unless matched by name', async () => {
    const flights = await FileObjectStore.open(folder);
    const [name] = fs.readdirSync(folder).filter((f) => f.endsWith('.parquet'));
    const byId = await dataFileFromParquet(flights, name ?? '', schema, unpartitioned);
    expect(byId.recordCount).toBe(255n);
    expect(byId.valueCounts.size).toBe(0);

    const byName = await dataFileFromParquet(flights, name ?? '', schema, unpartitioned, {
      matchByName: true,
    });
    expect(byName.valueCounts.get(1)).toBe(255n);
    expect(bounds(byName, 3, 'long')).toEqual([1n, 348113n]);
    // parquet-mr of that age ordered binary statistics as signed bytes: no string bounds.
    expect(byName.lowerBounds.has(1)).toBe(false);
  });
});
