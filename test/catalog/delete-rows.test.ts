import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/app.js';
import type { TableIdent } from '../../src/catalog/index.js';
import { loadConfig } from '../../src/config/index.js';
import { appendQuery, openSession, scanSql } from '../../src/engine/index.js';
import { failure } from '../failure.js';

const sales: TableIdent = { namespace: ['silver', 'shop'], name: 'sales' };

let dir: string;
let services: Services;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lakeward-delete-rows-'));
  services = await createServices(loadConfig({ home: dir, env: {} }));
  await services.catalog.bootstrap();
  await services.catalog.createNamespace(['silver', 'shop']);
  await services.catalog.createTable(sales, {
    columns: [
      { name: 'id', type: 'long' },
      { name: 'country', type: 'string' },
    ],
  });
});

afterEach(async () => {
  await services.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function withSession<T>(work: (s: Awaited<ReturnType<typeof openSession>>) => Promise<T>) {
  const session = await openSession({ memoryLimit: '256MB', tempDir: path.join(dir, 'tmp') });
  try {
    return await work(session);
  } finally {
    session.close();
  }
}

/** Two commits, so the rows sit in two files: one all French, one mixed. */
async function loadRows(): Promise<void> {
  for (const values of ["(1, 'FR'), (2, 'FR')", "(3, 'US'), (4, 'FR'), (5, NULL)"]) {
    const table = await services.catalog.loadTable(sales);
    await withSession((s) =>
      appendQuery(s, table, `SELECT * FROM (VALUES ${values}) AS v(id, country)`, {
        tempDir: path.join(dir, 'tmp'),
        targetFileSizeBytes: 1024 ** 2,
      }),
    );
  }
}

async function ids(snapshotId?: string): Promise<number[]> {
  const table = await services.catalog.loadTable(sales);
  const files = await table.planFiles(
    snapshotId === undefined ? {} : { snapshotId: BigInt(snapshotId) },
  );
  if (files.length === 0) return [];
  const scan = scanSql(
    table.schema(),
    files.map((f) => fileURLToPath(f.filePath)),
  );
  const rows = await withSession((s) =>
    s.all<{ id: number }>(`SELECT id::INTEGER AS id FROM (${scan}) ORDER BY id`),
  );
  return rows.map((r) => r.id);
}

describe('deleting rows through the catalog', () => {
  it('removes exactly the matching rows in one new snapshot, keeping the old one readable', async () => {
    await loadRows();
    const before = (await services.catalog.snapshots(sales))[0]!;
    const result = await services.catalog.deleteRows(sales, "country = 'FR'");
    expect(result.deletedRows).toBe(3);
    const snapshots = await services.catalog.snapshots(sales);
    expect(snapshots).toHaveLength(3);
    expect(snapshots[0]).toMatchObject({ snapshotId: result.snapshotId, isCurrent: true });
    // A NULL country does not match, so that row stays.
    expect(await ids()).toEqual([3, 5]);
    expect(await ids(before.snapshotId)).toEqual([1, 2, 3, 4, 5]);
    expect((await services.catalog.describeTable(sales)).recordCount).toBe(2);
  });

  it('makes no snapshot when no row matches', async () => {
    await loadRows();
    const before = (await services.catalog.snapshots(sales))[0]!;
    const result = await services.catalog.deleteRows(sales, 'id > 100');
    expect(result).toEqual({ deletedRows: 0, snapshotId: before.snapshotId });
    expect(await services.catalog.snapshots(sales)).toHaveLength(2);
  });

  it('answers an empty table with nothing deleted', async () => {
    const result = await services.catalog.deleteRows(sales, 'id = 1');
    expect(result).toEqual({ deletedRows: 0, snapshotId: null });
  });

  it('refuses a bad condition with what DuckDB said, changing nothing', async () => {
    await loadRows();
    const syntax = await failure(services.catalog.deleteRows(sales, 'country = = 1'));
    expect(syntax.code).toBe('INVALID_PREDICATE');
    expect(syntax.message).toMatch(/syntax error/i);
    const unknown = await failure(services.catalog.deleteRows(sales, 'city = 1'));
    expect(unknown.message).toContain("'city'");
    const sneaky = await failure(services.catalog.deleteRows(sales, 'id IN (SELECT 1)'));
    expect(sneaky.code).toBe('INVALID_PREDICATE');
    expect(await ids()).toEqual([1, 2, 3, 4, 5]);
  });

  it('refuses external tables and missing tables', async () => {
    await services.metastore.tables.create({
      namespace: ['silver', 'shop'],
      name: 'outside',
      kind: 'external',
      metadataLocation: null,
      location: 'silver/shop/outside',
      description: null,
      properties: {},
    });
    const outside = { namespace: ['silver', 'shop'], name: 'outside' };
    const external = await failure(services.catalog.deleteRows(outside, 'true'));
    expect(external.code).toBe('NOT_AN_ICEBERG_TABLE');
    const missing = await failure(
      services.catalog.deleteRows({ namespace: ['silver', 'shop'], name: 'nope' }, 'true'),
    );
    expect(missing.code).toBe('TABLE_NOT_FOUND');
  });
});
