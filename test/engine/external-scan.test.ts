import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryEngine, openSession } from '../../src/engine/index.js';
import type { ExternalSource, ResolvedTable, Session } from '../../src/engine/index.js';
import type { NestedField } from '../../src/iceberg/index.js';
import { failure } from '../failure.js';

const DATA = path.resolve('../shared/data');
const FLIGHTS = path.join(DATA, 'flights');

let dir: string;
let engine: QueryEngine;
let raw: Session;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lakeward-external-scan-'));
  engine = new QueryEngine({
    tempDir: path.join(dir, 'tmp'),
    timeoutMs: 30_000,
    memoryLimit: '256MB',
    threads: 1,
    maxResultRows: 10_000,
  });
  raw = await openSession({ memoryLimit: '256MB', tempDir: path.join(dir, 'tmp') });
});

afterAll(() => {
  engine.close();
  raw.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function fields(columns: [string, NestedField['type']][]): NestedField[] {
  return columns.map(([name, type], i) => ({ id: i + 1, name, required: false, type }));
}

/** One external table named bronze.raw.t, as a catalog would resolve it. */
function resolverOf(table: { fields: NestedField[]; files: string[]; source: ExternalSource }) {
  const resolved: ResolvedTable = {
    name: 'bronze.raw.t',
    schema: { type: 'struct', 'schema-id': 0, fields: table.fields },
    dataFiles: table.files,
    snapshotId: null,
    external: table.source,
  };
  return { resolve: () => Promise.resolve(resolved) };
}

function write(relative: string, content: string | Buffer): string {
  const file = path.join(dir, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

const FLIGHT_COLUMNS = fields([
  ['DEST_COUNTRY_NAME', 'string'],
  ['ORIGIN_COUNTRY_NAME', 'string'],
  ['count', 'long'],
]);

describe('external tables in the query engine', () => {
  it('reads CSV files with their declared types, as DuckDB reads them directly', async () => {
    const files = ['2010', '2011'].map((y) => path.join(FLIGHTS, 'csv', `${y}-summary.csv`));
    const resolver = resolverOf({
      fields: FLIGHT_COLUMNS,
      files,
      source: { format: 'csv', partitionColumns: [] },
    });
    const result = await engine.execute(
      'SELECT count(*) AS n, sum("count") AS total FROM bronze.raw.t',
      resolver,
    );
    const [expected] = await raw.all<{ n: string; total: string }>(
      `SELECT count(*) AS n, sum("count") AS total FROM read_csv([${files.map((f) => `'${f}'`).join(', ')}])`,
    );
    expect(result.rows).toEqual([[Number(expected!.n), Number(expected!.total)]]);
    expect(result.columns.map((c) => c.type)).toEqual(['BIGINT', 'HUGEINT']);
    expect(Number(expected!.n)).toBeGreaterThan(400);
  });

  it('reads a CSV dialect: semicolons, single quotes, no header', async () => {
    const file = write('dialect/a.csv', "1;'Smith; John';2.50\n2;'O''Neil';3.25\n");
    const resolver = resolverOf({
      fields: fields([
        ['id', 'int'],
        ['name', 'string'],
        ['price', 'decimal(10, 2)'],
      ]),
      files: [file],
      source: {
        format: 'csv',
        csv: { delimiter: ';', quote: "'", escape: "'", header: false },
        partitionColumns: [],
      },
    });
    const result = await engine.execute('SELECT * FROM bronze.raw.t ORDER BY id', resolver);
    expect(result.rows).toEqual([
      [1, 'Smith; John', '2.50'],
      [2, "O'Neil", '3.25'],
    ]);
    expect(result.columns.map((c) => c.type)).toEqual(['INTEGER', 'VARCHAR', 'DECIMAL(10,2)']);
  });

  it('reads gzip-compressed CSV next to plain CSV', async () => {
    const plain = write('gz/a.csv', 'id,name\n1,one\n');
    const zipped = write('gz/b.csv.gz', zlib.gzipSync('id,name\n2,two\n3,three\n'));
    const resolver = resolverOf({
      fields: fields([
        ['id', 'long'],
        ['name', 'string'],
      ]),
      files: [plain, zipped],
      source: { format: 'csv', partitionColumns: [] },
    });
    const result = await engine.execute('SELECT name FROM bronze.raw.t ORDER BY id', resolver);
    expect(result.rows).toEqual([['one'], ['two'], ['three']]);
  });

  it('reads NDJSON (the flights .json files are JSON lines)', async () => {
    const file = path.join(FLIGHTS, 'json', '2015-summary.json');
    const resolver = resolverOf({
      fields: FLIGHT_COLUMNS,
      files: [file],
      source: { format: 'ndjson', partitionColumns: [] },
    });
    const result = await engine.execute(
      `SELECT "count" FROM bronze.raw.t WHERE ORIGIN_COUNTRY_NAME = 'Ireland' AND DEST_COUNTRY_NAME = 'United States'`,
      resolver,
    );
    const expected = await raw.all<{ count: string }>(
      `SELECT "count" FROM read_json('${file}') WHERE ORIGIN_COUNTRY_NAME = 'Ireland' AND DEST_COUNTRY_NAME = 'United States'`,
    );
    expect(result.rows).toEqual(expected.map((r) => [Number(r.count)]));
    expect(result.rows).toHaveLength(1);
  });

  it('reads a JSON array document with nested values', async () => {
    const file = write(
      'json/people.json',
      JSON.stringify([
        { name: 'Ann', tags: ['a', 'b'], address: { city: 'Oslo' } },
        { name: 'Bo', tags: [], address: { city: 'Rome' } },
      ]),
    );
    const resolver = resolverOf({
      fields: [
        { id: 1, name: 'name', required: false, type: 'string' },
        {
          id: 2,
          name: 'tags',
          required: false,
          type: { type: 'list', 'element-id': 4, element: 'string', 'element-required': false },
        },
        {
          id: 3,
          name: 'address',
          required: false,
          type: {
            type: 'struct',
            fields: [{ id: 5, name: 'city', required: false, type: 'string' }],
          },
        },
      ],
      files: [file],
      source: { format: 'json', partitionColumns: [] },
    });
    const result = await engine.execute(
      'SELECT name, len(tags) AS tags, address.city AS city FROM bronze.raw.t ORDER BY name',
      resolver,
    );
    expect(result.rows).toEqual([
      ['Ann', 2, 'Oslo'],
      ['Bo', 0, 'Rome'],
    ]);
  });

  it('reads Parquet files by column name, also when later files add a column', async () => {
    const folder = path.join(FLIGHTS, 'parquet', '2010-summary.parquet');
    const spark = path.join(
      folder,
      fs.readdirSync(folder).find((f) => f.endsWith('.parquet'))!,
    );
    const extra = path.join(dir, 'parquet-extra.parquet');
    await raw.run(
      `COPY (SELECT 'Nowhere' AS DEST_COUNTRY_NAME, 'Here' AS ORIGIN_COUNTRY_NAME, 7::BIGINT AS "count", 'late' AS note) TO '${extra}' (FORMAT PARQUET)`,
    );
    const resolver = resolverOf({
      fields: fields([
        ...FLIGHT_COLUMNS.map((f) => [f.name, f.type] as [string, NestedField['type']]),
        ['note', 'string'],
      ]),
      files: [spark, extra],
      source: { format: 'parquet', partitionColumns: [] },
    });
    const result = await engine.execute(
      'SELECT count(*), count(note), sum("count") FROM bronze.raw.t',
      resolver,
    );
    const [expected] = await raw.all<{ n: string; total: string }>(
      `SELECT count(*) AS n, sum("count") AS total FROM read_parquet('${spark}')`,
    );
    expect(result.rows).toEqual([[Number(expected!.n) + 1, 1, Number(expected!.total) + 7]]);
  });

  it('takes typed partition columns from year=…/month=… folders', async () => {
    const a = write('hive/year=2010/month=01/a.csv', 'id,amount\n1,10\n2,20\n');
    const b = write('hive/year=2011/month=02/b.csv', 'id,amount\n3,30\n');
    const resolver = resolverOf({
      fields: fields([
        ['id', 'long'],
        ['amount', 'double'],
        ['year', 'int'],
        ['month', 'int'],
      ]),
      files: [a, b],
      source: { format: 'csv', partitionColumns: ['year', 'month'] },
    });
    const result = await engine.execute(
      'SELECT year, month, sum(amount) FROM bronze.raw.t WHERE year >= 2010 GROUP BY ALL ORDER BY year',
      resolver,
    );
    expect(result.rows).toEqual([
      [2010, 1, 30],
      [2011, 2, 30],
    ]);
    expect(result.columns.map((c) => c.type)).toEqual(['INTEGER', 'INTEGER', 'DOUBLE']);
  });

  it('takes partition columns from folders for Parquet and NDJSON files too', async () => {
    const parquet = path.join(dir, 'hive-parquet', 'region=EU', 'part-0.parquet');
    fs.mkdirSync(path.dirname(parquet), { recursive: true });
    await raw.run(`COPY (SELECT 1::BIGINT AS id, 'a' AS name) TO '${parquet}' (FORMAT PARQUET)`);
    const ndjson = write('hive-json/region=US/a.ndjson', '{"id": 2, "name": "b"}\n');
    for (const [file, format] of [
      [parquet, 'parquet'],
      [ndjson, 'ndjson'],
    ] as const) {
      const resolver = resolverOf({
        fields: fields([
          ['id', 'long'],
          ['name', 'string'],
          ['region', 'string'],
        ]),
        files: [file],
        source: { format, partitionColumns: ['region'] },
      });
      const result = await engine.execute('SELECT * FROM bronze.raw.t', resolver);
      expect(result.rows).toEqual([format === 'parquet' ? [1, 'a', 'EU'] : [2, 'b', 'US']]);
    }
  });

  it('applies masks and row filters to an external table like to any other', async () => {
    const file = path.join(FLIGHTS, 'csv', '2015-summary.csv');
    const table: ResolvedTable = {
      name: 'bronze.raw.t',
      schema: { type: 'struct', 'schema-id': 0, fields: FLIGHT_COLUMNS },
      dataFiles: [file],
      snapshotId: null,
      external: { format: 'csv', partitionColumns: [] },
      columns: ['DEST_COUNTRY_NAME', 'count'],
      masks: { DEST_COUNTRY_NAME: `'***'` },
      rowFilter: `ORIGIN_COUNTRY_NAME = 'Ireland'`,
    };
    const result = await engine.execute('SELECT * FROM bronze.raw.t', {
      resolve: () => Promise.resolve(table),
    });
    expect(result.columns.map((c) => c.name)).toEqual(['DEST_COUNTRY_NAME', 'count']);
    expect(result.rows.length).toBeGreaterThan(0);
    expect(result.rows.every((r) => r[0] === '***')).toBe(true);
  });

  it('reads no file it was not given: the sandbox allows exactly the listed files', async () => {
    const listed = write('sandbox/a.csv', 'id\n1\n');
    write('sandbox/b.csv', 'id\n2\n');
    const resolver = resolverOf({
      fields: fields([['id', 'long']]),
      files: [listed],
      source: { format: 'csv', partitionColumns: [] },
    });
    expect((await engine.execute('SELECT * FROM bronze.raw.t', resolver)).rows).toEqual([[1]]);
    const err = await failure(
      engine.execute(`SELECT * FROM read_csv('${path.join(dir, 'sandbox', 'b.csv')}')`, resolver),
    );
    expect(err).toMatchObject({ code: 'TABLE_FUNCTION_NOT_ALLOWED' });
  });

  it('yields the declared columns and no rows when the folder has no files yet', async () => {
    const resolver = resolverOf({
      fields: FLIGHT_COLUMNS,
      files: [],
      source: { format: 'csv', partitionColumns: [] },
    });
    const result = await engine.execute('SELECT * FROM bronze.raw.t', resolver);
    expect(result.rows).toEqual([]);
    expect(result.columns.map((c) => c.name)).toEqual([
      'DEST_COUNTRY_NAME',
      'ORIGIN_COUNTRY_NAME',
      'count',
    ]);
  });
});
