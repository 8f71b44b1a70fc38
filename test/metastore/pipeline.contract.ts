import { describe, expect, it } from 'vitest';
import type { Metastore } from '../../src/metastore/index.js';

const code = (c: string) => expect.objectContaining({ code: c });
const definition = { target: 'silver.shop.orders', sql: 'SELECT 1', after: [] as string[] };
const longAgo = new Date('2000-01-01T00:00:00Z');
const run = { trigger: 'manual' as const, runAs: 'erin', reason: null, staleBefore: longAgo };

/** The pipeline repository's behaviour; runs inside the metastore contract. */
export function pipelineContract(fixture: () => { store: Metastore }): void {
  describe('pipeline jobs', () => {
    const create = (name = 'clean', nextRunAt: Date | null = new Date('2030-01-01T03:00:00Z')) =>
      fixture().store.pipelines.create({
        name,
        owner: 'erin',
        source: 'dir',
        definition,
        nextRunAt,
      });

    it('creates, lists, versions, updates and deletes jobs with unique names', async () => {
      const { pipelines } = fixture().store;
      const created = await create();
      expect(created).toMatchObject({ name: 'clean', version: 1, owner: 'erin', definition });
      await expect(create()).rejects.toEqual(code('JOB_ALREADY_EXISTS'));
      const changed = { ...definition, sql: 'SELECT 2' };
      const updated = await pipelines.update('clean', {
        definition: changed,
        source: 'dir',
        nextRunAt: null,
        changedBy: 'admin',
      });
      expect(updated).toMatchObject({ version: 2, definition: changed, nextRunAt: null });
      expect((await pipelines.get('clean'))?.version).toBe(2);
      const versions = await pipelines.versions('clean');
      expect(
        versions.map((v) => [v.version, v.changedBy, (v.definition as typeof definition).sql]),
      ).toEqual([
        [2, 'admin', 'SELECT 2'],
        [1, 'erin', 'SELECT 1'],
      ]);
      await create('another');
      expect((await pipelines.list()).map((j) => j.name)).toEqual(['another', 'clean']);
      await pipelines.queueRun('clean', run);
      expect(await pipelines.delete('clean')).toBe(true);
      expect(await pipelines.delete('clean')).toBe(false);
      await expect(pipelines.versions('clean')).rejects.toEqual(code('JOB_NOT_FOUND'));
    });

    it('keeps one run per job queued or running, and records its end', async () => {
      const { pipelines } = fixture().store;
      await create();
      const queued = await pipelines.queueRun('clean', run);
      expect(queued).toMatchObject({ status: 'queued', jobVersion: 1, trigger: 'manual' });
      expect(await pipelines.queueRun('clean', run)).toBeUndefined();
      const started = await pipelines.startRun(queued!.id);
      expect(started?.status).toBe('running');
      // Only one process starts it.
      expect(await pipelines.startRun(queued!.id)).toBeUndefined();
      expect(await pipelines.queueRun('clean', run)).toBeUndefined();
      const attempts = [
        {
          attempt: 1,
          startedAt: 'a',
          endedAt: 'b',
          status: 'failed' as const,
          error: { code: 'X', message: 'x' },
        },
        { attempt: 2, startedAt: 'c', endedAt: 'd', status: 'succeeded' as const, error: null },
      ];
      await pipelines.saveAttempts(queued!.id, attempts.slice(0, 1));
      expect((await pipelines.getRun(queued!.id))?.attempts).toHaveLength(1);
      const ended = await pipelines.finishRun(queued!.id, {
        status: 'succeeded',
        attempts,
        outcome: { rowsWritten: 3 },
      });
      expect(ended).toMatchObject({ status: 'succeeded', attempts, outcome: { rowsWritten: 3 } });
      expect(ended.endedAt).toBeInstanceOf(Date);
      expect((await pipelines.get('clean'))?.activeRunId).toBeNull();
      const again = await pipelines.queueRun('clean', run);
      expect(again).toBeDefined();
      const skipped = await pipelines.recordSkipped('clean', {
        trigger: 'upstream',
        runAs: 'erin',
        reason: 'upstream failed',
      });
      expect(skipped).toMatchObject({ status: 'skipped', reason: 'upstream failed' });
      expect((await pipelines.listRuns('clean', 10)).map((r) => r.status).sort()).toEqual([
        'queued',
        'skipped',
        'succeeded',
      ]);
      expect((await pipelines.latestRun('clean', ['succeeded']))?.id).toBe(queued!.id);
      expect(await pipelines.latestRun('clean', ['failed'])).toBeUndefined();
      expect((await pipelines.queuedRuns(new Date(Date.now() + 1000))).map((r) => r.id)).toEqual([
        again!.id,
      ]);
    });

    it('takes over a run abandoned by a stopped process', async () => {
      const { pipelines } = fixture().store;
      await create();
      const first = await pipelines.queueRun('clean', run);
      const second = await pipelines.queueRun('clean', {
        ...run,
        staleBefore: new Date(Date.now() + 1000),
      });
      expect(second).toBeDefined();
      expect(await pipelines.getRun(first!.id)).toMatchObject({
        status: 'failed',
        reason: 'abandoned: the process running it stopped',
      });
    });

    it('gives each due scheduled time to one claimer', async () => {
      const { pipelines } = fixture().store;
      const due = new Date('2030-01-01T03:00:00Z');
      await create('clean', due);
      await create('later', new Date('2030-01-02T03:00:00Z'));
      await create('never', null);
      const now = new Date('2030-01-01T12:00:00Z');
      expect((await pipelines.due(now)).map((j) => j.name)).toEqual(['clean']);
      const next = new Date('2030-01-02T03:00:00Z');
      expect(await pipelines.claimSchedule('clean', due, next)).toBe(true);
      expect(await pipelines.claimSchedule('clean', due, next)).toBe(false);
      expect(await pipelines.due(now)).toEqual([]);
    });
  });
}
