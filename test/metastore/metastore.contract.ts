import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Metastore, TableRecord } from '../../src/metastore/index.js';
import { openMetastore } from '../../src/metastore/index.js';
import { governanceContract } from './governance.contract.js';
import { volumeContract } from './volume.contract.js';
import { crawlerContract } from './crawler.contract.js';
import { catalogMetadataContract } from './catalog-metadata.contract.js';
import { searchContract } from './search.contract.js';
import { pipelineContract } from './pipeline.contract.js';
import { glossaryContract } from './glossary.contract.js';
import { classificationContract } from './classification.contract.js';
import { externalTableContract } from './external-table.contract.js';
import { lineageContract } from './lineage.contract.js';
import { qualityContract } from './quality.contract.js';
import { streamContract } from './streams.contract.js';
import { streamLeaseContract } from './stream-leases.contract.js';

/** A fresh, empty database for one test, reachable by URI so it can be opened twice. */
export interface MetastoreTarget {
  uri: string;
  /** Runs raw SQL on the database behind the metastore, to stage what Lakeward cannot. */
  runSql(statement: string): Promise<void>;
  cleanup(): Promise<void>;
}

const code = (c: string) => expect.objectContaining({ code: c });

function iceberg(namespace: string[], name: string, metadataLocation: string | null = null) {
  return {
    namespace,
    name,
    kind: 'iceberg' as const,
    metadataLocation,
    location: [...namespace, name].join('/'),
  };
}

/** The behaviour every metastore backend must have; each backend's test file runs it. */
export function metastoreContract(name: string, fresh: () => Promise<MetastoreTarget>): void {
  describe(`Metastore contract: ${name}`, () => {
    let target: MetastoreTarget;
    let store: Metastore;
    const opened: Metastore[] = [];

    async function open(): Promise<Metastore> {
      const metastore = await openMetastore(target.uri);
      opened.push(metastore);
      return metastore;
    }

    beforeEach(async () => {
      target = await fresh();
      store = await open();
      await store.namespaces.create({ path: ['bronze'] });
    });

    afterEach(async () => {
      for (const metastore of opened.splice(0)) await metastore.close();
      await target.cleanup();
    });

    it('reports its dialect', () => {
      expect(store.dialect).toBe(name);
    });

    describe('namespaces', () => {
      it('creates, reads and updates a namespace with its catalog facts', async () => {
        const before = Date.now() - 1000;
        const created = await store.namespaces.create({
          path: ['bronze', 'retail'],
          properties: { source_system: 'pos' },
          description: 'Point of sale',
          owner: 'data-eng',
        });
        expect(created).toMatchObject({ path: ['bronze', 'retail'], owner: 'data-eng' });
        const read = await store.namespaces.get(['bronze', 'retail']);
        expect(read).toEqual(created);
        expect(read?.createdAt).toBeInstanceOf(Date);
        expect(read?.createdAt.getTime()).toBeGreaterThanOrEqual(before);

        const updated = await store.namespaces.update(['bronze', 'retail'], {
          properties: { source_system: 'pos', retention_days: '30' },
          description: null,
        });
        expect(updated).toMatchObject({
          properties: { source_system: 'pos', retention_days: '30' },
          description: null,
          owner: 'data-eng',
        });
        expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(created.updatedAt.getTime());
        expect(await store.namespaces.get(['bronze', 'missing'])).toBeUndefined();
      });

      it('lists direct children in name order', async () => {
        for (const top of ['silver', 'gold', 'Zeta', 'a_b']) {
          await store.namespaces.create({ path: [top] });
        }
        await store.namespaces.create({ path: ['bronze', 'retail'] });
        await store.namespaces.create({ path: ['bronze', 'crm'] });
        await store.namespaces.create({ path: ['bronze', 'crm', 'eu'] });
        const top = await store.namespaces.listChildren([]);
        expect(top.map((ns) => ns.path[0])).toEqual(['Zeta', 'a_b', 'bronze', 'gold', 'silver']);
        const children = await store.namespaces.listChildren(['bronze']);
        expect(children.map((ns) => ns.path)).toEqual([
          ['bronze', 'crm'],
          ['bronze', 'retail'],
        ]);
        expect(await store.namespaces.listChildren(['bronze', 'retail'])).toEqual([]);
        await expect(store.namespaces.listChildren(['nope'])).rejects.toEqual(
          code('NAMESPACE_NOT_FOUND'),
        );
      });

      it('refuses duplicates, missing parents and unusable names', async () => {
        await expect(store.namespaces.create({ path: ['bronze'] })).rejects.toEqual(
          code('NAMESPACE_ALREADY_EXISTS'),
        );
        await expect(store.namespaces.create({ path: ['nope', 'child'] })).rejects.toEqual(
          code('NAMESPACE_NOT_FOUND'),
        );
        await expect(store.namespaces.create({ path: [] })).rejects.toEqual(code('INVALID_NAME'));
        await expect(store.namespaces.create({ path: ['bronze', ''] })).rejects.toEqual(
          code('INVALID_NAME'),
        );
        await expect(store.namespaces.create({ path: ['a\u001fb'] })).rejects.toEqual(
          code('INVALID_NAME'),
        );
        await expect(store.namespaces.update(['nope'], { owner: 'x' })).rejects.toEqual(
          code('NAMESPACE_NOT_FOUND'),
        );
      });

      it('drops only empty namespaces', async () => {
        await store.namespaces.create({ path: ['bronze', 'retail'] });
        await expect(store.namespaces.delete(['bronze'])).rejects.toEqual(
          code('NAMESPACE_NOT_EMPTY'),
        );
        await store.tables.create(iceberg(['bronze', 'retail'], 'invoices'));
        await expect(store.namespaces.delete(['bronze', 'retail'])).rejects.toEqual(
          code('NAMESPACE_NOT_EMPTY'),
        );
        const table = await store.tables.get(['bronze', 'retail'], 'invoices');
        await store.tables.delete((table as TableRecord).id);
        await store.namespaces.delete(['bronze', 'retail']);
        expect(await store.namespaces.get(['bronze', 'retail'])).toBeUndefined();
        await expect(store.namespaces.delete(['bronze', 'retail'])).rejects.toEqual(
          code('NAMESPACE_NOT_FOUND'),
        );
      });

      it('renames a namespace with every namespace and table below it', async () => {
        await store.namespaces.create({ path: ['silver'] });
        await store.namespaces.create({ path: ['bronze', 'ret%_il'] });
        await store.namespaces.create({ path: ['bronze', 'ret%_il', 'eu'] });
        await store.namespaces.create({ path: ['bronze', 'ret%_il', 'eu', 'fr'] });
        await store.namespaces.create({ path: ['bronze', 'ret%_il2'] });
        await store.tables.create(iceberg(['bronze', 'ret%_il'], 'invoices'));
        await store.tables.create(iceberg(['bronze', 'ret%_il', 'eu', 'fr'], 'stores'));
        await store.tables.create(iceberg(['bronze', 'ret%_il2'], 'other'));

        await store.namespaces.rename(['bronze', 'ret%_il'], ['silver', 'shop']);

        expect(await store.namespaces.get(['bronze', 'ret%_il'])).toBeUndefined();
        expect(await store.namespaces.get(['bronze', 'ret%_il', 'eu'])).toBeUndefined();
        expect(await store.namespaces.get(['silver', 'shop', 'eu', 'fr'])).toMatchObject({
          path: ['silver', 'shop', 'eu', 'fr'],
        });
        expect(
          (await store.namespaces.listChildren(['silver', 'shop'])).map((n) => n.path),
        ).toEqual([['silver', 'shop', 'eu']]);
        expect((await store.tables.list(['silver', 'shop'])).map((t) => t.name)).toEqual([
          'invoices',
        ]);
        expect(await store.tables.get(['silver', 'shop', 'eu', 'fr'], 'stores')).toMatchObject({
          namespace: ['silver', 'shop', 'eu', 'fr'],
        });
        expect(await store.tables.get(['bronze', 'ret%_il'], 'invoices')).toBeUndefined();
        expect(await store.tables.get(['bronze', 'ret%_il2'], 'other')).toBeDefined();
        expect((await store.namespaces.listChildren(['bronze'])).map((n) => n.path)).toEqual([
          ['bronze', 'ret%_il2'],
        ]);
      });

      it('refuses renames onto an existing namespace, under a missing one or into itself', async () => {
        await store.namespaces.create({ path: ['silver'] });
        await store.namespaces.create({ path: ['bronze', 'retail'] });
        await expect(store.namespaces.rename(['bronze', 'retail'], ['silver'])).rejects.toEqual(
          code('NAMESPACE_ALREADY_EXISTS'),
        );
        await expect(
          store.namespaces.rename(['bronze', 'retail'], ['nope', 'retail']),
        ).rejects.toEqual(code('NAMESPACE_NOT_FOUND'));
        await expect(
          store.namespaces.rename(['bronze'], ['bronze', 'retail', 'inner']),
        ).rejects.toEqual(code('INVALID_RENAME'));
        await expect(store.namespaces.rename(['nope'], ['nope2'])).rejects.toEqual(
          code('NAMESPACE_NOT_FOUND'),
        );
        expect(await store.namespaces.get(['bronze', 'retail'])).toBeDefined();
      });
    });

    describe('tables', () => {
      beforeEach(async () => {
        await store.namespaces.create({ path: ['bronze', 'retail'] });
      });

      it('creates, reads, lists, updates and drops tables', async () => {
        const created = await store.tables.create({
          ...iceberg(['bronze', 'retail'], 'invoices', 'file:///w/v1.json'),
          description: 'Invoices',
          owner: 'data-eng',
          properties: { source_system: 'pos', ingest_type: 'batch' },
        });
        await store.tables.create({
          ...iceberg(['bronze', 'retail'], 'customers'),
          kind: 'external',
        });
        expect(await store.tables.get(['bronze', 'retail'], 'invoices')).toEqual(created);
        expect(await store.tables.getById(created.id)).toEqual(created);
        expect(created).toMatchObject({
          namespace: ['bronze', 'retail'],
          metadataLocation: 'file:///w/v1.json',
          location: 'bronze/retail/invoices',
          properties: { source_system: 'pos', ingest_type: 'batch' },
        });
        expect(created.createdAt).toBeInstanceOf(Date);
        expect(
          (await store.tables.list(['bronze', 'retail'])).map((t) => [t.name, t.kind]),
        ).toEqual([
          ['customers', 'external'],
          ['invoices', 'iceberg'],
        ]);

        const updated = await store.tables.update(created.id, {
          properties: { source_system: 'pos', quality_score: '0.98' },
          owner: null,
        });
        expect(updated).toMatchObject({
          description: 'Invoices',
          owner: null,
          properties: { source_system: 'pos', quality_score: '0.98' },
          metadataLocation: 'file:///w/v1.json',
        });

        await store.tables.delete(created.id);
        expect(await store.tables.getById(created.id)).toBeUndefined();
        await expect(store.tables.delete(created.id)).rejects.toEqual(code('TABLE_NOT_FOUND'));
        await expect(store.tables.update(created.id, { owner: 'x' })).rejects.toEqual(
          code('TABLE_NOT_FOUND'),
        );
      });

      it('refuses duplicate tables and tables in missing namespaces', async () => {
        await store.tables.create(iceberg(['bronze', 'retail'], 'invoices'));
        await expect(
          store.tables.create(iceberg(['bronze', 'retail'], 'invoices')),
        ).rejects.toEqual(code('TABLE_ALREADY_EXISTS'));
        await store.tables.create(iceberg(['bronze'], 'invoices'));
        await expect(store.tables.create(iceberg(['bronze', 'nope'], 'x'))).rejects.toEqual(
          code('NAMESPACE_NOT_FOUND'),
        );
        await expect(store.tables.list(['bronze', 'nope'])).rejects.toEqual(
          code('NAMESPACE_NOT_FOUND'),
        );
      });

      it('renames a table within or across namespaces', async () => {
        const t = await store.tables.create(iceberg(['bronze', 'retail'], 'invoices'));
        await store.tables.create(iceberg(['bronze'], 'taken'));
        const moved = await store.tables.rename(t.id, { namespace: ['bronze'], name: 'sales' });
        expect(moved).toMatchObject({ id: t.id, namespace: ['bronze'], name: 'sales' });
        expect(await store.tables.get(['bronze', 'retail'], 'invoices')).toBeUndefined();
        await expect(
          store.tables.rename(t.id, { namespace: ['bronze'], name: 'taken' }),
        ).rejects.toEqual(code('TABLE_ALREADY_EXISTS'));
        await expect(
          store.tables.rename(t.id, { namespace: ['gold'], name: 'sales' }),
        ).rejects.toEqual(code('NAMESPACE_NOT_FOUND'));
        await expect(
          store.tables.rename('00000000-0000-0000-0000-000000000000', {
            namespace: ['bronze'],
            name: 'x',
          }),
        ).rejects.toEqual(code('TABLE_NOT_FOUND'));
      });

      it('swaps the metadata pointer only from the expected value', async () => {
        const t = await store.tables.create(iceberg(['bronze', 'retail'], 'invoices'));
        expect(await store.tables.compareAndSwapMetadata(t.id, null, 'v1.json')).toBe(true);
        expect(await store.tables.compareAndSwapMetadata(t.id, null, 'other.json')).toBe(false);
        expect(await store.tables.compareAndSwapMetadata(t.id, 'v0.json', 'other.json')).toBe(
          false,
        );
        expect(await store.tables.compareAndSwapMetadata(t.id, 'v1.json', 'v2.json')).toBe(true);
        expect((await store.tables.getById(t.id))?.metadataLocation).toBe('v2.json');
        await expect(
          store.tables.compareAndSwapMetadata('00000000-0000-0000-0000-000000000000', null, 'x'),
        ).rejects.toEqual(code('TABLE_NOT_FOUND'));
      });

      it('lets exactly one of 20 concurrent commits from the same metadata win', async () => {
        const t = await store.tables.create(iceberg(['bronze', 'retail'], 'invoices', 'v1.json'));
        const second = await open();
        const attempts = Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? store : second).tables.compareAndSwapMetadata(
            t.id,
            'v1.json',
            `v2-${i}.json`,
          ),
        );
        const results = await Promise.all(attempts);
        const winners = results.flatMap((won, i) => (won ? [i] : []));
        expect(winners).toHaveLength(1);
        expect((await second.tables.getById(t.id))?.metadataLocation).toBe(`v2-${winners[0]}.json`);
      });
    });

    describe('transactions', () => {
      it('commits every change together', async () => {
        const table = await store.transaction(async (tx) => {
          await tx.namespaces.create({ path: ['bronze', 'retail'] });
          const t = await tx.tables.create(iceberg(['bronze', 'retail'], 'invoices'));
          expect(await tx.tables.getById(t.id)).toBeDefined();
          return t;
        });
        expect(await store.tables.getById(table.id)).toEqual(table);
      });

      it('rolls every change back when the function throws', async () => {
        const failure = new Error('commit step failed');
        await expect(
          store.transaction(async (tx) => {
            await tx.namespaces.create({ path: ['bronze', 'retail'] });
            await tx.tables.create(iceberg(['bronze', 'retail'], 'invoices'));
            await tx.principals.create({ name: 'alice', kind: 'user', isAdmin: false });
            throw failure;
          }),
        ).rejects.toBe(failure);
        expect(await store.namespaces.get(['bronze', 'retail'])).toBeUndefined();
        expect(await store.principals.getByName('alice')).toBeUndefined();
      });

      it('keeps concurrent transactions apart', async () => {
        const runs = [0, 1, 2, 3, 4].map((i) =>
          store.transaction(async (tx) => {
            await tx.namespaces.create({ path: ['bronze', `n${i}`] });
            if (i === 2) throw new Error('this one fails');
            await tx.namespaces.create({ path: ['bronze', `n${i}`, 'child'] });
          }),
        );
        const outcomes = await Promise.allSettled(runs);
        expect(outcomes.map((o) => o.status)).toEqual([
          'fulfilled',
          'fulfilled',
          'rejected',
          'fulfilled',
          'fulfilled',
        ]);
        const children = await store.namespaces.listChildren(['bronze']);
        expect(children.map((n) => n.path[1])).toEqual(['n0', 'n1', 'n3', 'n4']);
        for (const i of [0, 1, 3, 4]) {
          expect(await store.namespaces.get(['bronze', `n${i}`, 'child'])).toBeDefined();
        }
      });

      it('refuses calls on the metastore itself from inside a transaction instead of hanging', async () => {
        await expect(
          store.transaction(async (tx) => {
            await tx.namespaces.create({ path: ['silver'] });
            await store.namespaces.get(['silver']);
          }),
        ).rejects.toMatchObject({ code: 'INTERNAL', hint: expect.stringContaining('tx.') });
        expect(await store.namespaces.get(['silver'])).toBeUndefined();
      });

      it('rolls back when a statement inside fails', async () => {
        await expect(
          store.transaction(async (tx) => {
            await tx.namespaces.create({ path: ['silver'] });
            await tx.namespaces.create({ path: ['bronze'] });
          }),
        ).rejects.toEqual(code('NAMESPACE_ALREADY_EXISTS'));
        expect(await store.namespaces.get(['silver'])).toBeUndefined();
      });
    });

    describe('ingested files', () => {
      it('records files per table and finds them by checksum', async () => {
        const t = await store.tables.create(iceberg(['bronze'], 'invoices'));
        const file = {
          tableId: t.id,
          sha256: 'a'.repeat(64),
          sourcePath: '/data/day-1.csv',
          sizeBytes: 5_000_000_000,
          rowCount: 12_345,
          rejectedCount: 2,
          batchId: 'batch-1',
          snapshotId: '9223372036854775807',
          ingestedAt: new Date('2026-01-02T03:04:05.678Z'),
        };
        const second = { ...file, sha256: 'b'.repeat(64), sourcePath: '/data/day-2.csv' };
        await store.ingestedFiles.record([file, second]);
        expect(await store.ingestedFiles.find(t.id, 'a'.repeat(64))).toEqual(file);
        expect(await store.ingestedFiles.find(t.id, 'c'.repeat(64))).toBeUndefined();
        expect(await store.ingestedFiles.list(t.id)).toEqual([file, second]);
        await expect(store.ingestedFiles.record([file])).rejects.toEqual(
          code('INGESTED_FILE_ALREADY_RECORDED'),
        );
        await store.ingestedFiles.record([{ ...file, batchId: 'batch-2', rowCount: 1 }]);
        expect(await store.ingestedFiles.list(t.id)).toHaveLength(3);

        await store.tables.delete(t.id);
        expect(await store.ingestedFiles.list(t.id)).toEqual([]);
      });
    });

    describe('principals and tokens', () => {
      it('creates principals with unique names', async () => {
        const admin = await store.principals.create({ name: 'admin', kind: 'user', isAdmin: true });
        await store.principals.create({ name: 'etl', kind: 'service', isAdmin: false });
        expect(await store.principals.get(admin.id)).toEqual(admin);
        expect(await store.principals.getByName('etl')).toMatchObject({
          kind: 'service',
          isAdmin: false,
        });
        expect((await store.principals.list()).map((p) => p.name)).toEqual(['admin', 'etl']);
        await expect(
          store.principals.create({ name: 'admin', kind: 'user', isAdmin: false }),
        ).rejects.toEqual(code('PRINCIPAL_ALREADY_EXISTS'));
      });

      it('keeps tokens hashed, revocable and touched on use', async () => {
        const admin = await store.principals.create({ name: 'admin', kind: 'user', isAdmin: true });
        const expiresAt = new Date('2030-01-01T00:00:00.000Z');
        const token = await store.tokens.create({
          id: 'tok1',
          principalId: admin.id,
          name: 'laptop',
          secretHash: 'ff'.repeat(32),
          salt: '00'.repeat(16),
          expiresAt,
        });
        expect(token).toMatchObject({ revokedAt: null, lastUsedAt: null, expiresAt });
        expect(await store.tokens.get('tok1')).toEqual(token);

        const usedAt = new Date('2026-05-06T07:08:09.010Z');
        await store.tokens.touch('tok1', usedAt);
        await store.tokens.revoke('tok1');
        const revoked = await store.tokens.get('tok1');
        expect(revoked?.lastUsedAt).toEqual(usedAt);
        expect(revoked?.revokedAt).toBeInstanceOf(Date);
        await store.tokens.revoke('tok1');
        expect((await store.tokens.get('tok1'))?.revokedAt).toEqual(revoked?.revokedAt);
        expect((await store.tokens.listFor(admin.id)).map((t) => t.id)).toEqual(['tok1']);

        await expect(store.tokens.revoke('nope')).rejects.toEqual(code('TOKEN_NOT_FOUND'));
        await expect(store.tokens.touch('nope', usedAt)).rejects.toEqual(code('TOKEN_NOT_FOUND'));
        await expect(
          store.tokens.create({ ...token, id: 'tok2', principalId: 'nobody' }),
        ).rejects.toEqual(code('PRINCIPAL_NOT_FOUND'));
        await expect(store.tokens.create({ ...token })).rejects.toEqual(
          code('TOKEN_ALREADY_EXISTS'),
        );
      });
    });

    governanceContract(() => ({ store, open, uri: target.uri }));
    volumeContract(() => ({ store }));
    crawlerContract(() => ({ store }));
    catalogMetadataContract(() => ({ store }));
    glossaryContract(() => ({ store }));
    classificationContract(() => ({ store }));
    externalTableContract(() => ({ store }));
    searchContract(() => ({ store }));
    pipelineContract(() => ({ store }));
    lineageContract(() => ({ store }));
    qualityContract(() => ({ store }));
    streamContract(() => ({ store }));
    streamLeaseContract(() => ({ store }));

    describe('migrations', () => {
      it('reopens an existing database without migrating it again', async () => {
        await store.namespaces.create({ path: ['bronze', 'retail'] });
        await store.close();
        opened.splice(opened.indexOf(store), 1);
        const reopened = await open();
        expect(await reopened.namespaces.get(['bronze', 'retail'])).toBeDefined();
        const again = await open();
        expect((await again.namespaces.listChildren([])).map((n) => n.path)).toEqual([['bronze']]);
      });

      it('refuses a database migrated by a newer Lakeward', async () => {
        await target.runSql(
          `insert into lakeward_migration (name, timestamp) values ('9999_from_the_future', '2030-01-01T00:00:00.000Z')`,
        );
        await expect(openMetastore(target.uri)).rejects.toMatchObject({
          code: 'METASTORE_TOO_NEW',
          message: expect.stringContaining('9999_from_the_future'),
        });
      });
    });
  });
}
