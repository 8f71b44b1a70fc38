import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TableIdent } from '../../src/catalog/index.js';
import { stagedDataFile } from './data-files.js';
import { tempCatalog, type TempCatalog } from './temp-catalog.js';
import { failure } from '../failure.js';

const sales: TableIdent = { namespace: ['silver', 'retail'], name: 'sales' };

describe('snapshots, rollback, schema evolution and the resolver', () => {
  let t: TempCatalog;
  beforeEach(async () => {
    t = await tempCatalog();
    await t.catalog.createNamespace(['silver', 'retail']);
    await t.catalog.createTable(sales, {
      columns: [
        { name: 'id', type: 'long' },
        { name: 'amount', type: 'double' },
      ],
    });
  });
  afterEach(async () => {
    await t.close();
  });

  async function append(file: string, rows: number) {
    const table = await t.catalog.loadTable(sales);
    const key = `silver/retail/sales/data/${file}`;
    return table.append([await stagedDataFile(t.store, key, rows)]);
  }

  it('lists snapshots newest first with their summaries, and the description counts them', async () => {
    await append('a.parquet', 10);
    await sleep(5);
    await append('b.parquet', 5);
    const snapshots = await t.catalog.snapshots(sales);
    expect(snapshots).toHaveLength(2);
    expect(snapshots[0]!.isCurrent).toBe(true);
    expect(snapshots[0]!.parentSnapshotId).toBe(snapshots[1]!.snapshotId);
    expect(snapshots[0]!.operation).toBe('append');
    expect(snapshots[0]!.summary['total-records']).toBe('15');
    const d = await t.catalog.describeTable(sales);
    expect(d).toMatchObject({ recordCount: 15, fileCount: 2, snapshotCount: 2 });
    expect(d.sizeBytes).toBe(110 + 105);
    expect(d.currentSnapshotId).toBe(snapshots[0]!.snapshotId);
  });

  it('rolls back to an earlier snapshot', async () => {
    await append('a.parquet', 10);
    await sleep(5);
    await append('b.parquet', 5);
    const [, first] = await t.catalog.snapshots(sales);
    const current = await t.catalog.rollback(sales, BigInt(first!.snapshotId));
    expect(current.snapshotId).toBe(first!.snapshotId);
    expect((await t.catalog.describeTable(sales)).recordCount).toBe(10);
    const unknown = await failure(t.catalog.rollback(sales, 42n));
    expect(unknown.kind).toBe('not_found');
  });

  it('evolves the schema through the catalog', async () => {
    const d = await t.catalog.evolveSchema(sales, [
      { kind: 'add', name: 'currency', type: 'string' },
      { kind: 'rename', name: 'amount', newName: 'total' },
    ]);
    expect(d.columns.map((c) => c.name)).toEqual(['id', 'total', 'currency']);
    expect(d.columns.find((c) => c.name === 'total')!.id).toBe(2);
    expect((await t.catalog.describeTable(sales)).columns).toHaveLength(3);
  });

  it('resolves a SQL name to the current data files as local paths', async () => {
    await append('a.parquet', 10);
    const resolved = await t.catalog.resolver().resolve({ parts: ['silver', 'retail', 'sales'] });
    expect(resolved.name).toBe('silver.retail.sales');
    expect(resolved.dataFiles).toHaveLength(1);
    expect(fs.existsSync(resolved.dataFiles[0]!)).toBe(true);
    expect(resolved.snapshotId).toBe(
      (await t.catalog.loadTable(sales)).currentSnapshot()!['snapshot-id'],
    );
  });

  it('travels in time by snapshot id and by timestamp, with that snapshot schema', async () => {
    const first = (await append('a.parquet', 10)).currentSnapshot()!;
    await sleep(5);
    await t.catalog.evolveSchema(sales, [{ kind: 'add', name: 'note', type: 'string' }]);
    const second = (await append('b.parquet', 5)).currentSnapshot()!;
    const resolver = t.catalog.resolver();
    const parts = ['SILVER', 'Retail', 'sales'];

    const bySnapshot = await resolver.resolve({
      parts,
      at: { kind: 'snapshot', snapshotId: first['snapshot-id'] },
    });
    expect(bySnapshot.dataFiles).toHaveLength(1);
    expect(bySnapshot.schema.fields.map((f) => f.name)).toEqual(['id', 'amount']);

    const byTime = await resolver.resolve({
      parts,
      at: { kind: 'timestamp', timestampMs: second['timestamp-ms'] },
    });
    expect(byTime.dataFiles).toHaveLength(2);
    expect(byTime.schema.fields.map((f) => f.name)).toEqual(['id', 'amount', 'note']);
    expect(byTime.snapshotId).toBe(second['snapshot-id']);

    const described = await resolver.describe!({
      parts,
      at: { kind: 'snapshot', snapshotId: first['snapshot-id'] },
    });
    expect(described.name).toBe('silver.retail.sales');
    expect(described.schema.fields.map((f) => f.name)).toEqual(['id', 'amount']);
  });

  it('reads only the files a reference names (what an incremental run gained)', async () => {
    await append('a.parquet', 10);
    const table = await append('b.parquet', 5);
    const files = await table.planFiles({});
    const added = files.find((f) => f.filePath.endsWith('/b.parquet'))!;
    const resolved = await t.catalog.resolver().resolve({
      parts: ['silver', 'retail', 'sales'],
      onlyFiles: new Set([added.filePath]),
    });
    const read = [...resolved.dataFiles, ...(resolved.namedFiles ?? [])];
    expect(read).toHaveLength(1);
    expect(read[0]).toMatch(/b\.parquet$/);
    const whole = await t.catalog.resolver().resolve({ parts: ['silver', 'retail', 'sales'] });
    expect([...whole.dataFiles, ...(whole.namedFiles ?? [])]).toHaveLength(2);
  });

  it('reads an empty table as no files', async () => {
    const resolved = await t.catalog.resolver().resolve({ parts: ['silver', 'retail', 'sales'] });
    expect(resolved).toMatchObject({ dataFiles: [], snapshotId: null });
  });

  it('names deeper namespaces with a quoted middle part and refuses partial names', async () => {
    await t.catalog.createNamespace(['silver', 'retail', 'pos']);
    await t.catalog.createTable(
      { namespace: ['silver', 'retail', 'pos'], name: 'tills' },
      { columns: [{ name: 'id', type: 'long' }] },
    );
    const resolver = t.catalog.resolver();
    const deep = await resolver.resolve({ parts: ['silver', 'retail.pos', 'tills'] });
    expect(deep.name).toBe('silver.retail.pos.tills');

    const partial = await failure(resolver.resolve({ parts: ['retail', 'sales'] }));
    expect(partial.code).toBe('INVALID_TABLE_REFERENCE');
    const missing = await failure(resolver.resolve({ parts: ['bronze', 'x', 'y'] }));
    expect(missing.message).toBe('Table bronze.x.y does not exist');
    expect(missing.hint).toBe('lakeward table list bronze.x');
  });

  it('lets two writers that loaded the same version both commit (CAS through the metastore)', async () => {
    const [one, two] = await Promise.all([t.catalog.loadTable(sales), t.catalog.loadTable(sales)]);
    const files = await Promise.all([
      stagedDataFile(t.store, 'silver/retail/sales/data/one.parquet', 3),
      stagedDataFile(t.store, 'silver/retail/sales/data/two.parquet', 4),
    ]);
    await Promise.all([one!.append([files[0]]), two!.append([files[1]])]);
    const d = await t.catalog.describeTable(sales);
    expect(d).toMatchObject({ recordCount: 7, fileCount: 2, snapshotCount: 2 });
    const planned = await (await t.catalog.loadTable(sales)).planFiles();
    expect(planned.map((f) => f.filePath.split('/').pop()).sort()).toEqual([
      'one.parquet',
      'two.parquet',
    ]);
  });
});
