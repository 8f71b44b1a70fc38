import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { detectFormat } from '../../src/ingest/file-format.js';
import { expandInputs } from '../../src/ingest/input-files.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lakeward-inputs-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function put(name: string, content: string | Buffer = 'a\n1\n'): string {
  const full = path.join(dir, name);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, content);
  return full;
}

const rel = (files: { path: string }[]) => files.map((f) => path.relative(dir, f.path));

describe('input paths', () => {
  put('day/2024-01-01.csv');
  put('day/2024-01-02.csv');
  put('day/2024-02-01.json', '[]');
  put('day/sub/2024-03-01.csv');
  put('day/.hidden.csv');
  put('day/_SUCCESS', '');
  put('day/part.csv.crc');

  it('walks folders recursively in name order, skipping hidden files and Spark markers', async () => {
    expect(rel(await expandInputs([path.join(dir, 'day')]))).toEqual([
      'day/2024-01-01.csv',
      'day/2024-01-02.csv',
      'day/2024-02-01.json',
      'day/sub/2024-03-01.csv',
    ]);
  });

  it('expands *, **, ? and {a,b} globs', async () => {
    expect(rel(await expandInputs([path.join(dir, 'day/*.csv')]))).toEqual([
      'day/2024-01-01.csv',
      'day/2024-01-02.csv',
    ]);
    expect(rel(await expandInputs([path.join(dir, 'day/**/*.csv')]))).toHaveLength(3);
    expect(rel(await expandInputs([path.join(dir, 'day/2024-01-0?.csv')]))).toHaveLength(2);
    expect(rel(await expandInputs([path.join(dir, 'day/*.{json,csv}')]))).toHaveLength(3);
  });

  it('names each file once even when several inputs cover it', async () => {
    const files = await expandInputs([path.join(dir, 'day/*.csv'), path.join(dir, 'day')]);
    expect(files).toHaveLength(4);
  });
});

describe('format detection', () => {
  it('recognises Parquet and gzip by their first bytes when the name does not say', async () => {
    const parquet = path.resolve(
      '../shared/data/flights/parquet/2010-summary.parquet',
      fs.readdirSync('../shared/data/flights/parquet/2010-summary.parquet')[0] ?? '',
    );
    const copy = put('export-parquet', fs.readFileSync(parquet));
    const gz = put('export-gz', gzipSync('{"a": 1}\n{"a": 2}\n'));
    const ndjson = put('events.jsonl', '{"a": 1}\n');
    const info = (p: string) => fs.statSync(p).size;
    expect((await detectFormat({ path: copy, sizeBytes: info(copy) })).format).toBe('parquet');
    expect(await detectFormat({ path: gz, sizeBytes: info(gz) })).toMatchObject({
      format: 'ndjson',
      compression: 'gzip',
    });
    expect((await detectFormat({ path: ndjson, sizeBytes: info(ndjson) })).format).toBe('ndjson');
  });

  it('says which formats work when given Avro or Excel', async () => {
    for (const name of ['data.avro', 'report.xlsx']) {
      const file = put(name, 'not really');
      await expect(detectFormat({ path: file, sizeBytes: 10 })).rejects.toMatchObject({
        code: 'UNSUPPORTED_FORMAT',
        message: expect.stringContaining('supported: csv, tsv, json, ndjson, parquet'),
      });
    }
  });

  it('refuses a file that claims to be Parquet but is not', async () => {
    const file = put('fake.parquet', 'a,b\n1,2\n');
    await expect(detectFormat({ path: file, sizeBytes: 8 })).rejects.toMatchObject({
      code: 'INVALID_FILE',
    });
  });
});
