import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keysUnder, tempCatalog, type TempCatalog } from './temp-catalog.js';
import { failure } from '../failure.js';

describe('namespaces', () => {
  let t: TempCatalog;
  beforeEach(async () => {
    t = await tempCatalog();
  });
  afterEach(async () => {
    await t.close();
  });

  it('has the three layers after bootstrap, each marked with its layer; bootstrap is idempotent', async () => {
    await t.catalog.bootstrap();
    const top = await t.catalog.listNamespaces();
    expect(top.map((n) => n.path)).toEqual([['bronze'], ['gold'], ['silver']]);
    expect(top.find((n) => n.path[0] === 'silver')?.properties).toEqual({ layer: 'silver' });
  });

  it('creates, describes, updates and lists namespaces', async () => {
    await t.catalog.createNamespace(['bronze', 'retail'], {
      description: 'Point-of-sale exports',
      properties: { source_system: 'pos' },
    });
    const updated = await t.catalog.updateNamespace(['bronze', 'retail'], {
      setProperties: { owner_team: 'data-eng' },
      removeProperties: ['source_system'],
    });
    expect(updated.properties).toEqual({ owner_team: 'data-eng' });
    const described = await t.catalog.describeNamespace(['bronze', 'retail']);
    expect(described.description).toBe('Point-of-sale exports');
    const children = await t.catalog.listNamespaces(['bronze']);
    expect(children.map((n) => n.path)).toEqual([['bronze', 'retail']]);
  });

  it('creates missing parent namespaces along the way', async () => {
    await t.catalog.createNamespace(['silver', 'finance', 'ledger']);
    expect((await t.catalog.describeNamespace(['silver', 'finance'])).path).toEqual([
      'silver',
      'finance',
    ]);
  });

  it('refuses duplicates, bad names and unknown namespaces with codes and hints', async () => {
    await t.catalog.createNamespace(['bronze', 'retail']);
    expect((await failure(t.catalog.createNamespace(['bronze', 'retail']))).code).toBe(
      'NAMESPACE_ALREADY_EXISTS',
    );
    expect((await failure(t.catalog.createNamespace(['bronze', 'Retail']))).code).toBe(
      'INVALID_NAME',
    );
    expect((await failure(t.catalog.createNamespace(['platinum', 'x']))).code).toBe(
      'UNKNOWN_LAYER',
    );
    const missing = await failure(t.catalog.describeNamespace(['bronze', 'nope']));
    expect(missing.code).toBe('NAMESPACE_NOT_FOUND');
    expect(missing.hint).toContain('lakeward namespace create bronze.nope');
  });

  it('renames a namespace together with everything below it', async () => {
    await t.catalog.createNamespace(['bronze', 'retail', 'pos']);
    await t.catalog.createTable(
      { namespace: ['bronze', 'retail', 'pos'], name: 'sales' },
      { columns: [{ name: 'id', type: 'long' }] },
    );
    await t.catalog.renameNamespace(['bronze', 'retail'], ['bronze', 'shop']);
    expect(
      await t.catalog.tableExists({ namespace: ['bronze', 'shop', 'pos'], name: 'sales' }),
    ).toBe(true);
    expect(
      await t.catalog.tableExists({ namespace: ['bronze', 'retail', 'pos'], name: 'sales' }),
    ).toBe(false);
    const table = await t.catalog.describeTable({
      namespace: ['bronze', 'shop', 'pos'],
      name: 'sales',
    });
    expect(table.location).toContain('bronze/retail/pos/sales');
    expect((await failure(t.catalog.renameNamespace(['bronze'], ['silver', 'x']))).code).toBe(
      'CANNOT_RENAME_LAYER',
    );
  });

  it('drops a non-empty namespace only with cascade, which purges its tables', async () => {
    await t.catalog.createNamespace(['bronze', 'retail']);
    await t.catalog.createNamespace(['bronze', 'retail', 'pos']);
    await t.catalog.createTable(
      { namespace: ['bronze', 'retail'], name: 'invoices' },
      { columns: [{ name: 'id', type: 'long' }] },
    );
    const refused = await failure(t.catalog.dropNamespace(['bronze', 'retail']));
    expect(refused.code).toBe('NAMESPACE_NOT_EMPTY');
    expect(refused.hint).toContain('--cascade');

    await t.catalog.dropNamespace(['bronze', 'retail'], { cascade: true });
    expect((await t.catalog.listNamespaces(['bronze'])).length).toBe(0);
    expect(await keysUnder(t.store, 'bronze/retail/')).toEqual([]);
    expect((await failure(t.catalog.dropNamespace(['gold']))).code).toBe('CANNOT_DROP_LAYER');
  });

  it('drops an empty namespace', async () => {
    await t.catalog.createNamespace(['gold', 'revenue']);
    await t.catalog.dropNamespace(['gold', 'revenue']);
    expect(await t.catalog.listNamespaces(['gold'])).toEqual([]);
  });
});
