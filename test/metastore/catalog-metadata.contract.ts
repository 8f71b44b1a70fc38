import { describe, expect, it } from 'vitest';
import type { Metastore } from '../../src/metastore/index.js';

const code = (c: string) => expect.objectContaining({ code: c });
const daily = { kind: 'table' as const, path: ['gold', 'revenue', 'daily'] };

/** The business-metadata repository's behaviour; runs inside the metastore contract. */
export function catalogMetadataContract(fixture: () => { store: Metastore }): void {
  describe('business metadata', () => {
    it('keeps an entry per securable and replaces it whole', async () => {
      const { metadata } = fixture().store;
      expect(await metadata.get(daily)).toBeUndefined();
      const at = new Date('2026-01-02T03:04:05.000Z');
      const entry = {
        properties: null,
        owner: { kind: 'group' as const, name: 'data_eng', contactEmail: 'de@example.com' },
        certification: {
          status: 'deprecated',
          reason: 'old',
          replacement: 'gold.revenue.v2',
          by: 'admin',
          at,
        },
      };
      await metadata.put(daily, entry);
      expect(await metadata.get(daily)).toEqual(entry);
      // A volume with the same path is another securable.
      expect(await metadata.get({ kind: 'volume', path: daily.path })).toBeUndefined();

      const volume = { kind: 'volume' as const, path: ['bronze', 'media', 'photos'] };
      await metadata.put(volume, {
        ...entry,
        properties: { camera: 'any' },
        owner: null,
        certification: null,
      });
      await metadata.put(daily, { ...entry, owner: null });
      expect(await metadata.get(daily)).toEqual({ ...entry, owner: null });
      expect(await metadata.get(volume)).toMatchObject({ properties: { camera: 'any' } });
    });

    it('keeps column descriptions, follows column renames and forgets removed ones', async () => {
      const { metadata } = fixture().store;
      await metadata.setColumnDescription(daily.path, 'amount', 'Net, **EUR**');
      await metadata.setColumnDescription(daily.path, 'store', 'Store id');
      await metadata.setColumnDescription(daily.path, 'amount', 'Net amount');
      expect(await metadata.columnDescriptions(daily.path)).toEqual({
        amount: 'Net amount',
        store: 'Store id',
      });

      await metadata.renameColumn(daily.path, 'amount', 'net_amount');
      await metadata.setColumnDescription(daily.path, 'store', null);
      expect(await metadata.columnDescriptions(daily.path)).toEqual({ net_amount: 'Net amount' });
      expect(await metadata.columnDescriptions(['gold', 'revenue', 'other'])).toEqual({});
    });

    it('follows renames and drops of the path like grants do', async () => {
      const { store } = fixture();
      await store.metadata.put(daily, {
        properties: null,
        owner: null,
        certification: null,
      });
      await store.metadata.setColumnDescription(daily.path, 'amount', 'Net');
      await store.metadata.appendHistory([
        {
          securable: daily,
          field: 'description',
          oldValue: null,
          newValue: 'x',
          changedBy: 'admin',
        },
      ]);
      await store.securablePaths.rename(['gold', 'revenue'], ['gold', 'sales']);
      const moved = { kind: 'table' as const, path: ['gold', 'sales', 'daily'] };
      expect(await store.metadata.get(daily)).toBeUndefined();
      expect(await store.metadata.get(moved)).toBeDefined();
      expect(await store.metadata.columnDescriptions(moved.path)).toEqual({ amount: 'Net' });
      expect(await store.metadata.history(moved)).toHaveLength(1);

      await store.securablePaths.forget(moved.path);
      expect(await store.metadata.get(moved)).toBeUndefined();
      expect(await store.metadata.columnDescriptions(moved.path)).toEqual({});
      expect(await store.metadata.history(moved)).toEqual([]);
    });

    it('lists the history of a securable newest first, in the order of one change', async () => {
      const { metadata } = fixture().store;
      const change = (field: string, newValue: string) => ({
        securable: daily,
        field,
        oldValue: null,
        newValue,
        changedBy: 'alice',
      });
      await metadata.appendHistory([change('description', 'first')]);
      await new Promise((r) => setTimeout(r, 5));
      await metadata.appendHistory([change('property:a', '1'), change('property:b', '2')]);
      const history = await metadata.history(daily);
      expect(history.map((h) => h.field)).toEqual(['property:b', 'property:a', 'description']);
      expect(history[2]).toMatchObject({
        securable: daily,
        oldValue: null,
        newValue: 'first',
        changedBy: 'alice',
      });
      expect(history[0]!.changedAt.getTime()).toBeGreaterThan(history[2]!.changedAt.getTime());
      expect(await metadata.history(daily, 1)).toHaveLength(1);
    });

    it('keeps property definitions with unique names', async () => {
      const { metadata } = fixture().store;
      const score = {
        name: 'quality_score',
        type: 'number',
        rule: { min: 0, max: 1 },
        description: 'Share of rules passed',
        appliesTo: ['table' as const],
        requiredIn: [],
        createdBy: 'admin',
      };
      const created = await metadata.createDefinition(score);
      expect(created).toMatchObject(score);
      await expect(metadata.createDefinition(score)).rejects.toEqual(
        code('PROPERTY_DEFINITION_ALREADY_EXISTS'),
      );
      await metadata.createDefinition({
        ...score,
        name: 'business_domain',
        type: 'enum',
        rule: { values: ['finance'] },
      });
      expect((await metadata.listDefinitions()).map((d) => d.name)).toEqual([
        'business_domain',
        'quality_score',
      ]);

      const replaced = await metadata.replaceDefinition({
        ...score,
        rule: { min: 0, max: 100 },
        requiredIn: ['gold'],
      });
      expect(replaced).toMatchObject({
        rule: { min: 0, max: 100 },
        requiredIn: ['gold'],
        createdBy: 'admin',
      });
      expect(await metadata.getDefinition('quality_score')).toEqual(replaced);

      await metadata.deleteDefinition('quality_score');
      expect(await metadata.getDefinition('quality_score')).toBeUndefined();
      await expect(metadata.deleteDefinition('quality_score')).rejects.toEqual(
        code('PROPERTY_DEFINITION_NOT_FOUND'),
      );
      await expect(metadata.replaceDefinition({ ...score })).rejects.toEqual(
        code('PROPERTY_DEFINITION_NOT_FOUND'),
      );
    });

    it('finds the namespaces, tables and volumes whose properties hold a key', async () => {
      const { store } = fixture();
      await store.namespaces.create({ path: ['gold'], properties: { business_domain: 'finance' } });
      await store.namespaces.create({
        path: ['gold', 'revenue'],
        properties: { business_domainx: 'no' },
      });
      await store.tables.create({
        namespace: ['gold', 'revenue'],
        name: 'daily',
        kind: 'iceberg',
        metadataLocation: null,
        location: 'gold/revenue/daily',
        properties: { business_domain: 'sales' },
      });
      const volume = { kind: 'volume' as const, path: ['gold', 'revenue', 'decks'] };
      await store.metadata.put(volume, {
        properties: { business_domain: 'hr' },
        owner: null,
        certification: null,
      });
      const users = await store.metadata.propertyUsers('business_domain', 10);
      expect(users).toEqual([
        { securable: { kind: 'namespace', path: ['gold'] }, value: 'finance' },
        { securable: { kind: 'table', path: ['gold', 'revenue', 'daily'] }, value: 'sales' },
        { securable: volume, value: 'hr' },
      ]);
      expect(await store.metadata.propertyUsers('business_domain', 1)).toHaveLength(1);
      expect(await store.metadata.propertyUsers('BUSINESS_DOMAIN', 10)).toEqual([]);
    });
  });
}
