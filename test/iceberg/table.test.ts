import { describe, expect, it } from 'vitest';
import { createTable, loadTable, readManifestList } from '../../src/iceberg/index.js';
import type { IcebergTable, Schema } from '../../src/iceberg/index.js';
import { ordersFile, ordersSchema, tableContext } from './table-fixtures.js';

async function ordersTable() {
  const ctx = await tableContext();
  const table = await createTable(ctx, {
    schema: ordersSchema,
    partitionBy: [{ source: 'country', transform: 'identity' }],
  });
  return { ctx, table };
}

const paths = (files: { filePath: string }[]): string[] =>
  files.map((f) => f.filePath.replace(/.*\//, '')).sort();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('creating and loading a table', () => {
  it('assigns fresh ids, partition field ids from 1000 with readable default names', async () => {
    const ctx = await tableContext();
    const schema: Schema = {
      type: 'struct',
      'schema-id': 7,
      fields: [
        { id: 40, name: 'ts', required: true, type: 'timestamp' },
        { id: 41, name: 'id', required: true, type: 'long' },
        { id: 42, name: 'name', required: false, type: 'string' },
      ],
    };
    const table = await createTable(ctx, {
      schema,
      partitionBy: [
        { source: 'ts', transform: 'day' },
        { source: 'id', transform: 'bucket[16]' },
        { source: 'name', transform: 'truncate[4]' },
      ],
      sortOrder: {
        fields: [
          { 'source-id': 41, transform: 'identity', direction: 'asc', 'null-order': 'nulls-first' },
        ],
      },
      properties: { owner: 'data-eng' },
    });
    expect(table.schema().fields.map((f) => [f.id, f.name])).toEqual([
      [1, 'ts'],
      [2, 'id'],
      [3, 'name'],
    ]);
    expect(table.metadata['partition-specs'][0]?.fields).toEqual([
      { 'source-id': 1, 'field-id': 1000, name: 'ts_day', transform: 'day' },
      { 'source-id': 2, 'field-id': 1001, name: 'id_bucket_16', transform: 'bucket[16]' },
      { 'source-id': 3, 'field-id': 1002, name: 'name_trunc_4', transform: 'truncate[4]' },
    ]);
    expect(table.metadata['last-partition-id']).toBe(1002);
    expect(table.metadata['sort-orders'][1]?.fields[0]?.['source-id']).toBe(2);
    expect(table.metadata.location).toBe(ctx.store.uri('bronze/retail/orders'));
    expect(table.metadataLocation).toMatch(
      /\/bronze\/retail\/orders\/metadata\/00000-[0-9a-f-]{36}\.metadata\.json$/,
    );
    expect(ctx.pointer.current).toBe(table.metadataLocation);
    expect((await loadTable(ctx)).metadata).toEqual(table.metadata);
  });

  it('refuses a transform the column type cannot take, an unknown column and a second create', async () => {
    const ctx = await tableContext();
    await expect(
      createTable(ctx, {
        schema: ordersSchema,
        partitionBy: [{ source: 'country', transform: 'day' }],
      }),
    ).rejects.toMatchObject({ code: 'INVALID_TRANSFORM' });
    await expect(
      createTable(ctx, {
        schema: ordersSchema,
        partitionBy: [{ source: 'region', transform: 'identity' }],
      }),
    ).rejects.toMatchObject({ code: 'UNKNOWN_COLUMN' });
    await createTable(ctx, { schema: ordersSchema });
    await expect(createTable(ctx, { schema: ordersSchema })).rejects.toMatchObject({
      code: 'TABLE_ALREADY_EXISTS',
    });
  });

  it('reports a table with no committed metadata as not found', async () => {
    const ctx = await tableContext();
    await expect(loadTable(ctx)).rejects.toMatchObject({ code: 'TABLE_METADATA_NOT_FOUND' });
  });
});

describe('writing snapshots', () => {
  it('appends keep earlier manifests and sum up the Appendix F totals', async () => {
    const { ctx, table } = await ordersTable();
    const t1 = await table.append([ordersFile(ctx, 'a', 10, 'NL'), ordersFile(ctx, 'b', 5, 'US')], {
      summary: { 'lakeward.batch-id': 'b-1' },
    });
    const t2 = await t1.append([ordersFile(ctx, 'c', 7, 'NL')]);
    const s1 = t1.currentSnapshot();
    const s2 = t2.currentSnapshot();
    expect(s1?.summary).toMatchObject({
      operation: 'append',
      'added-data-files': '2',
      'added-records': '15',
      'added-files-size': '350',
      'changed-partition-count': '2',
      'total-records': '15',
      'total-data-files': '2',
      'total-delete-files': '0',
      'total-files-size': '350',
      'total-position-deletes': '0',
      'total-equality-deletes': '0',
      'lakeward.batch-id': 'b-1',
    });
    expect(s2?.summary).toMatchObject({
      'added-records': '7',
      'total-records': '22',
      'total-data-files': '3',
    });
    expect(s2?.['parent-snapshot-id']).toBe(s1?.['snapshot-id']);
    expect([
      s1?.['sequence-number'],
      s2?.['sequence-number'],
      t2.metadata['last-sequence-number'],
    ]).toEqual([1n, 2n, 2n]);
    expect(t2.metadata.refs.main?.['snapshot-id']).toBe(s2?.['snapshot-id']);
    expect(t2.metadataLocation).toMatch(/\/00002-[^/]+\.metadata\.json$/);
    expect(t2.metadata['metadata-log'].map((e) => e['metadata-file'])).toEqual([
      table.metadataLocation,
      t1.metadataLocation,
    ]);

    const list = await readManifestList(ctx.store, s2?.['manifest-list'] ?? '');
    expect(list.map((m) => [m.addedSnapshotId, m.sequenceNumber, m.addedFilesCount])).toEqual([
      [s2?.['snapshot-id'], 2n, 1],
      [s1?.['snapshot-id'], 1n, 2],
    ]);
    expect(paths(await t2.planFiles())).toEqual(['a.parquet', 'b.parquet', 'c.parquet']);
    expect(paths(await t2.planFiles({ snapshotId: s1?.['snapshot-id'] ?? 0n }))).toEqual([
      'a.parquet',
      'b.parquet',
    ]);
  });

  it('overwrite and delete mark removed files DELETED and keep untouched manifests', async () => {
    const { ctx, table } = await ordersTable();
    const a = ordersFile(ctx, 'a', 10, 'NL');
    const t1 = await (
      await table.append([a, ordersFile(ctx, 'b', 5, 'US')])
    ).append([ordersFile(ctx, 'c', 7, 'DE')]);
    const t2 = await t1.replaceFiles([a], [ordersFile(ctx, 'a2', 9, 'NL')], {
      operation: 'overwrite',
      baseSnapshotId: t1.currentSnapshot()?.['snapshot-id'] ?? null,
    });
    expect(t2.currentSnapshot()?.summary).toMatchObject({
      operation: 'overwrite',
      'added-data-files': '1',
      'deleted-data-files': '1',
      'deleted-records': '10',
      'removed-files-size': '200',
      'changed-partition-count': '1',
      'total-records': '21',
      'total-data-files': '3',
    });
    const list = await readManifestList(ctx.store, t2.currentSnapshot()?.['manifest-list'] ?? '');
    const firstAppend = t1.history()[1]?.['snapshot-id'];
    const secondAppend = t1.history()[0]?.['snapshot-id'];
    expect(
      list.map((m) => [
        m.addedFilesCount,
        m.existingFilesCount,
        m.deletedFilesCount,
        m.deletedRowsCount,
      ]),
    ).toEqual([
      [1, 0, 0, 0n],
      [0, 1, 1, 10n],
      [1, 0, 0, 0n],
    ]);
    expect(list[2]?.addedSnapshotId).toBe(secondAppend);
    expect(paths(await t2.planFiles())).toEqual(['a2.parquet', 'b.parquet', 'c.parquet']);

    const [b] = (await t2.planFiles()).filter((f) => f.filePath.endsWith('/b.parquet'));
    expect(b).toBeDefined();
    const t3 = await t2.replaceFiles(b ? [b] : [], [], {
      operation: 'delete',
      baseSnapshotId: t2.currentSnapshot()?.['snapshot-id'] ?? null,
    });
    expect(t3.currentSnapshot()?.summary).toMatchObject({
      operation: 'delete',
      'deleted-records': '5',
      'total-records': '16',
      'total-data-files': '2',
    });
    expect(paths(await t3.planFiles())).toEqual(['a2.parquet', 'c.parquet']);
    // The first append's manifest has no live files left and is not carried forward.
    const list3 = await readManifestList(ctx.store, t3.currentSnapshot()?.['manifest-list'] ?? '');
    expect(list3.some((m) => m.addedSnapshotId === firstAppend)).toBe(false);
    expect(
      paths(await t3.planFiles({ snapshotId: t1.currentSnapshot()?.['snapshot-id'] ?? 0n })),
    ).toEqual(['a.parquet', 'b.parquet', 'c.parquet']);
  });

  it('refuses to remove a file that is not in the table', async () => {
    const { ctx, table } = await ordersTable();
    const t1 = await table.append([ordersFile(ctx, 'a', 10, 'NL')]);
    await expect(
      t1.replaceFiles([ordersFile(ctx, 'ghost', 1, 'NL')], [], {
        operation: 'delete',
        baseSnapshotId: null,
      }),
    ).rejects.toMatchObject({ code: 'COMMIT_CONFLICT' });
  });
});

describe('history, time travel and rollback', () => {
  it('finds the snapshot current at an instant and rolls back to an ancestor only', async () => {
    const { ctx, table } = await ordersTable();
    const before = Date.now() - 1;
    await sleep(3);
    const t1 = await table.append([ordersFile(ctx, 'a', 10, 'NL')]);
    await sleep(3);
    const between = Date.now();
    await sleep(3);
    const t2 = await t1.append([ordersFile(ctx, 'b', 5, 'US')]);
    const [s2, s1] = t2.history();
    expect(t2.snapshotAsOf(between)['snapshot-id']).toBe(s1?.['snapshot-id']);
    expect(t2.snapshotAsOf(Date.now())['snapshot-id']).toBe(s2?.['snapshot-id']);
    expect(() => t2.snapshotAsOf(before)).toThrow(
      expect.objectContaining({ code: 'SNAPSHOT_NOT_FOUND' }),
    );
    expect(() => t2.snapshot(42n)).toThrow(expect.objectContaining({ code: 'SNAPSHOT_NOT_FOUND' }));

    const back = await t2.rollbackTo(s1?.['snapshot-id'] ?? 0n);
    expect(back.currentSnapshot()?.['snapshot-id']).toBe(s1?.['snapshot-id']);
    expect(back.metadata.refs.main?.['snapshot-id']).toBe(s1?.['snapshot-id']);
    expect(back.metadata['snapshot-log'].map((e) => e['snapshot-id'])).toEqual([
      s1?.['snapshot-id'],
      s2?.['snapshot-id'],
      s1?.['snapshot-id'],
    ]);
    expect(paths(await back.planFiles())).toEqual(['a.parquet']);
    await expect(back.rollbackTo(s2?.['snapshot-id'] ?? 0n)).rejects.toMatchObject({
      code: 'SNAPSHOT_NOT_ANCESTOR',
    });

    const t3 = await back.append([ordersFile(ctx, 'c', 1, 'NL')]);
    expect(t3.currentSnapshot()?.['sequence-number']).toBe(3n);
    expect(t3.currentSnapshot()?.summary['total-records']).toBe('11');
  });
});

describe('schema and properties', () => {
  it('evolves the schema while old snapshots keep theirs', async () => {
    const { ctx, table } = await ordersTable();
    const t1 = await table.append([ordersFile(ctx, 'a', 10, 'NL')]);
    const t2 = await t1.updateSchema([{ kind: 'add', name: 'channel', type: 'string' }]);
    expect(t2.schema()['schema-id']).toBe(1);
    expect(t2.schema().fields.at(-1)).toMatchObject({ id: 4, name: 'channel' });
    expect(t2.metadata['last-column-id']).toBe(4);
    const t3 = await t2.append([ordersFile(ctx, 'b', 1, 'US')]);
    expect(t3.currentSnapshot()?.['schema-id']).toBe(1);
    const first = t3.history()[1];
    expect(first && t3.schemaFor(first)['schema-id']).toBe(0);
    await expect(t3.updateSchema([{ kind: 'drop', name: 'country' }])).rejects.toMatchObject({
      code: 'PARTITION_SOURCE_DROPPED',
    });

    const t4 = await t3.setProperties({ owner: 'sales', tier: 'gold' });
    const t5 = await t4.setProperties({}, ['tier']);
    expect(t5.metadata.properties).toEqual({ owner: 'sales' });
  });

  it('keeps only as many previous metadata files in the log as the table asks for', async () => {
    const { table } = await ordersTable();
    let t = await table.setProperties({ 'write.metadata.previous-versions-max': '2' });
    for (let i = 0; i < 3; i++) t = await t.setProperties({ step: String(i) });
    expect(t.metadata['metadata-log']).toHaveLength(2);
    expect(t.metadataLocation).toMatch(/\/00004-[^/]+\.metadata\.json$/);
  });

  it('refuses a schema update planned against a schema another writer replaced', async () => {
    const { table } = await ordersTable();
    await table.updateSchema([{ kind: 'add', name: 'a', type: 'int' }]);
    await expect(
      table.updateSchema([{ kind: 'add', name: 'b', type: 'int' }]),
    ).rejects.toMatchObject({ code: 'COMMIT_CONFLICT' });
  });
});

describe('concurrent writers', () => {
  it('both appends land when two handles race; the loser retries on top', async () => {
    const { ctx } = await ordersTable();
    const [h1, h2] = await Promise.all([loadTable(ctx), loadTable(ctx)]);
    const results = await Promise.all([
      h1.append([ordersFile(ctx, 'x1', 3, 'NL'), ordersFile(ctx, 'x2', 4, 'NL')]),
      h2.append([ordersFile(ctx, 'y1', 5, 'US')]),
    ]);
    expect(ctx.pointer.lostRaces).toBeGreaterThanOrEqual(1);
    const final = await loadTable(ctx);
    expect(paths(await final.planFiles())).toEqual(['x1.parquet', 'x2.parquet', 'y1.parquet']);
    expect(final.currentSnapshot()?.summary['total-records']).toBe('12');
    expect(final.history().map((s) => s['sequence-number'])).toEqual([2n, 1n]);
    expect(results.map((t) => t.metadataLocation)).toContain(final.metadataLocation);
  });

  it('two replaces of the same file: one commits, the other gets a conflict', async () => {
    const { ctx, table } = await ordersTable();
    const a = ordersFile(ctx, 'a', 10, 'NL');
    const t1 = await table.append([a]);
    const base = t1.currentSnapshot()?.['snapshot-id'] ?? null;
    const [h1, h2] = await Promise.all([loadTable(ctx), loadTable(ctx)]);
    const outcomes = await Promise.allSettled([
      h1.replaceFiles([a], [ordersFile(ctx, 'a-compacted', 10, 'NL')], {
        operation: 'replace',
        baseSnapshotId: base,
      }),
      h2.replaceFiles([a], [], { operation: 'delete', baseSnapshotId: base }),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(failure?.reason).toMatchObject({
      code: 'COMMIT_CONFLICT',
      hint: 're-run the operation',
    });
    const final: IcebergTable = await loadTable(ctx);
    expect(final.history()).toHaveLength(2);
  });

  it('a replace racing an append of other files commits on top of it', async () => {
    const { ctx, table } = await ordersTable();
    const a = ordersFile(ctx, 'a', 10, 'NL');
    await table.append([a]);
    const [h1, h2] = await Promise.all([loadTable(ctx), loadTable(ctx)]);
    await Promise.all([
      h1.append([ordersFile(ctx, 'b', 5, 'US')]),
      h2.replaceFiles([a], [ordersFile(ctx, 'a2', 10, 'NL')], {
        operation: 'replace',
        baseSnapshotId: null,
      }),
    ]);
    const final = await loadTable(ctx);
    expect(paths(await final.planFiles())).toEqual(['a2.parquet', 'b.parquet']);
    expect(final.currentSnapshot()?.summary['total-records']).toBe('15');
  });

  it('gives up with COMMIT_CONFLICT after the configured retries', async () => {
    const { ctx } = await ordersTable();
    const stubborn = {
      ...ctx,
      maxRetries: 2,
      pointer: { load: () => ctx.pointer.load(), compareAndSwap: async () => false },
    };
    const table = await loadTable(stubborn);
    await expect(table.append([ordersFile(ctx, 'a', 1, 'NL')])).rejects.toMatchObject({
      code: 'COMMIT_CONFLICT',
    });
  });
});
