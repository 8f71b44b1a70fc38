import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TableIdent } from '../../src/catalog/index.js';
import { stagedDataFile } from './data-files.js';
import { keysUnder, tempCatalog, type TempCatalog } from './temp-catalog.js';
import { failure } from '../failure.js';

const invoices: TableIdent = { namespace: ['bronze', 'retail'], name: 'invoices' };

describe('tables', () => {
  let t: TempCatalog;
  beforeEach(async () => {
    t = await tempCatalog();
    await t.catalog.createNamespace(['bronze', 'retail']);
  });
  afterEach(async () => {
    await t.close();
  });

  async function createInvoices() {
    return t.catalog.createTable(invoices, {
      columns: [
        { name: 'invoice_no', type: 'string', required: true, doc: 'POS invoice number' },
        { name: 'quantity', type: 'int' },
        { name: 'invoice_date', type: 'timestamp' },
        {
          name: 'tags',
          type: { type: 'list', 'element-id': 99, element: 'string', 'element-required': false },
        },
      ],
      partitionBy: [{ source: 'invoice_date', transform: 'day' }],
      description: 'Raw invoices from the shops',
      properties: {
        source_system: 'pos',
        ingest_type: 'batch',
        file_format: 'csv',
        owner_team: 'retail',
      },
    });
  }

  it('creates a table at <layer>/<namespace>/<table> and describes it', async () => {
    const created = await createInvoices();
    expect(created.location).toBe(t.store.uri('bronze/retail/invoices'));
    expect(created.metadataLocation).toMatch(
      /bronze\/retail\/invoices\/metadata\/.+\.metadata\.json$/,
    );
    const d = await t.catalog.describeTable(invoices);
    expect(d.layer).toBe('bronze');
    expect(d.description).toBe('Raw invoices from the shops');
    expect(d.columns.map((c) => [c.name, c.type, c.required])).toEqual([
      ['invoice_no', 'string', true],
      ['quantity', 'int', false],
      ['invoice_date', 'timestamp', false],
      ['tags', 'list<string>', false],
    ]);
    expect(d.columns[0]!.doc).toBe('POS invoice number');
    expect(d.partitionSpec).toEqual([
      { sourceColumn: 'invoice_date', transform: 'day', name: 'invoice_date_day' },
    ]);
    expect(d.currentSnapshotId).toBeNull();
    expect(d.recordCount).toBe(0);
    expect(await t.catalog.listTables(['bronze', 'retail'])).toEqual([
      { namespace: ['bronze', 'retail'], name: 'invoices', kind: 'iceberg' },
    ]);
  });

  it('keeps catalog properties in the metastore and mirrors the ingest ones into Iceberg', async () => {
    await createInvoices();
    const table = await t.catalog.loadTable(invoices);
    expect(table.metadata.properties).toMatchObject({
      source_system: 'pos',
      ingest_type: 'batch',
      file_format: 'csv',
    });
    expect(table.metadata.properties.owner_team).toBeUndefined();

    const updated = await t.catalog.updateTable(invoices, {
      description: 'Invoices',
      setProperties: { file_format: 'parquet', quality_score: '0.98' },
      removeProperties: ['owner_team'],
    });
    expect(updated.properties).toEqual({
      source_system: 'pos',
      ingest_type: 'batch',
      file_format: 'parquet',
      quality_score: '0.98',
    });
    expect(updated.description).toBe('Invoices');
    const reloaded = await t.catalog.loadTable(invoices);
    expect(reloaded.metadata.properties.file_format).toBe('parquet');
  });

  it('refuses a table in a missing namespace, a duplicate and a table in no layer', async () => {
    const missing = await failure(
      t.catalog.createTable(
        { namespace: ['bronze', 'crm'], name: 'contacts' },
        {
          columns: [{ name: 'id', type: 'long' }],
        },
      ),
    );
    expect(missing.code).toBe('NAMESPACE_NOT_FOUND');
    expect(missing.hint).toBe('create it with lakeward namespace create bronze.crm');
    await createInvoices();
    expect((await failure(createInvoices())).code).toBe('TABLE_ALREADY_EXISTS');
    const unknown = await failure(
      t.catalog.describeTable({ namespace: ['bronze', 'x'], name: 'y' }),
    );
    expect(unknown.code).toBe('TABLE_NOT_FOUND');
    expect(unknown.message).toBe('Table bronze.x.y does not exist');
    expect(unknown.hint).toBe('lakeward table list bronze.x');
  });

  it('leaves nothing behind when the Iceberg create fails', async () => {
    const err = await failure(
      t.catalog.createTable(invoices, {
        columns: [{ name: 'id', type: 'long' }],
        partitionBy: [{ source: 'no_such_column', transform: 'identity' }],
      }),
    );
    expect(err.kind).toBe('invalid');
    expect(await t.catalog.tableExists(invoices)).toBe(false);
    expect(await t.metastore.tables.get(['bronze', 'retail'], 'invoices')).toBeUndefined();
    expect(await keysUnder(t.store, 'bronze/retail/invoices/')).toEqual([]);
    await createInvoices();
  });

  it('renames a table; its files stay where they are', async () => {
    await createInvoices();
    await t.catalog.createNamespace(['bronze', 'shop']);
    const to = { namespace: ['bronze', 'shop'], name: 'receipts' };
    await t.catalog.renameTable(invoices, to);
    expect(await t.catalog.tableExists(invoices)).toBe(false);
    const d = await t.catalog.describeTable(to);
    expect(d.location).toBe(t.store.uri('bronze/retail/invoices'));
    expect(d.columns).toHaveLength(4);

    // A new table under the old name must not share the renamed table's folder.
    const again = await createInvoices();
    expect(again.location).not.toBe(d.location);
    expect(again.location).toContain('bronze/retail/invoices-');
  });

  it('drops a table and, by default, purges its files', async () => {
    await createInvoices();
    await t.catalog
      .loadTable(invoices)
      .then(async (table) =>
        table.append([await stagedDataFile(t.store, 'bronze/retail/invoices/data/a.parquet', 10)]),
      );
    expect((await keysUnder(t.store, 'bronze/retail/invoices/')).length).toBeGreaterThan(2);
    await t.catalog.dropTable(invoices);
    expect(await t.catalog.tableExists(invoices)).toBe(false);
    expect(await keysUnder(t.store, 'bronze/retail/invoices/')).toEqual([]);
    expect(fs.existsSync(t.dir)).toBe(true);
  });

  it('drops a table without purge and keeps its files', async () => {
    await createInvoices();
    await t.catalog.dropTable(invoices, { purge: false });
    expect(await t.catalog.tableExists(invoices)).toBe(false);
    expect((await keysUnder(t.store, 'bronze/retail/invoices/')).length).toBeGreaterThan(0);
  });
});
