import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExternalTableSpec, TableIdent } from '../../../src/catalog/index.js';
import { openSession } from '../../../src/engine/index.js';
import { failure } from '../../failure.js';
import { externalHome, SHARED_DATA, type ExternalHome } from './external-home.js';

const RETAIL = path.join(SHARED_DATA, 'retail', 'by-day');
const rawRetail: TableIdent = { namespace: ['bronze', 'raw'], name: 'retail_csv' };
const invoices: TableIdent = { namespace: ['bronze', 'retail'], name: 'invoices' };

const RETAIL_COLUMNS = [
  { name: 'InvoiceNo', type: 'string' },
  { name: 'StockCode', type: 'string' },
  { name: 'Description', type: 'string' },
  { name: 'Quantity', type: 'int' },
  { name: 'InvoiceDate', type: 'timestamp' },
  { name: 'UnitPrice', type: 'double' },
  { name: 'CustomerID', type: 'double' },
  { name: 'Country', type: 'string' },
];

const csv = (location: string, columns: ExternalTableSpec['columns']): ExternalTableSpec => ({
  location,
  format: 'csv',
  compression: 'none',
  csv: { delimiter: ',', quote: '"', escape: '"', header: true },
  columns,
  partitionColumns: [],
  exclude: [],
});

const SUMMARY = `count(*) AS n, sum(Quantity) AS quantity, count(DISTINCT InvoiceNo) AS invoices,
  count(CustomerID) AS customers, round(sum(Quantity * UnitPrice), 2) AS revenue,
  min(InvoiceDate) AS first, max(InvoiceDate) AS last`;

describe('converting an external table into an Iceberg bronze table', () => {
  let home: ExternalHome;

  beforeAll(async () => {
    home = await externalHome();
    await home.services.governed.createNamespace(home.admin, ['bronze', 'raw']);
    await home.services.governed.createExternalTable(
      home.admin,
      rawRetail,
      csv(RETAIL, RETAIL_COLUMNS),
      { description: 'UCI online retail, one file a day', properties: { owner_team: 'sales' } },
    );
  });

  afterAll(() => home.close());

  it('copies every row of the 305 raw files; the copy answers as DuckDB over the files', async () => {
    const converted = await home.services.governed.convertExternalTable(
      home.admin,
      rawRetail,
      invoices,
    );
    expect(converted.table).toMatchObject({
      kind: 'iceberg',
      snapshotCount: 1,
      description: 'UCI online retail, one file a day',
      properties: {
        owner_team: 'sales',
        source_system: 'raw',
        file_format: 'csv',
        converted_from: 'bronze.raw.retail_csv',
      },
    });
    const copy = await home.services.query.execute(
      home.admin,
      `SELECT ${SUMMARY} FROM bronze.retail.invoices`,
    );
    const session = await openSession({
      memoryLimit: '512MB',
      tempDir: path.join(home.dir, 'tmp'),
    });
    try {
      const types = RETAIL_COLUMNS.map((c) => `'${c.name}': '${duckType(c.type)}'`).join(', ');
      const [expected] = await session.all<Record<string, unknown>>(
        `SELECT ${SUMMARY} FROM read_csv('${RETAIL}/*.csv', columns = {${types}}, header = true)`,
      );
      const row = Object.fromEntries(copy.columns.map((c, i) => [c.name, copy.rows[0]?.[i]]));
      expect(String(row.n)).toBe(String(expected!.n));
      expect(Number(row.n)).toBe(converted.rows);
      expect(Number(row.n)).toBeGreaterThan(500_000);
      for (const key of ['quantity', 'invoices', 'customers', 'revenue']) {
        expect(Number(row[key])).toBe(Number(expected![key]));
      }
      const time = (v: unknown) => String(v).replace('T', ' ').slice(0, 19);
      expect(time(row.first)).toBe(time(expected!.first));
      expect(time(row.last)).toBe(time(expected!.last));
    } finally {
      session.close();
    }
    // The raw files stay and stay registered.
    expect(fs.readdirSync(RETAIL)).toHaveLength(305);
    expect((await home.services.catalog.describeTable(rawRetail)).kind).toBe('external');
  }, 120_000);

  it('turns hive folders into identity partitions of the copy, with their types', async () => {
    home.write('sales/year=2010/month=12/a.csv', 'id,amount\n1,1.5\n2,2.5\n');
    home.write('sales/year=2011/month=1/b.csv', 'id,amount\n3,3.5\n');
    const sales: TableIdent = { namespace: ['bronze', 'raw'], name: 'sales' };
    await home.services.governed.createExternalTable(home.admin, sales, {
      ...csv(path.join(home.landing, 'sales'), [
        { name: 'id', type: 'long' },
        { name: 'amount', type: 'double' },
      ]),
      partitionColumns: [
        { name: 'year', type: 'int' },
        { name: 'month', type: 'int' },
      ],
    });
    const raw = await home.services.query.execute(
      home.admin,
      'SELECT year, month, sum(amount) FROM bronze.raw.sales GROUP BY ALL ORDER BY ALL',
    );
    expect(raw.rows).toEqual([
      [2010, 12, 4],
      [2011, 1, 3.5],
    ]);
    const target: TableIdent = { namespace: ['bronze', 'shop'], name: 'sales' };
    const converted = await home.services.governed.convertExternalTable(home.admin, sales, target, {
      dropSource: true,
    });
    expect(converted.table.partitionSpec.map((p) => `${p.transform}(${p.sourceColumn})`)).toEqual([
      'identity(year)',
      'identity(month)',
    ]);
    expect(converted.table.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'id:long',
      'amount:double',
      'year:int',
      'month:int',
    ]);
    const copy = await home.services.query.execute(
      home.admin,
      'SELECT year, month, sum(amount) FROM bronze.shop.sales GROUP BY ALL ORDER BY ALL',
    );
    expect(copy.rows).toEqual(raw.rows);
    // --drop-source: the registration goes, the raw files stay.
    expect(await home.services.catalog.tableExists(sales)).toBe(false);
    expect(fs.existsSync(path.join(home.landing, 'sales', 'year=2010', 'month=12', 'a.csv'))).toBe(
      true,
    );
  });

  it('is atomic: a conversion that fails leaves no table behind, and can be run again', async () => {
    home.write('broken/a.csv', 'id,amount\n1,1.5\n');
    const bad = home.write('broken/b.csv', 'id,amount\nnot-a-number,2.5\n');
    const broken: TableIdent = { namespace: ['bronze', 'raw'], name: 'broken' };
    await home.services.governed.createExternalTable(
      home.admin,
      broken,
      csv(path.join(home.landing, 'broken'), [
        { name: 'id', type: 'long' },
        { name: 'amount', type: 'double' },
      ]),
    );
    const target: TableIdent = { namespace: ['bronze', 'raw'], name: 'fixed' };
    const err = await failure(
      home.services.governed.convertExternalTable(home.admin, broken, target),
    );
    expect(err.code).toBe('EXTERNAL_FILES_UNREADABLE');
    expect(err.message).toContain('not-a-number');
    expect(await home.services.catalog.tableExists(target)).toBe(false);
    const listed = await home.services.governed.listTables(home.admin, ['bronze', 'raw']);
    expect(listed.map((t) => t.name)).not.toContain('fixed');
    fs.writeFileSync(bad, 'id,amount\n2,2.5\n');
    const again = await home.services.governed.convertExternalTable(home.admin, broken, target);
    expect(again.rows).toBe(2);
  });

  it('converts only external tables, into a name that is free', async () => {
    const notExternal = await failure(
      home.services.governed.convertExternalTable(home.admin, invoices, {
        namespace: ['bronze', 'retail'],
        name: 'again',
      }),
    );
    expect(notExternal.code).toBe('NOT_AN_EXTERNAL_TABLE');
    const taken = await failure(
      home.services.governed.convertExternalTable(home.admin, rawRetail, invoices),
    );
    expect(taken.code).toBe('TABLE_ALREADY_EXISTS');
  });
});

function duckType(type: string): string {
  return (
    { string: 'VARCHAR', int: 'INTEGER', double: 'DOUBLE', timestamp: 'TIMESTAMP' } as Record<
      string,
      string
    >
  )[type]!;
}
