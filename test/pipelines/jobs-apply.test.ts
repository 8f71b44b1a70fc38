import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobFile } from '../../src/pipelines/index.js';
import { jobsHome } from './jobs-fixture.js';
import type { JobsHome } from './jobs-fixture.js';

let home: JobsHome;

beforeEach(async () => {
  home = await jobsHome();
});

afterEach(async () => {
  await home.jobs.runs.idle();
  await home.close();
});

const examples = (): JobFile[] => {
  const dir = path.resolve('examples/pipelines');
  return fs
    .readdirSync(dir)
    .sort()
    .map((f) => ({ path: f, text: fs.readFileSync(path.join(dir, f), 'utf8') }));
};

const clean = (extra = '') => `name: clean
target: silver.shop.orders_clean
mode: append
sql: SELECT id, amount FROM bronze.shop.orders
${extra}`;

async function applyError(files: JobFile[]): Promise<string[]> {
  const err = await home.jobs
    .apply(home.admin, files, { source: 'pipelines' })
    .catch((e: unknown) => e as { code: string; message: string });
  expect(err).toMatchObject({ code: 'INVALID_JOB_FILE' });
  return (err as { message: string }).message.split('\n').slice(1);
}

describe('jobs apply', () => {
  it('creates every job of the folder, then reports them unchanged', async () => {
    const first = await home.jobs.apply(home.admin, examples(), { source: 'examples/pipelines' });
    expect(first).toEqual({
      created: ['gold_customer_value', 'gold_revenue', 'silver_orders'],
      updated: [],
      unchanged: [],
      deleted: [],
    });
    const second = await home.jobs.apply(home.admin, examples(), { source: 'examples/pipelines' });
    expect(second).toEqual({
      created: [],
      updated: [],
      unchanged: ['gold_customer_value', 'gold_revenue', 'silver_orders'],
      deleted: [],
    });
    const silver = await home.jobs.show(home.admin, 'silver_orders');
    expect(silver).toMatchObject({ version: 1, source: 'examples/pipelines', mode: 'merge' });
    expect(silver.downstream).toEqual(['gold_customer_value', 'gold_revenue']);
  });

  it('updates what changed (a new version) and prunes what is gone', async () => {
    const other = clean().replace('name: clean', 'name: other');
    await home.jobs.apply(
      home.admin,
      [
        { path: 'clean.yaml', text: clean() },
        { path: 'other.yaml', text: other },
      ],
      { source: 'pipelines' },
    );
    // Without prune, a job no longer in the folder stays.
    const kept = await home.jobs.apply(
      home.admin,
      [{ path: 'clean.yaml', text: clean('description: changed\n') }],
      { source: 'pipelines' },
    );
    expect(kept).toMatchObject({ updated: ['clean'], deleted: [] });
    expect((await home.jobs.show(home.admin, 'clean')).version).toBe(2);
    const pruned = await home.jobs.apply(
      home.admin,
      [{ path: 'clean.yaml', text: clean('description: changed\n') }],
      { source: 'pipelines', prune: true },
    );
    expect(pruned).toEqual({ created: [], updated: [], unchanged: ['clean'], deleted: ['other'] });
    expect((await home.jobs.list(home.admin)).map((j) => j.name)).toEqual(['clean']);
    const events = await home.events('admin');
    expect(events.filter((e) => e.action === 'job.delete').map((e) => e.resource)).toEqual([
      'job:other',
    ]);
  });

  it('refuses SQL that is not a single SELECT, on the line of the sql key', async () => {
    const text = clean().replace(
      'sql: SELECT id, amount FROM bronze.shop.orders',
      'sql: DELETE FROM bronze.shop.orders',
    );
    expect(await applyError([{ path: 'clean.yaml', text }])).toEqual([
      expect.stringMatching(/^clean\.yaml:4:1: the SQL is not a single SELECT/),
    ]);
    expect(await home.jobs.list(home.admin)).toEqual([]);
  });

  it('refuses "after" naming unknown jobs, at the item', async () => {
    expect(await applyError([{ path: 'clean.yaml', text: clean('after:\n  - nope\n') }])).toEqual([
      expect.stringMatching(/^clean\.yaml:6:5: "after" names nope, which is not a job/),
    ]);
  });

  it('refuses a cycle across files and names it; nothing is applied', async () => {
    const a = clean('after: [b]\n').replace('name: clean', 'name: a');
    const b = clean('after: [a]\n').replace('name: clean', 'name: b');
    const lines = await applyError([
      { path: 'a.yaml', text: a },
      { path: 'b.yaml', text: b },
      { path: 'ok.yaml', text: clean() },
    ]);
    expect(lines).toEqual([
      expect.stringMatching(/^a\.yaml:5:1: the jobs would run in a cycle: a → b → a/),
      expect.stringMatching(/^b\.yaml:5:1: the jobs would run in a cycle: a → b → a/),
    ]);
    expect(await home.jobs.list(home.admin)).toEqual([]);
  });

  it("refuses a user's apply over another's job, changing nothing", async () => {
    await home.jobs.apply(home.admin, [{ path: 'clean.yaml', text: clean() }], {
      source: 'pipelines',
    });
    const bob = await home.user('bob');
    await expect(
      home.jobs.apply(bob, [{ path: 'clean.yaml', text: clean('description: mine\n') }], {
        source: 'pipelines',
      }),
    ).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
    expect((await home.jobs.show(home.admin, 'clean')).version).toBe(1);
  });
});
