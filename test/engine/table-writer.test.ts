import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appendQuery,
  deleteWhere,
  openSession,
  overwriteQuery,
  scanSql,
  writeDataFiles,
} from '../../src/engine/index.js';
import type { Session } from '../../src/engine/index.js';
import { applyTransform, createTable, fromBinary } from '../../src/iceberg/index.js';
import type {
  IcebergTable,
  MetadataPointer,
  PartitionFieldRequest,
  Schema,
} from '../../src/iceberg/index.js';
import { FileObjectStore } from '../../src/storage/index.js';

class MemoryPointer implements MetadataPointer {
  private current: string | null = null;
  async load(): Promise<string | null> {
    return this.current;
  }
  async compareAndSwap(expected: string | null, next: string): Promise<boolean> {
    if (this.current !== expected) return false;
    this.current = next;
    return true;
  }
}

const schema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'id', required: false, type: 'long' },
    { id: 2, name: 'name', required: false, type: 'string' },
    { id: 3, name: 'country', required: false, type: 'string' },
    { id: 4, name: 'ts', required: false, type: 'timestamp' },
    { id: 5, name: 'amount', required: false, type: 'decimal(10, 2)' },
    {
      id: 6,
      name: 'tags',
      required: false,
      type: { type: 'list', 'element-id': 7, element: 'string', 'element-required': false },
    },
  ],
};

const rowsSql = `SELECT * FROM (VALUES
  (1, 'alpha', 'US', TIMESTAMP '2026-01-01 10:00:00', 10.50, ['a']),
  (2, 'beta', 'US', TIMESTAMP '2026-01-01 23:59:59', 20.00, []),
  (3, 'alps', 'FR', TIMESTAMP '2026-01-02 00:00:00', NULL, NULL),
  (4, NULL, 'FR', TIMESTAMP '1969-12-31 23:00:00', 5.25, ['x', 'y']),
  (5, 'gamma', NULL, NULL, 1.00, ['z'])
) AS v(id, name, country, ts, amount, tags)`;

let dir: string;
let session: Session;
let counter = 0;
const writeOptions = (): { tempDir: string; targetFileSizeBytes: number } => ({
  tempDir: path.join(dir, 'tmp'),
  targetFileSizeBytes: 64 * 1024 * 1024,
});

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lakeward-writer-'));
  fs.mkdirSync(path.join(dir, 'tmp'));
  session = await openSession({ memoryLimit: '256MB', tempDir: path.join(dir, 'tmp'), threads: 1 });
});

afterAll(() => {
  session.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function newTable(partitionBy: PartitionFieldRequest[] = []): Promise<IcebergTable> {
  const store = await FileObjectStore.open(path.join(dir, 'warehouse'));
  const context = { store, pointer: new MemoryPointer(), keyPrefix: `bronze/t${++counter}` };
  return createTable(context, { schema, partitionBy });
}

async function readTable(table: IcebergTable): Promise<Record<string, unknown>[]> {
  const files = await table.planFiles();
  const locals = await Promise.all(
    files.map((f) => table.context.store.localPath(table.context.store.keyOf(f.filePath) ?? '')),
  );
  return session.all(`${scanSql(table.schema(), locals)} ORDER BY id`);
}

describe('writeDataFiles', () => {
  it('writes an unpartitioned table readable by field id, with row counts and bounds', async () => {
    const table = await newTable();
    const { files, rows } = await writeDataFiles(session, table, rowsSql, writeOptions());
    expect(rows).toBe(5);
    expect(files).toHaveLength(1);
    const file = files[0]!;
    expect(file.recordCount).toBe(5n);
    expect(file.filePath).toMatch(/\/bronze\/t\d+\/data\/[0-9a-f-]{36}\.parquet$/);
    expect(fromBinary('long', file.lowerBounds.get(1)!)).toBe(1n);
    expect(fromBinary('long', file.upperBounds.get(1)!)).toBe(5n);
    expect(file.nullValueCounts.get(2)).toBe(1n);
    const committed = await table.append(files);
    const read = await readTable(committed);
    expect(read[0]).toEqual({
      id: '1',
      name: 'alpha',
      country: 'US',
      ts: '2026-01-01 10:00:00',
      amount: '10.50',
      tags: ['a'],
    });
    expect(read.map((r) => r.name)).toEqual(['alpha', 'beta', 'alps', null, 'gamma']);
  });

  it('fills columns the query lacks with NULL and refuses columns the table lacks', async () => {
    const table = await newTable();
    const { rows, files } = await writeDataFiles(
      session,
      table,
      'SELECT 7 AS id, 1.5 AS amount',
      writeOptions(),
    );
    expect(rows).toBe(1);
    const read = await readTable(await table.append(files));
    expect(read).toEqual([
      { id: '7', name: null, country: null, ts: null, amount: '1.50', tags: null },
    ]);
    await expect(
      writeDataFiles(session, table, 'SELECT 1 AS id, 2 AS color', writeOptions()),
    ).rejects.toThrow(/columns the table does not have: color/);
  });

  it('partitions by day, bucket, truncate and identity with the values Iceberg computes', async () => {
    const table = await newTable([
      { source: 'ts', transform: 'day' },
      { source: 'id', transform: 'bucket[4]' },
      { source: 'name', transform: 'truncate[2]' },
      { source: 'country', transform: 'identity' },
    ]);
    const { files, rows } = await writeDataFiles(session, table, rowsSql, writeOptions());
    expect(rows).toBe(5);
    const spec = table.metadata['partition-specs'][0]!;
    const store = table.context.store;
    for (const file of files) {
      const local = await store.localPath(store.keyOf(file.filePath) ?? '');
      const fileRows = await session.all<Record<string, string | null>>(scanSql(schema, [local]));
      for (const row of fileRows) {
        for (const field of spec.fields) {
          const source = schema.fields.find((f) => f.id === field['source-id'])!;
          const raw = row[source.name];
          const value =
            raw === null || raw === undefined
              ? null
              : source.type === 'long'
                ? BigInt(raw)
                : source.type === 'timestamp'
                  ? BigInt(Date.parse(`${raw.replace(' ', 'T')}Z`)) * 1000n
                  : raw;
          expect(file.partition[field.name]).toEqual(
            applyTransform(field.transform, source.type, value),
          );
        }
      }
    }
    const byId = new Map<string, Record<string, unknown>>();
    for (const file of files) {
      const local = await store.localPath(store.keyOf(file.filePath) ?? '');
      for (const row of await session.all<{ id: string }>(scanSql(schema, [local]))) {
        byId.set(row.id, file.partition);
      }
    }
    expect(byId.get('4')).toMatchObject({ ts_day: -1, name_trunc_2: null, country: 'FR' });
    expect(byId.get('5')).toMatchObject({ ts_day: null, name_trunc_2: 'ga', country: null });
    const alpha = files.find(
      (f) => f.partition.name_trunc_2 === 'al' && f.partition.country === 'US',
    );
    expect(alpha?.filePath).toContain('/data/ts_day=2026-01-01/id_bucket_4=');
    expect(alpha?.filePath).toContain('/name_trunc_2=al/country=US/');
  });
});

describe('file sizes', () => {
  const manyRows = `SELECT i AS id, md5(CAST(i AS VARCHAR)) AS name, CASE WHEN i % 2 = 0 THEN 'US' ELSE 'FR' END AS country FROM range(40000) t(i)`;
  const small = (): { tempDir: string; targetFileSizeBytes: number } => ({
    ...writeOptions(),
    targetFileSizeBytes: 200_000,
  });

  it('splits unpartitioned output into files near the target size', async () => {
    const table = await newTable();
    const { files, rows } = await writeDataFiles(session, table, manyRows, small());
    expect(rows).toBe(40000);
    expect(files.length).toBeGreaterThan(2);
    expect(files.reduce((n, f) => n + f.recordCount, 0n)).toBe(40000n);
  });

  it('splits a large partition into several files that keep its partition value', async () => {
    const table = await newTable([{ source: 'country', transform: 'identity' }]);
    const { files, rows } = await writeDataFiles(session, table, manyRows, small());
    expect(rows).toBe(40000);
    const us = files.filter((f) => f.partition.country === 'US');
    expect(us.length).toBeGreaterThan(1);
    expect(us.reduce((n, f) => n + f.recordCount, 0n)).toBe(20000n);
    expect(us.every((f) => f.filePath.includes('/data/country=US/'))).toBe(true);
    const read = await readTable(await table.append(files));
    expect(read).toHaveLength(40000);
  });
});

describe('table writes', () => {
  it('appends, deletes matching rows (copy-on-write) and overwrites with a condition', async () => {
    let table = await newTable([{ source: 'country', transform: 'identity' }]);
    ({ table } = await appendQuery(session, table, rowsSql, {
      ...writeOptions(),
      summary: { 'lakeward.batch': 'b1' },
    }));
    expect(table.currentSnapshot()?.summary['lakeward.batch']).toBe('b1');
    expect(await readTable(table)).toHaveLength(5);

    const deleted = await deleteWhere(session, table, "country = 'US' AND id = 1", writeOptions());
    expect(deleted.deletedRows).toBe(1);
    table = deleted.table;
    expect((await readTable(table)).map((r) => r.id)).toEqual(['2', '3', '4', '5']);

    const nothing = await deleteWhere(session, table, 'id > 100', writeOptions());
    expect(nothing.deletedRows).toBe(0);
    expect(nothing.table.currentSnapshot()?.['snapshot-id']).toBe(
      table.currentSnapshot()?.['snapshot-id'],
    );

    const wholeFile = await deleteWhere(session, table, "country = 'FR'", writeOptions());
    expect(wholeFile.deletedRows).toBe(2);
    expect(wholeFile.table.currentSnapshot()?.summary.operation).toBe('delete');
    table = wholeFile.table;

    ({ table } = await overwriteQuery(session, table, "SELECT 9 AS id, 'US' AS country", {
      ...writeOptions(),
      where: "country = 'US'",
    }));
    expect((await readTable(table)).map((r) => [r.id, r.country])).toEqual([
      ['5', null],
      ['9', 'US'],
    ]);

    ({ table } = await overwriteQuery(session, table, 'SELECT 10 AS id', writeOptions()));
    expect((await readTable(table)).map((r) => r.id)).toEqual(['10']);
    expect(table.currentSnapshot()?.summary.operation).toBe('overwrite');
  });

  it('refuses a bad delete condition', async () => {
    const table = await newTable();
    await expect(deleteWhere(session, table, 'id IN (SELECT 1)', writeOptions())).rejects.toThrow(
      /subqueries/,
    );
  });
});
