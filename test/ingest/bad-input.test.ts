import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLIGHTS, RETAIL_DAYS, tempLakehouse, type TempLakehouse } from './temp-lakehouse.js';
import { failure } from '../failure.js';

let lake: TempLakehouse;
beforeAll(async () => {
  lake = await tempLakehouse();
});
afterAll(async () => {
  await lake.close();
});

async function nothingWritten(table: string): Promise<void> {
  const [ns, name] = [table.split('.').slice(0, -1), table.split('.').at(-1) ?? ''];
  expect(await lake.catalog.tableExists({ namespace: ns, name })).toBe(false);
}

describe('bad input stops the ingest before anything is written', () => {
  it('names a missing file, even when other inputs are fine', async () => {
    const missing = path.join(lake.dir, 'no-such-file.csv');
    const err = await failure(
      lake.ingest('bronze.retail.missing', [path.join(RETAIL_DAYS, '2010-12-01.csv'), missing]),
    );
    expect(err.code).toBe('FILE_NOT_FOUND');
    expect(err.message).toContain(missing);
    await nothingWritten('bronze.retail.missing');
  });

  it('says a glob matched nothing', async () => {
    const err = await failure(
      lake.ingest('bronze.retail.none', [path.join(RETAIL_DAYS, '1999-*.csv')]),
    );
    expect(err.code).toBe('NO_FILES_MATCHED');
    expect(err.message).toContain('1999-*.csv');
  });

  it('refuses ORC and lists the formats that work', async () => {
    const err = await failure(lake.ingest('bronze.flights.orc', [path.join(FLIGHTS, 'orc')]));
    expect(err.code).toBe('UNSUPPORTED_FORMAT');
    expect(err.message).toContain(
      'ORC files are not supported yet; supported: csv, tsv, json, ndjson, parquet (optionally .gz or .zst)',
    );
    await nothingWritten('bronze.flights.orc');
  });

  it('refuses an empty file', async () => {
    const empty = lake.file('empty.csv', '');
    const err = await failure(lake.ingest('bronze.misc.empty', [empty]));
    expect(err.code).toBe('EMPTY_FILE');
    expect(err.message).toContain(empty);
    await nothingWritten('bronze.misc.empty');
  });

  it('refuses binary garbage declared as CSV', async () => {
    const bytes = Buffer.alloc(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 256;
    const garbage = lake.file('garbage.csv', bytes);
    const err = await failure(lake.ingest('bronze.misc.garbage', [garbage]));
    expect(err.code).toBe('NOT_A_TEXT_FILE');
    expect(err.message).toContain(garbage);
    expect(err.hint).toMatch(/Pass --format/);
    await nothingWritten('bronze.misc.garbage');
  });

  it('writes to bronze only', async () => {
    const err = await failure(
      lake.ingest('silver.retail.invoices', [path.join(RETAIL_DAYS, '2010-12-01.csv')]),
    );
    expect(err.code).toBe('WRONG_LAYER');
    expect(err.message).toContain('batch ingest writes to bronze only');
    expect(err.hint).toContain('bronze.retail.invoices');
  });

  it('loads a header-only CSV as a table with no rows', async () => {
    const header = lake.file('header-only.csv', 'id,name\n');
    const summary = await lake.ingest('bronze.misc.header_only', [header]);
    expect(summary.rowsWritten).toBe(0);
    const columns = (
      await lake.catalog.describeTable({ namespace: ['bronze', 'misc'], name: 'header_only' })
    ).columns;
    expect(columns.map((c) => c.name)).toContain('name');
    expect(fs.existsSync(header)).toBe(true);
  });
});
