import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableIdent } from '../../src/catalog/index.js';
import { RUN_SUMMARY } from '../../src/pipelines/index.js';
import { governedHome } from '../catalog/governed-home.js';
import type { GovernedHome } from '../catalog/governed-home.js';
import { jobKit, jobOf } from './job-home.js';
import type { JobKit } from './job-home.js';

const EVENTS: TableIdent = { namespace: ['bronze', 'web'], name: 'events' };
const TARGET: TableIdent = { namespace: ['silver', 'web'], name: 'events' };

describe('JobRunner: incremental runs from snapshot lineage', () => {
  let home: GovernedHome;
  let kit: JobKit;
  const job = jobOf({
    name: 'web_events',
    target: 'silver.web.events',
    mode: 'incremental',
    runAs: 'admin',
    sql: "SELECT id, kind FROM bronze.web.events WHERE kind <> 'bot'",
  });
  const rows = async (sql: string): Promise<unknown[][]> =>
    (await home.services.query.execute(home.admin, sql)).rows;
  const latestSummary = async () => (await home.services.catalog.snapshots(TARGET))[0]?.summary;

  beforeAll(async () => {
    home = await governedHome();
    kit = jobKit(home);
    await home.services.governed.createNamespace(home.admin, ['bronze', 'web']);
    await home.services.governed.createTable(home.admin, EVENTS, {
      columns: [
        { name: 'id', type: 'long' },
        { name: 'kind', type: 'string' },
      ],
    });
    await home.append(
      EVENTS,
      `SELECT * FROM (VALUES (1, 'view'), (2, 'bot'), (3, 'click')) t(id, kind)`,
    );
  });

  afterAll(async () => {
    await home?.close();
  });

  it('the first run reads every row; later runs only the files appended since', async () => {
    const first = await kit.runner.run(home.admin, job, 'i-1');
    expect(first).toMatchObject({ status: 'succeeded', rowsRead: 2, rowsWritten: 2 });
    expect(await latestSummary()).toMatchObject({ [RUN_SUMMARY.read]: 'all' });

    await home.append(EVENTS, `SELECT * FROM (VALUES (4, 'view'), (5, 'bot')) t(id, kind)`);
    await home.append(EVENTS, `SELECT * FROM (VALUES (6, 'click')) t(id, kind)`);
    const second = await kit.runner.run(home.admin, job, 'i-2');
    const sourceSnapshot = (await home.services.catalog.describeTable(EVENTS)).currentSnapshotId;
    expect(second).toMatchObject({
      status: 'succeeded',
      rowsRead: 2,
      rowsWritten: 2,
      sources: [{ table: 'bronze.web.events', snapshotId: sourceSnapshot }],
    });
    expect(second.sql).toMatch(
      /^-- incremental run: data files added since run i-1\n-- bronze\.web\.events: 2 data file\(s\)/,
    );
    expect(await latestSummary()).toMatchObject({
      [RUN_SUMMARY.read]: 'new-files',
      [RUN_SUMMARY.sources]: JSON.stringify({ 'bronze.web.events': sourceSnapshot }),
    });
    expect(await rows('SELECT id FROM silver.web.events ORDER BY id')).toEqual([
      [1],
      [3],
      [4],
      [6],
    ]);

    // Nothing new: no SELECT runs and nothing is committed (no empty snapshot, no merge
    // planning); the next run still starts from what i-2 recorded.
    const idle = await kit.runner.run(home.admin, job, 'i-3');
    expect(idle).toMatchObject({
      status: 'succeeded',
      rowsRead: 0,
      rowsWritten: 0,
      targetSnapshotId: second.targetSnapshotId,
      sources: [{ table: 'bronze.web.events', snapshotId: sourceSnapshot }],
    });
    expect(idle.sql).toMatch(/-- nothing new: no SELECT ran and the target is unchanged\n/);
    expect(await latestSummary()).toMatchObject({ [RUN_SUMMARY.runId]: 'i-2' });
  });

  it('rows deleted upstream make the next run a full recompute that replaces the target', async () => {
    await home.services.catalog.deleteRows(EVENTS, 'id = 1');
    await home.append(EVENTS, `SELECT * FROM (VALUES (7, 'view')) t(id, kind)`);
    const outcome = await kit.runner.run(home.admin, job, 'i-4');
    expect(outcome).toMatchObject({ status: 'succeeded', rowsRead: 4, rowsWritten: 4 });
    expect(outcome.sql).toMatch(
      /^-- full recompute: snapshot \d+ of bronze\.web\.events since the last run is not an append but overwrite\n/,
    );
    const summary = await latestSummary();
    expect(summary).toMatchObject({ operation: 'overwrite', [RUN_SUMMARY.read]: 'all' });
    expect(await rows('SELECT id FROM silver.web.events ORDER BY id')).toEqual([
      [3],
      [4],
      [6],
      [7],
    ]);
  });

  it('a changed job definition recomputes too', async () => {
    const outcome = await kit.runner.run(
      home.admin,
      { ...job, version: 2, sql: 'SELECT id, kind FROM bronze.web.events' },
      'i-5',
    );
    expect(outcome.sql).toContain('the job changed (version 1 → 2)');
    expect(await rows('SELECT count(*) FROM silver.web.events')).toEqual([[6]]);
  });

  it('an incremental job with keys merges the new rows', async () => {
    const keyed = jobOf({
      name: 'kinds',
      target: 'gold.web.kinds',
      mode: 'incremental',
      keys: ['kind'],
      runAs: 'admin',
      sql: 'SELECT kind, max(id) AS last_id FROM bronze.web.events GROUP BY kind',
    });
    await kit.runner.run(home.admin, keyed, 'k-1');
    await home.append(EVENTS, `SELECT * FROM (VALUES (8, 'view'), (9, 'share')) t(id, kind)`);
    const merged = await kit.runner.run(home.admin, keyed, 'k-2');
    expect(merged).toMatchObject({ status: 'succeeded', rowsRead: 2, rowsWritten: 2 });
    expect(await rows('SELECT kind, last_id FROM gold.web.kinds ORDER BY kind')).toEqual([
      ['bot', 5],
      ['click', 6],
      ['share', 9],
      ['view', 8],
    ]);
  });

  it('a cancelled run commits nothing', async () => {
    const before = (await home.services.catalog.describeTable(TARGET)).currentSnapshotId;
    const controller = new AbortController();
    controller.abort();
    const outcome = await kit.runner.run(home.admin, job, 'c-1', { signal: controller.signal });
    expect(outcome).toMatchObject({ status: 'failed', targetSnapshotId: null });
    expect(outcome.error?.code).toBe('CANCELLED');
    expect((await home.services.catalog.describeTable(TARGET)).currentSnapshotId).toBe(before);
  });
});
