import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LakewardError } from '../../src/errors/index.js';
import type { IngestProgress } from '../../src/ingest/index.js';
import {
  csvCount,
  FLIGHTS,
  RETAIL_DAYS,
  tempLakehouse,
  type TempLakehouse,
} from './temp-lakehouse.js';

const DAY = path.join(RETAIL_DAYS, '2010-12-01.csv');

let lake: TempLakehouse;
beforeAll(async () => {
  lake = await tempLakehouse();
});
afterAll(async () => {
  await lake.close();
});

const ident = (name: string) => ({
  namespace: name.split('.').slice(0, -1),
  name: name.split('.').at(-1) ?? '',
});

async function count(table: string, where = 'true'): Promise<number> {
  const rows = await lake.query<{ n: number }>(
    table,
    `SELECT count(*)::INTEGER AS n FROM t WHERE ${where}`,
  );
  return rows[0]?.n ?? -1;
}

describe('batch ingest into bronze', () => {
  it('loads one retail day with every row DuckDB counts, plus the bronze columns and properties', async () => {
    const [expected] = await lake.duck<{ n: number }>(csvCount(DAY));
    const summary = await lake.ingest('bronze.retail.day', [DAY]);
    expect(summary.createdTable).toBe(true);
    expect(summary.rowsWritten).toBe(expected?.n);
    expect(summary.files[0]?.rows).toBe(expected?.n);
    expect(await count('bronze.retail.day')).toBe(expected?.n);
    const [facts] = await lake.query<Record<string, string>>(
      'bronze.retail.day',
      `SELECT DISTINCT _source_file, _source_system, _batch_id, CAST(_ingested_at AS VARCHAR) AS at FROM t`,
    );
    expect(facts).toMatchObject({
      _source_file: DAY,
      _source_system: 'retail',
      _batch_id: summary.batchId,
    });
    const described = await lake.catalog.describeTable(ident('bronze.retail.day'));
    expect(described.properties).toMatchObject({
      source_system: 'retail',
      ingest_type: 'batch',
      file_format: 'csv',
    });
    const types = Object.fromEntries(described.columns.map((c) => [c.name, c.type]));
    expect(types).toMatchObject({
      Quantity: 'long',
      UnitPrice: 'double',
      _ingested_at: 'timestamptz',
    });
    const [snapshot] = await lake.catalog.snapshots(ident('bronze.retail.day'));
    expect(snapshot?.summary).toMatchObject({
      'lakeward.batch-id': summary.batchId,
      'lakeward.files': '1',
      'lakeward.source-system': 'retail',
    });
  });

  it('loads the whole folder of 305 days in one snapshot with the exact row count', async () => {
    const events: IngestProgress[] = [];
    const [expected] = await lake.duck<{ n: number }>(csvCount(path.join(RETAIL_DAYS, '*.csv')));
    const summary = await lake.ingest('bronze.retail.invoices', [RETAIL_DAYS], {
      onProgress: (e) => events.push(e),
    });
    expect(summary.files).toHaveLength(305);
    expect(summary.rowsWritten).toBe(expected?.n);
    expect(await count('bronze.retail.invoices')).toBe(expected?.n);
    expect(await lake.catalog.snapshots(ident('bronze.retail.invoices'))).toHaveLength(1);
    const loads = events.filter((e) => e.phase === 'load');
    expect(loads.length).toBeGreaterThan(1);
    expect(loads.at(-1)).toMatchObject({ filesDone: 305, filesTotal: 305, rows: expected?.n });
    const records = await lake.metastore.tables.get(['bronze', 'retail'], 'invoices');
    const files = await lake.metastore.ingestedFiles.list(records?.id ?? '');
    expect(files).toHaveLength(305);
    expect(files.every((f) => f.batchId === summary.batchId && f.sha256.length === 64)).toBe(true);
  }, 600_000);

  it('loads flights from CSV, newline-delimited JSON and a Spark Parquet folder', async () => {
    const csv = await lake.ingest('bronze.flights.from_csv', [path.join(FLIGHTS, 'csv')]);
    const json = await lake.ingest('bronze.flights.from_json', [
      path.join(FLIGHTS, 'json', '*.json'),
    ]);
    const parquet = await lake.ingest('bronze.flights.from_parquet', [
      path.join(FLIGHTS, 'parquet'),
    ]);
    expect(csv.files).toHaveLength(6);
    expect(json.rowsWritten).toBe(csv.rowsWritten);
    expect(parquet.format).toBe('parquet');
    const [raw] = await lake.duck<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM read_parquet('${FLIGHTS}/parquet/*/*.parquet')`,
    );
    expect(parquet.rowsWritten).toBe(raw?.n);
    const [sum] = await lake.query<{ s: number }>(
      'bronze.flights.from_json',
      'SELECT sum("count")::BIGINT::INTEGER AS s FROM t',
    );
    const [expected] = await lake.duck<{ s: number }>(
      `SELECT sum("count")::BIGINT::INTEGER AS s FROM read_json('${FLIGHTS}/json/*.json')`,
    );
    expect(sum?.s).toBe(expected?.s);
  });

  it('sends malformed CSV rows to <table>__rejects and loads the rest', async () => {
    const file = lake.file(
      'orders.csv',
      'id,amount,note\n1,10.5,ok\n2,11.0,has,extra,fields\n3,12.25,fine\n4\n5,1.0,last\n',
    );
    const summary = await lake.ingest('bronze.shop.orders', [file]);
    expect(summary.rowsWritten).toBe(3);
    expect(summary.rowsRejected).toBe(2);
    expect(summary.rejectsTable).toBe('bronze.shop.orders__rejects');
    const rejects = await lake.query<{
      _source_file: string;
      line: number;
      raw_text: string;
      reason: string;
    }>(
      'bronze.shop.orders__rejects',
      'SELECT _source_file, line::INTEGER AS line, raw_text, reason FROM t ORDER BY line',
    );
    expect(rejects.map((r) => [r._source_file, r.line, r.raw_text])).toEqual([
      [file, 3, '2,11.0,has,extra,fields'],
      [file, 5, '4'],
    ]);
    expect(rejects[0]?.reason).toContain('TOO MANY COLUMNS');
    expect(rejects[1]?.reason).toContain('MISSING COLUMNS');
  });

  it('skips a file already loaded into the table, and loads it again with force', async () => {
    const file = lake.file('again.csv', 'a,b\n1,x\n2,y\n');
    const first = await lake.ingest('bronze.misc.again', [file]);
    const second = await lake.ingest('bronze.misc.again', [file]);
    expect(second.rowsWritten).toBe(0);
    expect(second.files[0]?.skipped).toContain(`already loaded in batch ${first.batchId}`);
    expect(await count('bronze.misc.again')).toBe(2);
    const forced = await lake.ingest('bronze.misc.again', [file], { force: true });
    expect(forced.rowsWritten).toBe(2);
    expect(await count('bronze.misc.again')).toBe(4);
  });

  it('does not count a file whose batch never reached the table', async () => {
    const file = lake.file('crashed.csv', 'a\n1\n2\n');
    await lake.ingest('bronze.misc.crashed', [lake.file('first.csv', 'a\n0\n')]);
    const record = await lake.metastore.tables.get(['bronze', 'misc'], 'crashed');
    const { createHash } = await import('node:crypto');
    // What a crash between the ingest record and the Iceberg commit leaves behind.
    await lake.metastore.ingestedFiles.record([
      {
        tableId: record?.id ?? '',
        sha256: createHash('sha256').update(fs.readFileSync(file)).digest('hex'),
        sourcePath: file,
        sizeBytes: 6,
        rowCount: 2,
        rejectedCount: 0,
        batchId: 'never-committed',
        snapshotId: '',
        ingestedAt: new Date(),
      },
    ]);
    const summary = await lake.ingest('bronze.misc.crashed', [file]);
    expect(summary.files[0]?.skipped).toBeUndefined();
    expect(await count('bronze.misc.crashed')).toBe(3);
  });

  it('adds new columns and widens int to long', async () => {
    await lake.ingest('bronze.misc.evolve', [lake.file('v1.csv', 'id,qty\n1,5\n2,6\n')]);
    const before = await lake.catalog.describeTable(ident('bronze.misc.evolve'));
    expect(before.columns.find((c) => c.name === 'qty')?.type).toBe('long');
    const summary = await lake.ingest('bronze.misc.evolve', [
      lake.file('v2.csv', 'id,qty,discount\n3,7,0.5\n'),
    ]);
    expect(summary.schemaChanges).toEqual(['added column discount (double)']);
    const rows = await lake.query<{ id: number; discount: number | null }>(
      'bronze.misc.evolve',
      'SELECT id::INTEGER AS id, discount FROM t ORDER BY id',
    );
    expect(rows).toEqual([
      { id: 1, discount: null },
      { id: 2, discount: null },
      { id: 3, discount: 0.5 },
    ]);
  });

  it('widens an int column when a file brings longs', async () => {
    await lake.ingest('bronze.misc.widen', [path.join(FLIGHTS, 'parquet')]);
    const int = lake.file('small.json', '[{"count": 1, "extra": "x"}]');
    // Parquet from Spark stores count as long; a JSON with int-sized values fits it.
    const fits = await lake.ingest('bronze.misc.widen', [int]);
    expect(fits.schemaChanges).toEqual(['added column extra (string)']);
    await lake.catalog.createTable(ident('bronze.misc.narrow'), {
      columns: [{ name: 'n', type: 'int' }],
    });
    const widened = await lake.ingest('bronze.misc.narrow', [
      lake.file('big.csv', 'n\n1\n9000000000\n'),
    ]);
    expect(widened.schemaChanges).toContain('widened n int -> long');
    const rows = await lake.query<{ n: string }>(
      'bronze.misc.narrow',
      'SELECT n::VARCHAR AS n FROM t ORDER BY n',
    );
    expect(rows.map((r) => r.n)).toEqual(['1', '9000000000']);
  });

  it('stops on a type conflict naming the column, both types and the file', async () => {
    await lake.ingest('bronze.misc.conflict', [lake.file('good.csv', 'Quantity\n1\n2\n')]);
    const bad = lake.file('bad-qty.csv', 'Quantity\nmany\nfew\n');
    let error: LakewardError | undefined;
    try {
      await lake.ingest('bronze.misc.conflict', [bad]);
    } catch (err) {
      if (err instanceof LakewardError) error = err;
    }
    expect(error?.code).toBe('TYPE_CONFLICT');
    expect(error?.message).toContain(
      'Column "Quantity" is bigint in bronze.misc.conflict but varchar in',
    );
    expect(error?.message).toContain(bad);
    expect(error?.hint).toMatch(/load it into another table, or cast the column/);
    expect(await count('bronze.misc.conflict')).toBe(2);
  });

  it('lets an all-empty column take the table type', async () => {
    await lake.ingest('bronze.misc.sparse', [lake.file('ids.csv', 'id,customer\n1,17850.0\n')]);
    const summary = await lake.ingest('bronze.misc.sparse', [
      lake.file('no-ids.csv', 'id,customer\n2,\n3,\n'),
    ]);
    expect(summary.schemaChanges).toEqual([]);
    expect(await count('bronze.misc.sparse', 'customer IS NULL')).toBe(2);
  });

  it('replaces all rows in overwrite mode', async () => {
    await lake.ingest('bronze.misc.over', [lake.file('o1.csv', 'a\n1\n2\n3\n')]);
    const summary = await lake.ingest('bronze.misc.over', [lake.file('o2.csv', 'a\n9\n')], {
      mode: 'overwrite',
    });
    expect(summary.mode).toBe('overwrite');
    expect(await lake.query('bronze.misc.over', 'SELECT a::INTEGER AS a FROM t')).toEqual([
      { a: 9 },
    ]);
    // The overwrite removed o1's rows, so o1 is no longer "already loaded".
    const again = await lake.ingest('bronze.misc.over', [path.join(lake.dir, 'input', 'o1.csv')]);
    expect(again.files[0]?.skipped).toBeUndefined();
    expect(await count('bronze.misc.over')).toBe(4);
  });

  it('reads gzip-compressed CSV', async () => {
    const gz = path.join(lake.dir, 'input', 'day.csv.gz');
    fs.mkdirSync(path.dirname(gz), { recursive: true });
    fs.writeFileSync(gz, gzipSync(fs.readFileSync(DAY)));
    const [expected] = await lake.duck<{ n: number }>(csvCount(DAY));
    const summary = await lake.ingest('bronze.retail.gz', [gz]);
    expect(summary.rowsWritten).toBe(expected?.n);
    expect(await count('bronze.retail.gz')).toBe(expected?.n);
  });
});

describe('formats and options', () => {
  it('reads zstd-compressed CSV, TSV and a mix of formats in one command', async () => {
    const zst = path.join(lake.dir, 'input', 'day.csv.zst');
    fs.mkdirSync(path.dirname(zst), { recursive: true });
    await lake.duck(
      `COPY (SELECT * FROM read_csv('${DAY}')) TO '${zst}' (FORMAT CSV, COMPRESSION 'zstd')`,
    );
    const [expected] = await lake.duck<{ n: number }>(csvCount(DAY));
    expect((await lake.ingest('bronze.retail.zst', [zst])).rowsWritten).toBe(expected?.n);

    const tsv = lake.file('people.tsv', 'name\tage\nAda\t36\nAlan\t41\n');
    const json = lake.file('more.json', '[{"name": "Grace", "age": 85}]');
    const mixed = await lake.ingest('bronze.misc.people', [tsv, json]);
    expect(mixed.format).toBe('mixed');
    const rows = await lake.query<{ name: string; age: number }>(
      'bronze.misc.people',
      'SELECT name, age::INTEGER AS age FROM t ORDER BY age',
    );
    expect(rows).toEqual([
      { name: 'Ada', age: 36 },
      { name: 'Alan', age: 41 },
      { name: 'Grace', age: 85 },
    ]);
  });

  it('reads sibling CSVs with the same header even when only a later one quotes its fields', async () => {
    const plain = lake.file('q/a.csv', 'id,text\n1,plain\n');
    lake.file('q/b.csv', 'id,text\n2,"with, comma"\n3,"say ""hi"""\n');
    const summary = await lake.ingest('bronze.misc.quotes', [path.dirname(plain)]);
    expect(summary.rowsRejected).toBe(0);
    const rows = await lake.query<{ text: string }>(
      'bronze.misc.quotes',
      'SELECT text FROM t ORDER BY id',
    );
    expect(rows.map((r) => r.text)).toEqual(['plain', 'with, comma', 'say "hi"']);
  });

  it('loads a file named twice in one command once', async () => {
    const file = lake.file('twice.csv', 'a\n1\n');
    const copy = lake.file('twice-copy.csv', 'a\n1\n');
    const summary = await lake.ingest('bronze.misc.twice', [file, copy]);
    expect(summary.rowsWritten).toBe(1);
    expect(summary.files[1]?.skipped).toContain(`same content as ${file}`);
  });

  it('keeps nested JSON (lists and structs) and appends more of it', async () => {
    const a = lake.file('n1.ndjson', '{"id": 1, "tags": ["a", "b"], "addr": {"city": "Oslo"}}\n');
    const b = lake.file('n2.ndjson', '{"id": 2, "tags": ["c"], "addr": {"city": "Bergen"}}\n');
    await lake.ingest('bronze.misc.nested', [a]);
    const second = await lake.ingest('bronze.misc.nested', [b]);
    expect(second.schemaChanges).toEqual([]);
    const rows = await lake.query<{ city: string; n: number }>(
      'bronze.misc.nested',
      'SELECT addr.city AS city, len(tags)::INTEGER AS n FROM t ORDER BY id',
    );
    expect(rows).toEqual([
      { city: 'Oslo', n: 2 },
      { city: 'Bergen', n: 1 },
    ]);
  });

  it('honours --format and CSV overrides for a file with an unusual name and layout', async () => {
    const file = lake.file('export.dat', '1;x\n2;y\n');
    const summary = await lake.ingest('bronze.misc.dat', [file], {
      format: 'csv',
      csv: { delimiter: ';', header: false },
    });
    expect(summary.rowsWritten).toBe(2);
    const columns = (await lake.catalog.describeTable(ident('bronze.misc.dat'))).columns;
    expect(columns.map((c) => c.name).slice(0, 2)).toEqual(['column0', 'column1']);
  });

  it('stops when cancelled and leaves no table behind', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      lake.ingest('bronze.misc.cancelled', [DAY], { signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await lake.catalog.tableExists(ident('bronze.misc.cancelled'))).toBe(false);
  });
});
