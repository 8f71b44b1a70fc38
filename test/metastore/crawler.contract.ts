import { describe, expect, it } from 'vitest';
import type { CrawlerDefinitionRecord, Metastore } from '../../src/metastore/index.js';

const code = (c: string) => expect.objectContaining({ code: c });

const definition: CrawlerDefinitionRecord = {
  targets: ['file:///srv/landing'],
  exclude: ['**/*.tmp'],
  namespace: ['bronze', 'raw'],
  tablePrefix: 'bronze_',
  schedule: '0 3 * * *',
  schemaChangePolicy: 'update',
  deletionPolicy: 'deprecate',
  recrawl: 'all',
  description: null,
};

/** The crawler repository's behaviour; runs inside the metastore contract. */
export function crawlerContract(fixture: () => { store: Metastore }): void {
  describe('crawlers', () => {
    const create = (name = 'landing', nextRunAt: Date | null = new Date('2030-01-01T03:00:00Z')) =>
      fixture().store.crawlers.create({ ...definition, name, owner: 'erin', nextRunAt });

    it('creates, reads, updates, lists and deletes crawlers with unique names', async () => {
      const { crawlers } = fixture().store;
      const created = await create();
      expect(created).toMatchObject({
        ...definition,
        name: 'landing',
        owner: 'erin',
        runningRunId: null,
      });
      await expect(create()).rejects.toEqual(code('CRAWLER_ALREADY_EXISTS'));
      expect(await crawlers.get('landing')).toEqual(created);
      const updated = await crawlers.update('landing', {
        deletionPolicy: 'delete',
        nextRunAt: null,
      });
      expect(updated).toMatchObject({
        deletionPolicy: 'delete',
        nextRunAt: null,
        targets: definition.targets,
      });
      expect(await crawlers.get('landing')).toEqual(updated);
      await create('another');
      expect((await crawlers.list()).map((c) => c.name)).toEqual(['another', 'landing']);
      await expect(crawlers.update('nope', {})).rejects.toEqual(code('CRAWLER_NOT_FOUND'));
      expect(await crawlers.delete('landing')).toBe(true);
      expect(await crawlers.delete('landing')).toBe(false);
      expect(await crawlers.get('landing')).toBeUndefined();
    });

    it('starts one run at a time, records how it ended, and lists runs newest first', async () => {
      const { crawlers } = fixture().store;
      await create();
      const staleBefore = new Date(Date.now() - 3_600_000);
      const first = await crawlers.startRun('landing', {
        trigger: 'manual',
        runAs: 'erin',
        staleBefore,
      });
      expect(first).toMatchObject({
        status: 'running',
        trigger: 'manual',
        runAs: 'erin',
        endedAt: null,
      });
      expect(
        await crawlers.startRun('landing', { trigger: 'schedule', runAs: 'erin', staleBefore }),
      ).toBeUndefined();
      expect((await crawlers.get('landing'))!.runningRunId).toBe(first!.id);
      const report = { tables: [{ table: 'bronze.raw.x', action: 'added' }] };
      const done = await crawlers.finishRun(first!.id, {
        status: 'succeeded',
        error: null,
        report,
      });
      expect(done).toMatchObject({ status: 'succeeded', report });
      expect(done.endedAt).toBeInstanceOf(Date);
      const second = await crawlers.startRun('landing', {
        trigger: 'schedule',
        runAs: 'erin',
        staleBefore,
      });
      await crawlers.finishRun(second!.id, { status: 'failed', error: 'boom', report: null });
      const runs = await crawlers.listRuns('landing', 10);
      expect(runs.map((r) => [r.trigger, r.status, r.error])).toEqual([
        ['schedule', 'failed', 'boom'],
        ['manual', 'succeeded', null],
      ]);
      expect(await crawlers.listRuns('landing', 1)).toHaveLength(1);
    });

    it('takes over a run abandoned by a stopped process, marking it failed', async () => {
      const { crawlers } = fixture().store;
      await create();
      const old = await crawlers.startRun('landing', {
        trigger: 'manual',
        runAs: 'erin',
        staleBefore: new Date(0),
      });
      const next = await crawlers.startRun('landing', {
        trigger: 'manual',
        runAs: 'erin',
        staleBefore: new Date(Date.now() + 1000),
      });
      expect(next).toBeDefined();
      const runs = await crawlers.listRuns('landing', 10);
      expect(runs.find((r) => r.id === old!.id)).toMatchObject({
        status: 'failed',
        error: expect.stringContaining('abandoned'),
      });
    });

    it('finds due crawlers and lets one claimer move each due time', async () => {
      const { crawlers } = fixture().store;
      const due = new Date('2020-01-01T03:00:00Z');
      await create('due', due);
      await create('later', new Date('2999-01-01T00:00:00Z'));
      await create('manual', null);
      const now = new Date('2025-06-01T12:00:00Z');
      expect((await crawlers.due(now)).map((c) => c.name)).toEqual(['due']);
      const next = new Date('2025-06-02T03:00:00Z');
      expect(await crawlers.claimSchedule('due', due, next)).toBe(true);
      expect(await crawlers.claimSchedule('due', due, next)).toBe(false);
      expect((await crawlers.get('due'))!.nextRunAt).toEqual(next);
      expect(await crawlers.due(now)).toEqual([]);
    });

    it('remembers the folders it has seen, once each', async () => {
      const { crawlers } = fixture().store;
      await create();
      await crawlers.addSeenFolders('landing', ['t|a', 't|b']);
      await crawlers.addSeenFolders('landing', ['t|b', 't|c']);
      expect([...(await crawlers.seenFolders('landing'))].sort()).toEqual(['t|a', 't|b', 't|c']);
      await crawlers.delete('landing');
      await create();
      expect((await crawlers.seenFolders('landing')).size).toBe(0);
    });
  });
}
