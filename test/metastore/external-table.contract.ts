import { describe, expect, it } from 'vitest';
import type { ExternalTableWrite, Metastore } from '../../src/metastore/index.js';

const code = (c: string) => expect.objectContaining({ code: c });

const flights: ExternalTableWrite = {
  location: 'file:///data/flights/csv',
  format: 'csv',
  compression: 'gzip',
  csv: { delimiter: ';', quote: '"', escape: '\\', header: true },
  columns: [
    { name: 'dest', type: 'string' },
    { name: 'amount', type: 'decimal(10, 2)' },
  ],
  partitionColumns: [{ name: 'year', type: 'int' }],
  exclude: ['**/*.tmp'],
};

/** The external-table repository's behaviour; runs inside the metastore contract. */
export function externalTableContract(fixture: () => { store: Metastore }): void {
  describe('external tables', () => {
    async function externalTable(store: Metastore, name: string) {
      await store.namespaces.create({ path: ['bronze', 'raw'] }).catch(() => undefined);
      return store.tables.create({
        namespace: ['bronze', 'raw'],
        name,
        kind: 'external',
        metadataLocation: null,
        location: 'file:///placeholder',
      });
    }

    it('keeps the read options of a table and its location in the table row', async () => {
      const { store } = fixture();
      const table = await externalTable(store, 'flights');
      const stored = await store.externalTables.put(table.id, flights);
      expect(stored).toMatchObject({ tableId: table.id, ...flights });
      expect(await store.externalTables.get(table.id)).toMatchObject(flights);
      expect((await store.tables.getById(table.id))?.location).toBe(flights.location);
    });

    it('replaces the options on a second put (a crawler updating the schema)', async () => {
      const { store } = fixture();
      const table = await externalTable(store, 'flights');
      await store.externalTables.put(table.id, flights);
      const changed = {
        ...flights,
        location: 'file:///data/flights/v2',
        format: 'parquet',
        compression: 'none',
        csv: null,
        columns: [...flights.columns, { name: 'tags', type: 'list<string>' }],
        exclude: [],
      };
      await store.externalTables.put(table.id, changed);
      expect(await store.externalTables.get(table.id)).toMatchObject(changed);
    });

    it('follows the table through a rename and goes with it on drop', async () => {
      const { store } = fixture();
      const table = await externalTable(store, 'flights');
      await store.externalTables.put(table.id, flights);
      await store.tables.rename(table.id, { namespace: ['bronze', 'raw'], name: 'flights_v1' });
      expect(await store.externalTables.get(table.id)).toMatchObject(flights);
      await store.tables.delete(table.id);
      expect(await store.externalTables.get(table.id)).toBeUndefined();
      // A new table with the same name starts without the old options.
      const again = await externalTable(store, 'flights_v1');
      expect(await store.externalTables.get(again.id)).toBeUndefined();
    });

    it('refuses options for a table that does not exist', async () => {
      const { store } = fixture();
      await expect(store.externalTables.put('no-such-id', flights)).rejects.toEqual(
        code('TABLE_NOT_FOUND'),
      );
    });

    it('is atomic inside a transaction that fails', async () => {
      const { store } = fixture();
      const table = await externalTable(store, 'flights');
      await expect(
        store.transaction(async (tx) => {
          await tx.externalTables.put(table.id, flights);
          throw new Error('stop');
        }),
      ).rejects.toThrow('stop');
      expect(await store.externalTables.get(table.id)).toBeUndefined();
      expect((await store.tables.getById(table.id))?.location).toBe('file:///placeholder');
    });
  });
}
