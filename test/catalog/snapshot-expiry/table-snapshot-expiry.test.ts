import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableIdent } from '../../../src/catalog/index.js';
import type { IcebergTable } from '../../../src/iceberg/index.js';
import { readManifestList } from '../../../src/iceberg/index.js';
import { failure } from '../../failure.js';
import {
  appendEach,
  createRetailTable,
  daySelect,
  fingerprint,
  liveFiles,
  retailDays,
} from '../compaction/retail-appends.js';
import { governedHome, type GovernedHome } from '../governed-home.js';

let home: GovernedHome;
const invoices: TableIdent = { namespace: ['bronze', 'retail'], name: 'invoices' };
const NAME = 'bronze.retail.invoices';
const days = retailDays(40);

beforeAll(async () => {
  home = await governedHome();
  await createRetailTable(home.services, home.admin, invoices);
  await appendEach(
    home.services,
    invoices,
    days.slice(0, 20).map((d) => daySelect(d)),
  );
}, 120_000);

afterAll(async () => {
  await home?.close();
});

const load = (): Promise<IcebergTable> => home.services.catalog.loadTable(invoices);
const onDisk = (uri: string): boolean => {
  const key = home.services.store.keyOf(uri);
  return key !== undefined && fs.existsSync(new URL(home.services.store.uri(key)));
};

/** Every file the table's kept snapshots reach: manifest lists, manifests, live data files. */
async function reachable(table: IcebergTable): Promise<string[]> {
  const files = new Set<string>();
  for (const snapshot of table.metadata.snapshots) {
    files.add(snapshot['manifest-list']);
    for (const m of await readManifestList(table.context.store, snapshot['manifest-list'])) {
      files.add(m.manifestPath);
    }
    for (const f of await table.planFiles({ snapshotId: snapshot['snapshot-id'] })) {
      files.add(f.filePath);
    }
  }
  return [...files];
}

describe('lakeward table expire-snapshots (use case)', () => {
  it('reports on a dry run and changes nothing', async () => {
    const before = await load();
    const result = await home.services.snapshotExpiry.expire(home.admin, invoices, {
      olderThan: '0s',
      retainLast: 5,
      dryRun: true,
    });
    expect(result).toMatchObject({
      table: NAME,
      dryRun: true,
      retainLast: 5,
      snapshotsRemoved: 15,
      snapshotsKept: 5,
      filesDeleted: { manifestLists: 15, manifests: 0, dataFiles: 0 },
    });
    const after = await load();
    expect(after.metadataLocation).toBe(before.metadataLocation);
    expect(after.metadata.snapshots).toHaveLength(20);
  });

  it('refuses a user without MODIFY, and audits the refusal', async () => {
    const reader = await home.user('reader');
    await home.grant(['USAGE'], { kind: 'namespace', path: ['bronze', 'retail'] }, reader);
    await home.grant(['SELECT'], { kind: 'table', path: ['bronze', 'retail', 'invoices'] }, reader);
    const err = await failure(home.services.snapshotExpiry.expire(reader, invoices, {}));
    expect(err.kind).toBe('forbidden');
    expect((await home.events('reader', 'table.expire-snapshots')).map((e) => e.decision)).toEqual([
      'deny',
    ]);
    expect((await load()).metadata.snapshots).toHaveLength(20);
  });

  it('refuses a bad olderThan or retainLast with a clear error', async () => {
    for (const request of [
      { olderThan: 'yesterday' },
      { olderThan: '-7d' },
      { olderThan: '2999-01-01T00:00:00Z' },
      { retainLast: 0 },
      { retainLast: -3 },
    ]) {
      const err = await failure(home.services.snapshotExpiry.expire(home.admin, invoices, request));
      expect(err).toMatchObject({ code: 'INVALID_EXPIRY_OPTIONS', kind: 'invalid' });
      // The hint shows a value that works.
      expect(err.hint).toMatch(/7d|--retain-last 10/);
    }
  });

  it('removes old snapshots, keeps query results and count(*), and keeps every reachable file', async () => {
    const before = await fingerprint(home.services, home.admin, NAME);
    const table = await load();
    const oldest = table.history().at(-1)!;
    const result = await home.services.snapshotExpiry.expire(home.admin, invoices, {
      olderThan: '0s',
      retainLast: 5,
    });
    expect(result).toMatchObject({ snapshotsRemoved: 15, snapshotsKept: 5, failures: [] });
    expect(result.removedSnapshotIds[0]).toBe(String(oldest['snapshot-id']));
    expect(await fingerprint(home.services, home.admin, NAME)).toEqual(before);
    const after = await load();
    expect(after.metadata.snapshots).toHaveLength(5);
    for (const file of await reachable(after)) expect(onDisk(file), file).toBe(true);
    expect(onDisk(oldest['manifest-list'])).toBe(false);
    expect(
      (await home.events(home.admin.principal.name, 'table.expire-snapshots')).at(-1),
    ).toMatchObject({
      decision: 'allow',
    });

    const travel = await failure(
      home.services.query.execute(
        home.admin,
        `SELECT count(*) FROM ${NAME} AT (VERSION => ${oldest['snapshot-id']})`,
      ),
    );
    expect(travel).toMatchObject({ code: 'SNAPSHOT_NOT_FOUND', kind: 'not_found' });
    expect(travel.message).toContain('expired');
  });

  it('deletes the small files a compaction replaced once the snapshots reading them expire', async () => {
    const small = (await liveFiles(home.services, invoices)).map((f) => f.filePath);
    expect(small).toHaveLength(20);
    const compacted = await home.services.compaction.compact(home.admin, invoices, {
      minFiles: 5,
      smallFileBytes: 64 * 1024 ** 2,
      targetFileSizeBytes: 256 * 1024 ** 2,
    });
    expect(compacted.filesOut).toBe(1);
    const before = await fingerprint(home.services, home.admin, NAME);
    for (const file of small) expect(onDisk(file)).toBe(true);

    const result = await home.services.snapshotExpiry.expire(home.admin, invoices, {
      olderThan: '0s',
      retainLast: 1,
    });
    expect(result.snapshotsRemoved).toBe(5);
    expect(result.filesDeleted.dataFiles).toBe(20);
    expect(result.filesDeleted.manifests).toBeGreaterThan(0);
    for (const file of small) expect(onDisk(file)).toBe(false);
    const [kept] = await liveFiles(home.services, invoices);
    expect(onDisk(kept!.filePath)).toBe(true);
    expect(await fingerprint(home.services, home.admin, NAME)).toEqual(before);
  });

  it('loses nothing appended while the expiry runs', async () => {
    const [start] = await fingerprint(home.services, home.admin, NAME);
    let appending = true;
    const appender = (async () => {
      let rows = 0;
      for (const day of days.slice(20, 30)) {
        rows += await appendEach(home.services, invoices, [daySelect(day)]);
      }
      appending = false;
      return rows;
    })();
    let passes = 0;
    while (appending || passes === 0) {
      await home.services.snapshotExpiry.expire(home.admin, invoices, {
        olderThan: '0s',
        retainLast: 2,
      });
      passes++;
    }
    const appended = await appender;
    expect(passes).toBeGreaterThan(1);
    const [count] = await fingerprint(home.services, home.admin, NAME);
    expect(Number(count)).toBe(Number(start) + appended);
    for (const file of await reachable(await load())) expect(onDisk(file), file).toBe(true);
  });

  it('expires streaming tables in the background with their own retention, and leaves batch tables', async () => {
    const streamed: TableIdent = { namespace: ['bronze', 'retail'], name: 'streamed' };
    const batch: TableIdent = { namespace: ['bronze', 'retail'], name: 'batch' };
    await createRetailTable(home.services, home.admin, streamed, {
      properties: {
        ingest_type: 'streaming',
        'history.expire.max-snapshot-age-ms': '0',
        'history.expire.min-snapshots-to-keep': '3',
      },
    });
    await createRetailTable(home.services, home.admin, batch, {
      properties: { ingest_type: 'batch', 'history.expire.max-snapshot-age-ms': '0' },
    });
    for (const ident of [streamed, batch]) {
      await appendEach(
        home.services,
        ident,
        days.slice(30, 36).map((d) => daySelect(d)),
      );
    }
    const reported: string[] = [];
    const done = await home.services.snapshotExpiry.expireDue((table) => reported.push(table));
    expect(reported).toEqual([]);
    expect(done.map((r) => [r.table, r.snapshotsRemoved, r.snapshotsKept])).toEqual([
      ['bronze.retail.streamed', 3, 3],
    ]);
    expect((await home.services.catalog.loadTable(batch)).metadata.snapshots).toHaveLength(6);
    // Nothing past retention now: the next pass neither expires nor audits anything.
    expect(await home.services.snapshotExpiry.expireDue(() => undefined)).toEqual([]);
  });
});
