import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  estimateTextRecordCount,
  inspectFileSet,
  openSession,
  readParquetFooters,
  sniffCsvDialect,
  type Session,
} from '../../src/engine/index.js';

const SHARED_DATA = path.resolve(process.cwd(), '../shared/data');
const FLIGHTS_PARQUET = path.join(SHARED_DATA, 'flights', 'parquet', '2010-summary.parquet');

describe('raw-file inspection', () => {
  let dir: string;
  let session: Session;
  const write = (name: string, content: string | Buffer) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lakeward-inspect-'));
    session = await openSession({ memoryLimit: '512MB', tempDir: dir });
  });
  afterAll(() => {
    session.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sniffs the dialect of CSV and TSV files, with or without a header', async () => {
    const semicolon = write('a.csv', 'name;city\n"Smith; John";Paris\nAnn;Rome\n');
    expect(await sniffCsvDialect(session, semicolon, 'none')).toEqual({
      delimiter: ';',
      quote: '"',
      escape: '"',
      header: true,
    });
    const tsv = write('b.tsv', 'id\tscore\n1\t2.5\n2\t3.5\n');
    expect((await sniffCsvDialect(session, tsv, 'none')).delimiter).toBe('\t');
    const noHeader = write('c.csv', '1,2.5,2024-01-01\n2,3.5,2024-01-02\n');
    expect((await sniffCsvDialect(session, noHeader, 'none')).header).toBe(false);
  });

  it('types columns over several files, widening a column that differs', async () => {
    const a = write('d1.csv', 'id,code\n1,10\n2,20\n');
    const b = write('d2.csv', 'id,code\n3,X30\n');
    const inspected = await inspectFileSet(session, [a, b], 'csv', 'none');
    expect(inspected.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'long'],
      ['code', 'string'],
    ]);
  });

  it('reads JSON arrays and gzip-compressed NDJSON, nested values included', async () => {
    const array = write('e.json', '[{"id": 1, "tags": ["a"], "at": "2024-01-01"}]');
    const json = await inspectFileSet(session, [array], 'json', 'none');
    expect(json.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'long'],
      ['tags', 'list<string>'],
      ['at', 'date'],
    ]);
    const ndjson = write(
      'f.json.gz',
      gzipSync('{"a": 1.5, "b": {"c": true}}\n{"a": 2, "b": {"c": false}}\n'),
    );
    const inspected = await inspectFileSet(session, [ndjson], 'ndjson', 'gzip');
    expect(inspected.columns.map((c) => [c.name, c.type])).toEqual([
      ['a', 'double'],
      ['b', 'struct<c: boolean>'],
    ]);
  });

  it('reads Parquet row counts and top-level columns from the footers only', async () => {
    const spark = path.join(FLIGHTS_PARQUET, fs.readdirSync(FLIGHTS_PARQUET)[0]!);
    const nested = path.join(dir, 'nested.parquet');
    await session.run(
      `COPY (SELECT 1 AS id, {'x': 1, 'y': [1, 2]} AS point, [{'k': 'a'}] AS items FROM range(7)) TO '${nested}' (FORMAT PARQUET)`,
    );
    const footers = await readParquetFooters(session, [spark, nested]);
    expect(footers.get(spark)).toEqual({
      rowCount: 255,
      columnNames: ['DEST_COUNTRY_NAME', 'ORIGIN_COUNTRY_NAME', 'count'],
    });
    expect(footers.get(nested)).toEqual({ rowCount: 7, columnNames: ['id', 'point', 'items'] });
    const inspected = await inspectFileSet(session, [spark], 'parquet', 'none');
    expect(inspected.columns.map((c) => c.type)).toEqual(['string', 'string', 'long']);
  });

  it('estimates record counts from the head: exact for a whole file, close for a sample', () => {
    const rows = Array.from(
      { length: 10_000 },
      (_, i) => `${String(i).padStart(5, '0')},name ${i % 7},${(i % 13) * 1.5}`,
    );
    const text = Buffer.from(`id,name,value\n${rows.join('\n')}\n`);
    const whole = {
      sizeBytes: text.length,
      sample: text,
      sampledInputBytes: text.length,
      format: 'csv' as const,
      header: true,
    };
    expect(estimateTextRecordCount(whole)).toBe(10_000);
    const head = text.subarray(0, 4096);
    const estimate = estimateTextRecordCount({
      ...whole,
      sample: head,
      sampledInputBytes: head.length,
    });
    expect(Math.abs(estimate - 10_000)).toBeLessThan(1_000);

    // gzip: the head's expansion scales the estimate to the unpacked size.
    const packed = gzipSync(text);
    const packedHead = packed.subarray(0, Math.floor(packed.length / 4));
    const unpacked = gunzipSync(packedHead, { finishFlush: 2 });
    const gz = estimateTextRecordCount({
      ...whole,
      sizeBytes: packed.length,
      sample: unpacked,
      sampledInputBytes: packedHead.length,
    });
    expect(Math.abs(gz - 10_000)).toBeLessThan(1_500);
    expect(
      estimateTextRecordCount({
        ...whole,
        format: 'ndjson',
        header: false,
        sample: Buffer.from('{"a":1}\n{"a":2}'),
        sizeBytes: 15,
        sampledInputBytes: 15,
      }),
    ).toBe(2);
  });
});
