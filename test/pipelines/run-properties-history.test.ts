import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLEAN, job, jobsHome } from './jobs-fixture.js';
import type { JobsHome } from './jobs-fixture.js';

let home: JobsHome;

beforeEach(async () => {
  home = await jobsHome();
});

afterEach(async () => {
  await home.services.jobs.runs.idle();
  await home.close();
});

const CLEAN_TARGET = { kind: 'table' as const, path: [...CLEAN.namespace, CLEAN.name] };

/** Counts the catalog's table updates of the target (each one a new metadata version). */
function countTargetUpdates(): { count: number } {
  const { catalog } = home.services;
  const update = catalog.updateTable.bind(catalog);
  const seen = { count: 0 };
  catalog.updateTable = (ident, patch) => {
    if (ident.name === CLEAN.name) seen.count++;
    return update(ident, patch);
  };
  return seen;
}

describe("a job run's target properties", () => {
  it('go into the metadata history with the quality ones, in one write per run', async () => {
    const { jobs, metadata } = home.services;
    await jobs.create(
      home.admin,
      job('clean', {
        quality: { ruleset: 'Rules = [ IsComplete "id", ColumnValues "amount" > 0 ]' },
      }),
    );
    const updates = countTargetUpdates();
    const run = await jobs.run(home.admin, 'clean', { wait: true });
    expect(run.status).toBe('succeeded');
    // The run's facts and the quality result's properties: one table update.
    expect(updates.count).toBe(1);

    const history = await metadata.history(home.admin, CLEAN_TARGET);
    const byField = new Map(history.map((c) => [c.field, c]));
    expect(byField.get('property:transformed_by')).toMatchObject({
      oldValue: null,
      newValue: 'clean@1',
      changedBy: 'admin',
    });
    expect(byField.get('property:last_run_id')?.newValue).toBe(run.id);
    expect(byField.get('property:upstream_tables')?.newValue).toBe('bronze.shop.orders');
    expect(byField.get('property:quality_score')?.newValue).toBe('1');
    expect(byField.get('property:quality_status')?.newValue).toBeDefined();

    // The next run records what changed: the run id, not the job that made the table.
    const again = await jobs.run(home.admin, 'clean', { wait: true });
    const latest = await metadata.history(home.admin, CLEAN_TARGET);
    const runIds = latest.filter((c) => c.field === 'property:last_run_id');
    expect(runIds.map((c) => [c.oldValue, c.newValue])).toEqual([
      [run.id, again.id],
      [null, run.id],
    ]);
    expect(latest.filter((c) => c.field === 'property:transformed_by')).toHaveLength(1);
  });
});
