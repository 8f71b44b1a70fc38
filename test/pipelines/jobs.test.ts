import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tableSecurable } from '../../src/catalog/index.js';
import { CLEAN, ORDERS, TOTALS, job, jobsHome } from './jobs-fixture.js';
import type { JobsHome } from './jobs-fixture.js';

let home: JobsHome;

beforeEach(async () => {
  home = await jobsHome();
});

afterEach(async () => {
  await home.jobs.runs.idle();
  await home.close();
});

async function rows(table: string): Promise<unknown[][]> {
  return (
    await home.services.query.execute(home.admin, `SELECT id, amount FROM ${table} ORDER BY id`)
  ).rows;
}

describe('job definitions', () => {
  it('bumps the version on each real change and keeps every version', async () => {
    const created = await home.jobs.create(home.admin, job('clean'));
    expect(created).toMatchObject({ version: 1, owner: 'admin', runAs: 'admin', mode: 'append' });
    const updated = await home.jobs.update(home.admin, 'clean', { description: 'positive orders' });
    expect(updated.version).toBe(2);
    // The same values again are no change: no new version.
    const again = await home.jobs.update(home.admin, 'clean', { description: 'positive orders' });
    expect(again.version).toBe(2);
    const history = await home.jobs.history(home.admin, 'clean');
    expect(history.map((v) => [v.version, v.definition.description])).toEqual([
      [2, 'positive orders'],
      [1, null],
    ]);
    const events = await home.events('admin', 'job.update');
    expect(events.map((e) => e.decision)).toEqual(['allow', 'allow']);
  });

  it('refuses a cycle in the DAG and names it', async () => {
    await home.jobs.create(home.admin, job('a'));
    await home.jobs.create(home.admin, job('b', { after: ['a'] }));
    await home.jobs.create(home.admin, job('c', { after: ['b'] }));
    const err = await home.jobs.update(home.admin, 'a', { after: ['c'] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_JOB' });
    expect((err as Error).message).toContain('a → b → c → a');
    expect((await home.jobs.show(home.admin, 'a')).after).toEqual([]);
  });

  it('refuses to delete a job others run after', async () => {
    await home.jobs.create(home.admin, job('a'));
    await home.jobs.create(home.admin, job('b', { after: ['a'] }));
    await expect(home.jobs.delete(home.admin, 'a')).rejects.toMatchObject({
      code: 'JOB_HAS_DOWNSTREAM',
    });
    await home.jobs.delete(home.admin, 'b');
    await home.jobs.delete(home.admin, 'a');
    expect(await home.jobs.list(home.admin)).toEqual([]);
  });

  it('shows upstream, downstream, next and last run', async () => {
    await home.jobs.create(home.admin, job('a', { schedule: '0 3 * * *' }));
    await home.jobs.create(home.admin, job('b', { after: ['a'] }));
    await home.jobs.run(home.admin, 'a', { wait: true });
    const shown = await home.jobs.show(home.admin, 'a');
    expect(shown.downstream).toEqual(['b']);
    expect(shown.nextRunAt).toMatch(/T03:00:00.000Z$/);
    expect(shown.lastRun?.status).toBe('succeeded');
    expect((await home.jobs.show(home.admin, 'b')).upstream).toEqual(['a']);
  });
});

describe('runs', () => {
  it('runs now and records rows, snapshots, SQL and one attempt', async () => {
    await home.jobs.create(home.admin, job('clean'));
    const run = await home.jobs.run(home.admin, 'clean', { wait: true });
    expect(run).toMatchObject({
      status: 'succeeded',
      rowsRead: 2,
      rowsWritten: 2,
      trigger: 'manual',
    });
    expect(run.attempts).toHaveLength(1);
    expect(run.sources).toEqual([{ table: 'bronze.shop.orders', snapshotId: expect.any(String) }]);
    expect(run.targetSnapshotId).not.toBeNull();
    expect(run.sql).toContain('amount > 0');
    expect(await rows('silver.shop.orders_clean')).toEqual([
      [1, 10],
      [2, 20],
    ]);
    const history = await home.jobs.runHistory(home.admin, 'clean');
    expect(history.map((r) => r.id)).toEqual([run.id]);
    expect(await home.jobs.getRun(home.admin, run.id)).toMatchObject({ status: 'succeeded' });
  });

  it('queues the jobs after a job that succeeded, once all their upstreams have', async () => {
    await home.jobs.create(home.admin, job('clean'));
    await home.jobs.create(home.admin, job('other'));
    await home.jobs.create(
      home.admin,
      job('totals', {
        target: 'gold.shop.totals',
        sql: 'SELECT CAST(0 AS BIGINT) AS id, CAST(sum(amount) AS BIGINT) AS amount FROM silver.shop.orders_clean',
        after: ['clean', 'other'],
      }),
    );
    await home.jobs.run(home.admin, 'clean', { wait: true });
    await home.jobs.runs.idle();
    // "other" has not succeeded yet: totals waits.
    expect(await home.jobs.runHistory(home.admin, 'totals')).toEqual([]);
    await home.jobs.run(home.admin, 'other', { wait: true });
    await home.jobs.runs.idle();
    const [totals] = await home.jobs.runHistory(home.admin, 'totals');
    expect(totals, JSON.stringify(totals?.error)).toMatchObject({
      status: 'succeeded',
      trigger: 'upstream',
    });
    expect(totals?.reason).toContain('after other succeeded');
    expect(await rows('gold.shop.totals')).toEqual([[0, 60]]);
  });

  it('skips the jobs after a job that failed, with the reason, down the DAG', async () => {
    await home.jobs.create(home.admin, job('clean'));
    await home.jobs.create(
      home.admin,
      job('totals', { target: 'gold.shop.totals', after: ['clean'] }),
    );
    await home.jobs.create(
      home.admin,
      job('report', { target: 'gold.shop.totals', after: ['totals'] }),
    );
    // The source goes away, so the run fails for real.
    await home.services.catalog.dropTable(ORDERS);
    const failed = await home.jobs.run(home.admin, 'clean', { wait: true });
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('TABLE_NOT_FOUND');
    await home.jobs.runs.idle();
    const [totals] = await home.jobs.runHistory(home.admin, 'totals');
    expect(totals).toMatchObject({ status: 'skipped', trigger: 'upstream' });
    expect(totals?.reason).toContain(`upstream job clean failed (run ${failed.id})`);
    const [report] = await home.jobs.runHistory(home.admin, 'report');
    expect(report?.status).toBe('skipped');
    expect(report?.reason).toContain('upstream job totals was skipped');
  });

  it('retries with exponential back-off and records each attempt', async () => {
    const late = { namespace: ['bronze', 'shop'], name: 'late' };
    await home.services.catalog.createTable(late, {
      columns: [
        { name: 'id', type: 'long' },
        { name: 'amount', type: 'long' },
      ],
    });
    await home.jobs.create(
      home.admin,
      job('late', {
        sql: 'SELECT id, amount FROM bronze.shop.late',
        retries: { max: 4, backoffMs: 10 },
      }),
    );
    await home.services.catalog.dropTable(late);
    // The source appears after the second failed attempt.
    home.onSleep = async () => {
      if (home.sleeps.length === 2) {
        await home.services.catalog.createTable(late, {
          columns: [
            { name: 'id', type: 'long' },
            { name: 'amount', type: 'long' },
          ],
        });
        await home.append(late, 'SELECT * FROM (VALUES (7, 70)) t(id, amount)');
      }
    };
    const run = await home.jobs.run(home.admin, 'late', { wait: true });
    expect(run.status).toBe('succeeded');
    expect(run.attempts.map((a) => a.status)).toEqual(['failed', 'failed', 'succeeded']);
    expect(run.attempts[0]?.error?.code).toBe('TABLE_NOT_FOUND');
    expect(home.sleeps).toEqual([10, 20]);
    expect(await rows('silver.shop.orders_clean')).toEqual([[7, 70]]);
  });

  it('refuses a second run of a job while one is queued or running', async () => {
    await home.jobs.create(home.admin, job('clean'));
    let release = () => {};
    home.holdRuns = new Promise((resolve) => (release = resolve));
    const first = await home.jobs.run(home.admin, 'clean');
    expect(first.status).toBe('queued');
    await expect(home.jobs.run(home.admin, 'clean')).rejects.toMatchObject({
      code: 'JOB_ALREADY_RUNNING',
    });
    // Still refused while it runs.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await home.jobs.getRun(home.admin, first.id)).status).toBe('running');
    await expect(home.jobs.run(home.admin, 'clean', { wait: true })).rejects.toMatchObject({
      code: 'JOB_ALREADY_RUNNING',
    });
    // Its scheduled time comes meanwhile: recorded as skipped, not run twice.
    const record = await home.services.metastore.pipelines.get('clean');
    const scheduled = await home.jobs.runScheduled(record!);
    expect(scheduled).toMatchObject({ status: 'skipped', trigger: 'schedule' });
    expect(scheduled?.reason).toContain('still queued or running');
    release();
    home.holdRuns = undefined;
    await home.jobs.runs.idle();
    expect((await home.jobs.getRun(home.admin, first.id)).status).toBe('succeeded');
    // Once it ended, the job runs again.
    expect((await home.jobs.run(home.admin, 'clean', { wait: true })).status).toBe('succeeded');
  });
});

describe('rights', () => {
  it('lets only the owner or an admin run or change a job; others do not see it', async () => {
    const alice = await home.user('alice');
    const bob = await home.user('bob');
    await home.grant(['USAGE'], { kind: 'namespace', path: ['silver', 'shop'] }, alice);
    await home.grant(['USAGE'], { kind: 'namespace', path: ['bronze', 'shop'] }, alice);
    await home.grant(['INSERT'], tableSecurable(CLEAN), alice);
    await home.grant(['SELECT'], tableSecurable(ORDERS), alice);
    const created = await home.jobs.create(alice, job('mine'));
    expect(created).toMatchObject({ owner: 'alice', runAs: 'alice' });
    await expect(home.jobs.run(bob, 'mine')).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
    await expect(home.jobs.update(bob, 'mine', { description: 'x' })).rejects.toMatchObject({
      code: 'JOB_NOT_FOUND',
    });
    expect(await home.jobs.list(bob)).toEqual([]);
    expect((await home.jobs.run(alice, 'mine', { wait: true })).status).toBe('succeeded');
    expect((await home.events('bob', 'job.run')).map((e) => e.decision)).toEqual(['deny']);
  });

  it('needs an admin to make a job run as someone else, and rights for both', async () => {
    const alice = await home.user('alice');
    await home.user('bob');
    await home.grant(['USAGE'], { kind: 'namespace', path: ['silver', 'shop'] }, alice);
    await home.grant(['INSERT'], tableSecurable(CLEAN), alice);
    await expect(home.jobs.create(alice, job('as-bob', { runAs: 'bob' }))).rejects.toMatchObject({
      code: 'JOB_RUN_AS_DENIED',
    });
    // bob lacks INSERT on the target: even an admin cannot make the job run as him.
    await expect(
      home.jobs.create(home.admin, job('as-bob', { runAs: 'bob' })),
    ).rejects.toMatchObject({
      code: 'JOB_RUN_AS_NOT_ALLOWED',
    });
    const asAlice = await home.jobs.create(home.admin, job('as-alice', { runAs: 'alice' }));
    expect(asAlice).toMatchObject({ owner: 'admin', runAs: 'alice' });
    // The principal it runs as sees it but may not run it.
    expect((await home.jobs.list(alice)).map((j) => j.name)).toEqual(['as-alice']);
    await expect(home.jobs.run(alice, 'as-alice')).rejects.toMatchObject({ code: 'JOB_NOT_OWNER' });
    // Without INSERT on an existing target, nobody but an admin may create a job into it.
    const carol = await home.user('carol');
    await expect(
      home.jobs.create(carol, job('c', { target: 'gold.shop.totals' })),
    ).rejects.toMatchObject({
      kind: expect.stringMatching(/forbidden|not_found/),
    });
    expect(TOTALS.name).toBe('totals');
  });
});
