import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccessGate,
  COMPACTION_SUMMARY_KEYS,
  TableCompaction,
} from '../../../src/catalog/index.js';
import type { Catalog, TableIdent } from '../../../src/catalog/index.js';
import type { IcebergTable } from '../../../src/iceberg/index.js';
import { STREAM_SUMMARY_KEYS } from '../../../src/ingest/streams/contract.js';
import { failure } from '../../failure.js';
import { governedHome, type GovernedHome } from '../governed-home.js';
import {
  appendEach,
  createRetailTable,
  daySelect,
  fingerprint,
  liveFiles,
  retailDays,
} from './retail-appends.js';

let home: GovernedHome;
const invoices: TableIdent = { namespace: ['bronze', 'retail'], name: 'invoices' };
const byCountry: TableIdent = { namespace: ['bronze', 'retail'], name: 'by_country' };
const days = retailDays(60);
const small = { minFiles: 5, smallFileBytes: 8 * 1024 ** 2, targetFileSizeBytes: 64 * 1024 ** 2 };

beforeAll(async () => {
  home = await governedHome();
  await createRetailTable(home.services, home.admin, invoices);
  await appendEach(
    home.services,
    invoices,
    days.map((d) => daySelect(d)),
  );
}, 120_000);

afterAll(async () => {
  await home?.close();
});

describe('table compaction', () => {
  it('plans without changing anything on --dry-run', async () => {
    const before = await home.services.catalog.loadTable(invoices);
    const result = await home.services.compaction.compact(home.admin, invoices, {
      ...small,
      dryRun: true,
    });
    expect(result).toMatchObject({ dryRun: true, snapshotId: null, filesIn: 60, filesOut: 0 });
    expect(result.partitions).toEqual([
      expect.objectContaining({ partition: '(unpartitioned)', filesIn: 60 }),
    ]);
    const after = await home.services.catalog.loadTable(invoices);
    expect(after.currentSnapshot()?.['snapshot-id']).toBe(
      before.currentSnapshot()?.['snapshot-id'],
    );
  });

  it('refuses a user without MODIFY, and audits the refusal', async () => {
    const reader = await home.user('reader');
    await home.grant(['USAGE'], { kind: 'namespace', path: ['bronze', 'retail'] }, reader);
    await home.grant(['SELECT'], { kind: 'table', path: ['bronze', 'retail', 'invoices'] }, reader);
    const err = await failure(home.services.compaction.compact(reader, invoices, small));
    expect(err.kind).toBe('forbidden');
    const events = await home.events('reader', 'table.compact');
    expect(events.map((e) => e.decision)).toEqual(['deny']);
    expect((await liveFiles(home.services, invoices)).length).toBe(60);
  });

  it('rewrites 60 small files into one, with the same query results and time travel intact', async () => {
    const before = await fingerprint(home.services, home.admin, 'bronze.retail.invoices');
    const beforeSnapshot = (await home.services.catalog.loadTable(invoices)).currentSnapshot()!;
    const result = await home.services.compaction.compact(home.admin, invoices, small);
    expect(result).toMatchObject({ filesIn: 60, filesOut: 1, attempts: 1 });
    expect(result.rows).toBe(Number(before[0]));
    expect((await liveFiles(home.services, invoices)).length).toBe(1);
    expect(await fingerprint(home.services, home.admin, 'bronze.retail.invoices')).toEqual(before);
    const travelled = await fingerprint(
      home.services,
      home.admin,
      `bronze.retail.invoices AT (VERSION => ${beforeSnapshot['snapshot-id']})`,
    );
    expect(travelled).toEqual(before);

    const table = await home.services.catalog.loadTable(invoices);
    const summary = table.currentSnapshot()!.summary;
    expect(summary).toMatchObject({
      operation: 'replace',
      [COMPACTION_SUMMARY_KEYS.compaction]: 'true',
      [COMPACTION_SUMMARY_KEYS.filesIn]: '60',
      [COMPACTION_SUMMARY_KEYS.filesOut]: '1',
    });
    for (const key of Object.values(STREAM_SUMMARY_KEYS)) expect(summary).not.toHaveProperty(key);
    const audited = await home.events(home.admin.principal.name, 'table.compact');
    expect(audited.at(-1)?.decision).toBe('allow');
  });

  it('loses and duplicates nothing while a writer keeps appending', async () => {
    const more = retailDays(100).slice(60);
    await appendEach(
      home.services,
      invoices,
      more.slice(0, 10).map((d) => daySelect(d)),
    );
    const expected = new Map<string, number>();
    let appending = true;
    const appender = (async () => {
      for (const day of more.slice(10)) {
        if (!appending) break;
        expected.set(
          path.basename(day, '.csv'),
          await appendEach(home.services, invoices, [daySelect(day)]),
        );
      }
    })();
    const result = await home.services.compaction.compact(home.admin, invoices, small);
    appending = false;
    await appender;
    expect(expected.size).toBeGreaterThan(0);
    expect(result.filesIn).toBeGreaterThanOrEqual(10);
    // Every day was appended once: its rows must be there exactly once, compaction or not.
    const perDay = await home.services.query.execute(
      home.admin,
      "SELECT strftime(invoice_date, '%Y-%m-%d') AS day, count(*) FROM bronze.retail.invoices GROUP BY day",
    );
    const counts = new Map(perDay.rows.map((r) => [String(r[0]), Number(r[1])]));
    for (const [day, rows] of expected) expect(counts.get(day), day).toBe(rows);
    const total = await home.services.query.execute(
      home.admin,
      'SELECT count(*) FROM bronze.retail.invoices',
    );
    expect(Number(total.rows[0]![0])).toBe([...counts.values()].reduce((a, b) => a + b, 0));
  });

  it('plans again when another writer replaced a planned file before the commit', async () => {
    await appendEach(
      home.services,
      invoices,
      retailDays(110)
        .slice(100)
        .map((d) => daySelect(d)),
    );
    const victim = '549181'; // the first invoice of 2011-04-07, appended just above
    const before = await fingerprint(home.services, home.admin, 'bronze.retail.invoices');
    const victimRows = await home.services.query.execute(
      home.admin,
      `SELECT count(*) FROM bronze.retail.invoices WHERE invoice_no = '${victim}'`,
    );
    let interfered = false;
    const interfering: Pick<Catalog, 'open'> = {
      open: async (ident) => {
        const opened = await home.services.catalog.open(ident);
        const table = opened.table;
        const wrapped: IcebergTable = Object.assign(Object.create(table) as IcebergTable, {
          replaceFiles: async (...args: Parameters<IcebergTable['replaceFiles']>) => {
            if (!interfered) {
              interfered = true;
              await home.services.catalog.deleteRows(ident, `invoice_no = '${victim}'`);
            }
            return table.replaceFiles(...args);
          },
        });
        return { ...opened, table: wrapped };
      },
    };
    const compaction = new TableCompaction({
      catalog: interfering,
      metastore: home.services.metastore,
      gate: new AccessGate(home.services.authorizer, home.services.audit),
      session: { tempDir: `${home.dir}/tmp`, memoryLimit: '256MB' },
      defaults: { ...small, maxAttempts: 3 },
      system: async () => home.admin,
    });
    const result = await compaction.compact(home.admin, invoices);
    expect(interfered).toBe(true);
    expect(Number(victimRows.rows[0]![0])).toBeGreaterThan(0);
    expect(result.attempts).toBe(2);
    expect(result.snapshotId).not.toBeNull();
    const [count] = await fingerprint(home.services, home.admin, 'bronze.retail.invoices');
    expect(Number(count)).toBe(Number(before[0]) - Number(victimRows.rows[0]![0]));
  });

  it('compacts a partitioned table per partition, keeping partition values', async () => {
    await createRetailTable(home.services, home.admin, byCountry, {
      partitionBy: [{ source: 'country', transform: 'identity' }],
    });
    await appendEach(
      home.services,
      byCountry,
      days.slice(0, 15).map((d) => daySelect(d)),
    );
    const filesBefore = await liveFiles(home.services, byCountry);
    const perCountry = new Map<string, number>();
    for (const f of filesBefore) {
      const c = String(f.partition.country);
      perCountry.set(c, (perCountry.get(c) ?? 0) + 1);
    }
    const busy = [...perCountry].filter(([, n]) => n >= small.minFiles).map(([c]) => c);
    const quiet = [...perCountry].filter(([, n]) => n < small.minFiles);
    expect(busy.length).toBeGreaterThan(1);
    expect(quiet.length).toBeGreaterThan(0);
    const before = await fingerprint(home.services, home.admin, 'bronze.retail.by_country');

    const result = await home.services.compaction.compact(home.admin, byCountry, small);
    expect(result.partitions.map((p) => p.partition).sort()).toEqual(
      busy.map((c) => `country=${c}`).sort(),
    );
    const after = await liveFiles(home.services, byCountry);
    for (const country of busy) {
      expect(after.filter((f) => f.partition.country === country)).toHaveLength(1);
    }
    for (const [country, n] of quiet) {
      expect(after.filter((f) => f.partition.country === country)).toHaveLength(n);
    }
    expect(await fingerprint(home.services, home.admin, 'bronze.retail.by_country')).toEqual(
      before,
    );
    const uk = await home.services.query.execute(
      home.admin,
      "SELECT count(*), count(DISTINCT country) FROM bronze.retail.by_country WHERE country = 'United Kingdom'",
    );
    expect(Number(uk.rows[0]![1])).toBe(1);
  });
});
