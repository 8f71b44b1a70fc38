import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableIdent } from '../../src/catalog/index.js';
import { RUN_SUMMARY } from '../../src/pipelines/index.js';
import { governedHome, type GovernedHome } from '../catalog/governed-home.js';
import { jobKit, jobOf, type JobKit } from './job-home.js';

const EVENTS: TableIdent = { namespace: ['bronze', 'web'], name: 'events' };
const TARGET: TableIdent = { namespace: ['silver', 'web'], name: 'events' };

describe('an incremental job whose last source snapshot was expired', () => {
  let home: GovernedHome;
  let kit: JobKit;
  const job = jobOf({
    name: 'web_events',
    target: 'silver.web.events',
    mode: 'incremental',
    runAs: 'admin',
    sql: "SELECT id, kind FROM bronze.web.events WHERE kind <> 'bot'",
  });

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
    await home.append(EVENTS, `SELECT * FROM (VALUES (1, 'view'), (2, 'bot')) t(id, kind)`);
  });

  afterAll(async () => {
    await home?.close();
  });

  it('recomputes in full instead of missing or doubling rows', async () => {
    expect(await kit.runner.run(home.admin, job, 'e-1')).toMatchObject({ status: 'succeeded' });
    await home.append(EVENTS, `SELECT * FROM (VALUES (3, 'click')) t(id, kind)`);
    await home.append(EVENTS, `SELECT * FROM (VALUES (4, 'view')) t(id, kind)`);
    const expired = await home.services.snapshotExpiry.expire(home.admin, EVENTS, {
      olderThan: '0s',
      retainLast: 1,
    });
    expect(expired.snapshotsRemoved).toBe(2);

    const outcome = await kit.runner.run(home.admin, job, 'e-2');
    expect(outcome).toMatchObject({ status: 'succeeded', rowsRead: 3, rowsWritten: 3 });
    expect(outcome.sql).toMatch(
      /^-- full recompute: snapshot \d+ of bronze\.web\.events is no longer in its history \(rolled back or expired\)\n/,
    );
    expect((await home.services.catalog.snapshots(TARGET))[0]?.summary).toMatchObject({
      [RUN_SUMMARY.read]: 'all',
    });
    const rows = await home.services.query.execute(
      home.admin,
      'SELECT id FROM silver.web.events ORDER BY id',
    );
    expect(rows.rows).toEqual([[1], [3], [4]]);
  });
});
