// PyIceberg, the reference Python implementation, reads every kind of table we write
// and must get exactly our rows: proof that the files are Iceberg, not just ours.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, initHome, type Services } from '../../src/app.js';
import { parseTableName } from '../../src/catalog/index.js';
import { appendQuery, deleteWhere, openSession, type Session } from '../../src/engine/index.js';
import type { Caller } from '../../src/governance/index.js';

const RETAIL = resolve('../shared/data/retail/by-day');
const DAYS = ['2010-12-01', '2010-12-02', '2010-12-03'].map((d) => join(RETAIL, `${d}.csv`));
const SCRIPT = resolve('test/e2e/read_with_pyiceberg.py');

const havePyIceberg =
  spawnSync('python3', ['-c', 'import pyiceberg, pyarrow'], { stdio: 'ignore' }).status === 0;
if (!havePyIceberg && process.env.CI) {
  throw new Error("PyIceberg is missing: pip install 'pyiceberg[pyarrow]==0.12.0'");
}

interface PyTable {
  location: string;
  schema: string[];
  field_ids: number[];
  snapshots: number;
  partition_fields: string[];
  rows: Record<string, unknown>[];
}

function readWithPyIceberg(locations: string[]): PyTable[] {
  const out = execFileSync('python3', [SCRIPT, ...locations], { maxBuffer: 512 * 1024 * 1024 });
  return JSON.parse(out.toString('utf8')) as PyTable[];
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(:\d{2}(\.\d+)?)?)(Z|[+-]\d{2}(:?\d{2})?)?$/;

/** One spelling for a value whichever side produced it (ISO vs str(datetime), 2.5 vs '2.50'). */
function canonical(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'bigint') return Number(value);
  if (typeof value !== 'string') return JSON.stringify(value);
  const ts = TIMESTAMP.exec(value);
  if (ts) {
    const zone = ts[5] === undefined ? 'Z' : ts[5].length === 3 ? `${ts[5]}:00` : ts[5];
    return Date.parse(`${ts[1]}T${ts[2]}${zone === '+00' ? 'Z' : zone}`);
  }
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return value;
}

function rowKeys(columns: string[], rows: Record<string, unknown>[]): string[] {
  return rows.map((row) => JSON.stringify(columns.map((c) => canonical(row[c])))).sort();
}

describe('PyIceberg reads what Lakeward writes', () => {
  let home: string;
  let services: Services;
  let admin: Caller;
  let session: Session;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'lakeward-pyiceberg-'));
    const { config } = await initHome({ home, overrides: { logLevel: 'silent' } });
    services = await createServices(config);
    admin = { principal: await services.auth.localAdmin(), context: { channel: 'cli' } };
    session = await openSession({ memoryLimit: '1GB', tempDir: join(home, 'tmp') });
  });

  afterAll(async () => {
    session?.close();
    await services?.close();
    rmSync(home, { recursive: true, force: true });
  });

  async function ours(
    table: string,
  ): Promise<{ columns: string[]; rows: Record<string, unknown>[] }> {
    const result = await services.query.execute(admin, `SELECT * FROM ${table}`, {
      maxRows: 1_000_000,
    });
    const columns = result.columns.map((c) => c.name);
    const rows = result.rows.map((values) =>
      Object.fromEntries(columns.map((c, i) => [c, values[i]])),
    );
    return { columns, rows };
  }

  async function expectSameRows(table: string): Promise<PyTable> {
    const iceberg = await services.catalog.loadTable(parseTableName(table));
    const [theirs] = readWithPyIceberg([iceberg.metadataLocation]);
    const mine = await ours(table);
    expect(theirs!.schema).toEqual(mine.columns);
    expect(theirs!.rows.length).toBe(mine.rows.length);
    expect(rowKeys(mine.columns, theirs!.rows)).toEqual(rowKeys(mine.columns, mine.rows));
    return theirs!;
  }

  const retailSelect = (files: string[]) =>
    `SELECT InvoiceNo AS invoice_no, StockCode AS stock_code, Description AS description,
            CAST(Quantity AS INTEGER) AS quantity, CAST(InvoiceDate AS TIMESTAMP) AS invoice_ts,
            CAST(UnitPrice AS DECIMAL(10, 2)) AS unit_price, CAST(CustomerID AS BIGINT) AS customer_id,
            Country AS country
     FROM read_csv([${files.map((f) => `'${f}'`).join(', ')}], union_by_name = true)`;

  const retailColumns = [
    { name: 'invoice_no', type: 'string' as const },
    { name: 'stock_code', type: 'string' as const },
    { name: 'description', type: 'string' as const },
    { name: 'quantity', type: 'int' as const },
    { name: 'invoice_ts', type: 'timestamp' as const },
    { name: 'unit_price', type: 'decimal(10, 2)' as const },
    { name: 'customer_id', type: 'long' as const },
    { name: 'country', type: 'string' as const },
  ];

  const writeOptions = () => ({ tempDir: join(home, 'tmp'), targetFileSizeBytes: 64 * 1024 ** 2 });

  it.skipIf(!havePyIceberg)('reads a bronze table loaded by batch ingest', async () => {
    await services.ingest.ingest(admin, {
      paths: DAYS,
      table: parseTableName('bronze.retail.invoices'),
    });
    const py = await expectSameRows('bronze.retail.invoices');
    expect(py.schema).toContain('_batch_id');
  });

  it.skipIf(!havePyIceberg)(
    'reads a table partitioned by day, bucket, truncate and identity',
    async () => {
      const ident = parseTableName('silver.sales.lines');
      await services.catalog.createNamespace(['silver', 'sales']);
      await services.catalog.createTable(ident, {
        columns: retailColumns,
        partitionBy: [
          { source: 'invoice_ts', transform: 'day' },
          { source: 'customer_id', transform: 'bucket[4]' },
          { source: 'country', transform: 'truncate[2]' },
          { source: 'quantity', transform: 'identity' },
        ],
      });
      const table = await services.catalog.loadTable(ident);
      await appendQuery(session, table, retailSelect(DAYS.slice(0, 2)), writeOptions());
      const py = await expectSameRows('silver.sales.lines');
      expect(py.partition_fields).toEqual(['day', 'bucket[4]', 'truncate[2]', 'identity']);
    },
  );

  it.skipIf(!havePyIceberg)(
    'reads a table after renames, added, widened and dropped columns',
    async () => {
      const ident = parseTableName('silver.sales.evolving');
      await services.catalog.createTable(ident, { columns: retailColumns });
      const created = await services.catalog.loadTable(ident);
      await appendQuery(session, created, retailSelect([DAYS[0]!]), writeOptions());
      await services.catalog.evolveSchema(ident, [
        { kind: 'rename', name: 'description', newName: 'product' },
        { kind: 'widen', name: 'quantity', type: 'long' },
        { kind: 'add', name: 'discount', type: 'double' },
        { kind: 'drop', name: 'stock_code' },
      ]);
      const evolved = await services.catalog.loadTable(ident);
      await appendQuery(
        session,
        evolved,
        `SELECT * EXCLUDE (stock_code, description), description AS product, 0.1 AS discount
       FROM (${retailSelect([DAYS[1]!])})`,
        writeOptions(),
      );
      const resolved = await services.catalog
        .resolver()
        .resolve({ parts: ['silver', 'sales', 'evolving'] });
      expect(resolved.dataFiles).toHaveLength(1);
      expect(resolved.namedFiles).toHaveLength(1);
      const py = await expectSameRows('silver.sales.evolving');
      expect(py.schema).toContain('product');
      expect(py.schema).not.toContain('stock_code');
      const renamed = py.rows.filter((r) => r.product === 'WHITE HANGING HEART T-LIGHT HOLDER');
      expect(renamed.length).toBeGreaterThan(0);
    },
  );

  it.skipIf(!havePyIceberg)('reads a table after copy-on-write deletes', async () => {
    const ident = parseTableName('silver.sales.lines');
    const before = await ours('silver.sales.lines');
    let table = await services.catalog.loadTable(ident);
    ({ table } = await deleteWhere(
      session,
      table,
      "country = 'United Kingdom' AND quantity < 3",
      writeOptions(),
    ));
    await deleteWhere(session, table, "invoice_no LIKE 'C%'", writeOptions());
    const py = await expectSameRows('silver.sales.lines');
    expect(py.rows.length).toBeLessThan(before.rows.length);
    expect(py.rows.some((r) => String(r.invoice_no).startsWith('C'))).toBe(false);
    expect(py.snapshots).toBe(3);
  });
});
