import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTableName } from '../../src/catalog/index.js';
import { scanSql } from '../../src/engine/index.js';
import { csvCount, RETAIL_DAYS, tempLakehouse, type TempLakehouse } from './temp-lakehouse.js';
import { failure } from '../failure.js';

const DAY1 = path.join(RETAIL_DAYS, '2010-12-01.csv');
const DAY2 = path.join(RETAIL_DAYS, '2010-12-02.csv');
const TABLE = 'bronze.retail.days';
const ON_DAY1 = "CAST(InvoiceDate AS DATE) = DATE '2010-12-01'";

let lake: TempLakehouse;
let day1Rows: number;
let day2Rows: number;

beforeAll(async () => {
  lake = await tempLakehouse();
  const [one] = await lake.duck<{ n: number }>(csvCount(DAY1));
  const [two] = await lake.duck<{ n: number }>(csvCount(DAY2));
  day1Rows = one!.n;
  day2Rows = two!.n;
  await lake.ingest(TABLE, [DAY1, DAY2]);
});
afterAll(async () => {
  await lake.close();
});

/** Rows per batch at a snapshot (the current one when omitted). */
async function rowsByBatch(snapshotId?: string): Promise<Record<string, number>> {
  const table = await lake.catalog.loadTable(parseTableName(TABLE));
  const files = await table.planFiles(
    snapshotId === undefined ? {} : { snapshotId: BigInt(snapshotId) },
  );
  const scan = scanSql(
    table.schema(),
    files.map((f) => fileURLToPath(f.filePath)),
  );
  const rows = await lake.duck<{ batch: string; n: number }>(
    `SELECT _batch_id AS batch, count(*)::INTEGER AS n FROM (${scan}) GROUP BY 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.batch, r.n]));
}

/** Parquet files in the table's folder that no snapshot refers to (staged rows left behind). */
async function strayFiles(): Promise<string[]> {
  const ident = parseTableName(TABLE);
  const table = await lake.catalog.loadTable(ident);
  const referenced = new Set<string>();
  for (const s of await snapshots()) {
    const files = await table.planFiles({ snapshotId: BigInt(s.snapshotId) });
    for (const f of files) referenced.add(fileURLToPath(f.filePath));
  }
  const root = fileURLToPath((await lake.catalog.describeTable(ident)).location);
  return fs
    .readdirSync(root, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(root, name))
    .filter((file) => file.endsWith('.parquet') && !referenced.has(file));
}

const snapshots = () => lake.catalog.snapshots(parseTableName(TABLE));

describe('ingest --mode overwrite --where', () => {
  it('replaces only the rows of day 1 with a reload of day 1, in one snapshot', async () => {
    const before = await snapshots();
    const [first] = Object.keys(await rowsByBatch());
    const summary = await lake.ingest(TABLE, [DAY1], { mode: 'overwrite', where: ON_DAY1 });
    expect(summary.rowsWritten).toBe(day1Rows);
    const after = await snapshots();
    expect(after).toHaveLength(before.length + 1);
    expect(after[0]).toMatchObject({ snapshotId: summary.snapshotId, operation: 'overwrite' });
    expect(await rowsByBatch()).toEqual({ [first!]: day2Rows, [summary.batchId]: day1Rows });
    const [day1] = await lake.query<{ n: number }>(
      TABLE,
      `SELECT count(*)::INTEGER AS n FROM t WHERE ${ON_DAY1}`,
    );
    expect(day1?.n).toBe(day1Rows);
    // Time travel to the snapshot before still shows the first load's rows.
    expect(await rowsByBatch(before[0]!.snapshotId)).toEqual({ [first!]: day1Rows + day2Rows });
    expect(await strayFiles()).toEqual([]);
  });

  it('refuses loaded rows outside the condition and leaves the table as it was', async () => {
    const before = await snapshots();
    const err = await failure(lake.ingest(TABLE, [DAY2], { mode: 'overwrite', where: ON_DAY1 }));
    expect(err.code).toBe('ROWS_OUTSIDE_WHERE');
    expect(err.message).toContain(`${day2Rows} of the loaded rows`);
    expect(await snapshots()).toEqual(before);
    expect(await strayFiles()).toEqual([]);
  });

  it('refuses a condition without --mode overwrite, and a bad condition, before loading', async () => {
    const before = await snapshots();
    const append = await failure(lake.ingest(TABLE, [DAY1], { where: ON_DAY1 }));
    expect(append.code).toBe('WHERE_NEEDS_OVERWRITE');
    const bad = await failure(
      lake.ingest(TABLE, [DAY1], { mode: 'overwrite', where: 'NoSuchColumn = 1' }),
    );
    expect(bad.code).toBe('INVALID_PREDICATE');
    expect(bad.message).toContain("'NoSuchColumn'");
    expect(await snapshots()).toEqual(before);
  });
});
