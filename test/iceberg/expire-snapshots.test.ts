import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitUpdate, createTable, readManifestList } from '../../src/iceberg/index.js';
import type { DataFile, IcebergTable, TableContext } from '../../src/iceberg/index.js';
import { failure } from '../failure.js';
import { ordersFile, ordersSchema, tableContext } from './table-fixtures.js';

type Ctx = TableContext & { dir: string };

/** A data file that really exists on disk, so deleting it (or not) can be seen. */
function realFile(ctx: Ctx, name: string, rows = 10): DataFile {
  const file = ordersFile(ctx, name, rows, null);
  const local = path.join(ctx.dir, ctx.store.keyOf(file.filePath)!);
  fs.mkdirSync(path.dirname(local), { recursive: true });
  fs.writeFileSync(local, `rows of ${name}`);
  return file;
}

const exists = (ctx: Ctx, uri: string): boolean =>
  fs.existsSync(path.join(ctx.dir, ctx.store.keyOf(uri)!));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A table with one append per name, each at its own millisecond. */
async function appended(names: string[], properties: Record<string, string> = {}) {
  const ctx = await tableContext();
  let table: IcebergTable = await createTable(ctx, {
    schema: ordersSchema,
    partitionBy: [],
    properties,
  });
  const files: DataFile[] = [];
  for (const name of names) {
    const file = realFile(ctx, name);
    files.push(file);
    table = await table.append([file]);
    await sleep(2);
  }
  return { ctx, table, files };
}

const ids = (table: IcebergTable): bigint[] => table.history().map((s) => s['snapshot-id']);
const livePaths = async (table: IcebergTable) =>
  (await table.planFiles()).map((f) => f.filePath).sort();

describe('expiring snapshots of an Iceberg table', () => {
  it('keeps the newest N and everything newer than the cut-off, and trims the snapshot log', async () => {
    const { ctx, table, files } = await appended(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    const history = table.history().reverse(); // oldest first
    const cutoff = history[3]!['timestamp-ms'];
    const expired = await table.expireSnapshots({ olderThanMs: cutoff, retainLast: 2 });
    expect(expired.removed.map((s) => s['snapshot-id'])).toEqual(
      history.slice(0, 3).map((s) => s['snapshot-id']),
    );
    expect(expired.keptSnapshots).toBe(5);
    const reloaded = await expired.table.refresh();
    expect(ids(reloaded)).toEqual(ids(table).slice(0, 5));
    expect(reloaded.metadata['snapshot-log'].map((e) => e['snapshot-id'])).toEqual(
      history.slice(3).map((s) => s['snapshot-id']),
    );
    // Appends only: every data file is still live, only the removed manifest lists go.
    expect(expired.files.dataFiles).toEqual([]);
    expect(expired.files.manifestLists).toHaveLength(3);
    for (const s of history.slice(0, 3)) expect(exists(ctx, s['manifest-list'])).toBe(false);
    for (const s of history.slice(3)) expect(exists(ctx, s['manifest-list'])).toBe(true);
    for (const f of files) expect(exists(ctx, f.filePath)).toBe(true);
    expect(await livePaths(reloaded)).toEqual(files.map((f) => f.filePath).sort());

    const minimum = await reloaded.expireSnapshots({ olderThanMs: Date.now(), retainLast: 1 });
    expect(ids(minimum.table)).toEqual([table.currentSnapshot()!['snapshot-id']]);
    expect(await livePaths(minimum.table)).toEqual(files.map((f) => f.filePath).sort());
  });

  it('deletes files a replace removed once no kept snapshot reaches them', async () => {
    const { ctx, table, files } = await appended(['s1', 's2', 's3', 's4']);
    const big = realFile(ctx, 'big', 40);
    const replaced = await table.replaceFiles(files, [big], {
      operation: 'replace',
      baseSnapshotId: table.currentSnapshot()!['snapshot-id'],
    });
    // The snapshot before the replace still reads the small files: they must stay.
    const partly = await replaced.expireSnapshots({ olderThanMs: Date.now(), retainLast: 2 });
    expect(partly.removed).toHaveLength(3);
    expect(partly.files.dataFiles).toEqual([]);
    expect(partly.files.manifests).toEqual([]);
    for (const f of files) expect(exists(ctx, f.filePath)).toBe(true);

    const dry = await partly.table.expireSnapshots({
      olderThanMs: Date.now(),
      retainLast: 1,
      dryRun: true,
    });
    expect(dry.files.dataFiles.sort()).toEqual(files.map((f) => f.filePath).sort());
    expect(dry.table.metadataLocation).toBe(partly.table.metadataLocation);
    for (const f of files) expect(exists(ctx, f.filePath)).toBe(true);

    const all = await partly.table.expireSnapshots({ olderThanMs: Date.now(), retainLast: 1 });
    expect(all.files.dataFiles.sort()).toEqual(files.map((f) => f.filePath).sort());
    expect(all.files.manifests).toHaveLength(4);
    expect(all.failures).toEqual([]);
    for (const f of files) expect(exists(ctx, f.filePath)).toBe(false);
    expect(exists(ctx, big.filePath)).toBe(true);
    expect(await livePaths(all.table)).toEqual([big.filePath]);
    // What the kept snapshot lists is all still there.
    const current = all.table.currentSnapshot()!;
    for (const m of await readManifestList(ctx.store, current['manifest-list'])) {
      expect(exists(ctx, m.manifestPath)).toBe(true);
    }
  });

  it('never deletes a file outside the table location', async () => {
    const { ctx, table } = await appended(['t1']);
    const foreign = { ...realFile(ctx, 'x'), filePath: ctx.store.uri('landing/raw/x.parquet') };
    fs.mkdirSync(path.join(ctx.dir, 'landing/raw'), { recursive: true });
    fs.writeFileSync(path.join(ctx.dir, 'landing/raw/x.parquet'), 'not ours');
    const withForeign = await table.append([foreign]);
    const without = await withForeign.replaceFiles([foreign], [], {
      operation: 'delete',
      baseSnapshotId: withForeign.currentSnapshot()!['snapshot-id'],
    });
    const expired = await without.expireSnapshots({ olderThanMs: Date.now(), retainLast: 1 });
    expect(expired.removed).toHaveLength(2);
    expect(expired.files.dataFiles).toEqual([]);
    expect(fs.existsSync(path.join(ctx.dir, 'landing/raw/x.parquet'))).toBe(true);
  });

  it('keeps what a keeper names, with every ancestor between it and the head', async () => {
    const { table } = await appended(['k1', 'k2', 'k3', 'k4', 'k5', 'k6']);
    const history = table.history(); // newest first
    const wanted = history[3]!['snapshot-id'];
    const seen: number[] = [];
    const expired = await table.expireSnapshots({
      olderThanMs: Date.now(),
      retainLast: 1,
      keep: async (ancestry) => {
        seen.push(ancestry.length);
        return [wanted];
      },
    });
    expect(seen).toEqual([6]);
    expect(ids(expired.table)).toEqual(history.slice(0, 4).map((s) => s['snapshot-id']));
  });

  it('keeps tags and their snapshots until the tag is older than its max-ref-age-ms', async () => {
    const { ctx, table } = await appended(['r1', 'r2', 'r3']);
    const oldest = table.history().at(-1)!['snapshot-id'];
    const version = await commitUpdate(
      ctx,
      { metadata: table.metadata, location: table.metadataLocation },
      async (base) => ({
        ...base,
        refs: {
          ...base.refs,
          audit: { 'snapshot-id': oldest, type: 'tag' },
          brief: { 'snapshot-id': oldest, type: 'tag', 'max-ref-age-ms': 0 },
        },
      }),
    );
    const tagged = await table.refresh();
    expect(tagged.metadataLocation).toBe(version.location);
    const expired = await tagged.expireSnapshots({ olderThanMs: Date.now(), retainLast: 1 });
    expect(expired.removedRefs).toEqual(['brief']);
    expect(expired.removed).toHaveLength(1);
    expect(expired.table.metadata.snapshots.map((s) => s['snapshot-id'])).toContain(oldest);
    expect(Object.keys(expired.table.metadata.refs).sort()).toEqual(['audit', 'main']);
  });

  it('answers SNAPSHOT_NOT_FOUND, saying so, for time travel to an expired snapshot', async () => {
    const { table } = await appended(['v1', 'v2', 'v3']);
    const first = table.history().at(-1)!;
    const expired = await table.expireSnapshots({ olderThanMs: Date.now(), retainLast: 1 });
    const byId = await failure(
      Promise.resolve().then(() => expired.table.snapshot(first['snapshot-id'])),
    );
    expect(byId).toMatchObject({ code: 'SNAPSHOT_NOT_FOUND', kind: 'not_found' });
    expect(byId.message).toContain('expired');
    const byTime = await failure(
      Promise.resolve().then(() => expired.table.snapshotAsOf(first['timestamp-ms'])),
    );
    expect(byTime).toMatchObject({ code: 'SNAPSHOT_NOT_FOUND' });
    expect(byTime.message).toContain('have been expired');
  });

  it('loses no append that commits while the expiry does', async () => {
    const { ctx, table } = await appended(['c0', 'c1', 'c2', 'c3', 'c4', 'c5']);
    const racing = Array.from({ length: 6 }, (_, i) => realFile(ctx, `race${i}`));
    const appends = (async () => {
      for (const file of racing) await (await table.refresh()).append([file]);
    })();
    const expiries = (async () => {
      for (let i = 0; i < 4; i++) {
        await (await table.refresh()).expireSnapshots({ olderThanMs: Date.now(), retainLast: 2 });
      }
    })();
    await Promise.all([appends, expiries]);
    const final = await table.refresh();
    const expected = [...(await livePaths(table)), ...racing.map((f) => f.filePath)].sort();
    expect(await livePaths(final)).toEqual(expected);
    for (const file of expected) expect(exists(ctx, file)).toBe(true);
  });

  it('refuses a table whose gc.enabled is false, and retainLast below 1', async () => {
    const { table } = await appended(['g1', 'g2'], { 'gc.enabled': 'false' });
    expect(await failure(table.expireSnapshots({ retainLast: 1 }))).toMatchObject({
      code: 'TABLE_GC_DISABLED',
      kind: 'invalid',
    });
    const { table: other } = await appended(['n1']);
    expect(await failure(other.expireSnapshots({ retainLast: 0 }))).toMatchObject({
      code: 'INVALID_EXPIRY_OPTIONS',
    });
  });

  it('deletes metadata files that leave the log when write.metadata.delete-after-commit.enabled', async () => {
    const { ctx, table } = await appended(['m1', 'm2', 'm3', 'm4', 'm5', 'm6'], {
      'write.metadata.delete-after-commit.enabled': 'true',
      'write.metadata.previous-versions-max': '2',
    });
    const metadataDir = path.join(ctx.dir, ctx.keyPrefix, 'metadata');
    const files = fs.readdirSync(metadataDir).filter((f) => f.endsWith('.metadata.json'));
    // The current file and the two the log keeps.
    expect(files).toHaveLength(3);
    const logged = table.metadata['metadata-log'].map((e) => path.basename(e['metadata-file']));
    expect(files.sort()).toEqual([...logged, path.basename(table.metadataLocation)].sort());
  });
});
