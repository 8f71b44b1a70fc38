import { describe, expect, it } from 'vitest';
import type { Metastore } from '../../src/metastore/index.js';

const code = (c: string) => expect.objectContaining({ code: c });
const SALES = ['silver', 'retail', 'sales'];

/** The quality repository's behaviour; runs inside the metastore contract on both databases. */
export function qualityContract(fixture: () => { store: Metastore }): void {
  describe('quality', () => {
    const run = (at: string, rowCount: number, metrics: Record<string, number>) => ({
      table: SALES,
      rulesetName: 'checks',
      snapshotId: '9007199254740993',
      evaluatedBy: 'ann',
      evaluatedAt: new Date(at),
      rowCount,
      score: 0.75,
      status: 'warning',
      rules: [{ rule: 'RowCount > 0', status: 'pass' }],
      metrics,
    });

    it('keeps rulesets by name per table, unique per table', async () => {
      const { quality } = fixture().store;
      const created = await quality.createRuleset({
        table: SALES,
        name: 'checks',
        ruleset: 'Rules = [ RowCount > 0 ]',
        description: 'daily',
        by: 'ann',
      });
      expect(created).toMatchObject({ table: SALES, name: 'checks', createdBy: 'ann' });
      expect(created.createdAt).toBeInstanceOf(Date);
      await expect(
        quality.createRuleset({
          table: SALES,
          name: 'checks',
          ruleset: 'x',
          description: null,
          by: 'bob',
        }),
      ).rejects.toThrow(code('QUALITY_RULESET_EXISTS'));
      await quality.createRuleset({
        table: ['silver', 'retail', 'other'],
        name: 'checks',
        ruleset: 'Rules = [ RowCount > 1 ]',
        description: null,
        by: 'bob',
      });
      await quality.createRuleset({
        table: SALES,
        name: 'a_first',
        ruleset: 'y',
        description: null,
        by: 'bob',
      });
      expect((await quality.listRulesets(SALES)).map((r) => r.name)).toEqual(['a_first', 'checks']);

      const updated = await quality.updateRuleset(SALES, 'checks', {
        ruleset: 'Rules = [ RowCount > 5 ]',
        by: 'bob',
      });
      expect(updated).toMatchObject({
        ruleset: 'Rules = [ RowCount > 5 ]',
        description: 'daily',
        updatedBy: 'bob',
      });
      expect(
        await quality.updateRuleset(SALES, 'nope', { ruleset: 'z', by: 'bob' }),
      ).toBeUndefined();
      expect(await quality.deleteRuleset(SALES, 'a_first')).toBe(true);
      expect(await quality.deleteRuleset(SALES, 'a_first')).toBe(false);
      expect(await quality.getRuleset(SALES, 'a_first')).toBeUndefined();
    });

    it('keeps evaluations newest first, with their metrics, and a metric history oldest first', async () => {
      const { quality } = fixture().store;
      await quality.addRun(run('2026-01-01T00:00:00Z', 10, { RowCount: 10 }));
      await quality.addRun(run('2026-01-03T00:00:00Z', 30, { RowCount: 30, 'null_rate.a': 0.5 }));
      await quality.addRun(run('2026-01-02T00:00:00Z', 20, { 'null_rate.a': 0.25 }));
      const runs = await quality.listRuns(SALES, 10);
      expect(runs.map((r) => r.rowCount)).toEqual([30, 20, 10]);
      expect(runs[0]).toMatchObject({
        snapshotId: '9007199254740993',
        score: 0.75,
        status: 'warning',
        rules: [{ rule: 'RowCount > 0', status: 'pass' }],
        metrics: { RowCount: 30, 'null_rate.a': 0.5 },
      });
      expect(runs[0]!.evaluatedAt.toISOString()).toBe('2026-01-03T00:00:00.000Z');
      expect(await quality.listRuns(SALES, 1)).toHaveLength(1);
      expect(await quality.metricHistory(SALES, 'RowCount', 10)).toEqual([10, 30]);
      expect(await quality.metricHistory(SALES, 'null_rate.a', 1)).toEqual([0.5]);
      expect(await quality.listRuns(['silver', 'retail', 'other'], 10)).toEqual([]);
    });

    it('rulesets and history follow a renamed table and go with a dropped one', async () => {
      const { store } = fixture();
      const from = ['gold', 'q', 't'];
      await store.quality.createRuleset({
        table: from,
        name: 'r',
        ruleset: 'x',
        description: null,
        by: 'ann',
      });
      await store.quality.addRun({ ...run('2026-01-01T00:00:00Z', 1, {}), table: from });
      await store.securablePaths.rename(['gold', 'q'], ['gold', 'q2']);
      expect(await store.quality.listRulesets(from)).toEqual([]);
      expect((await store.quality.listRulesets(['gold', 'q2', 't'])).map((r) => r.name)).toEqual([
        'r',
      ]);
      expect(await store.quality.listRuns(['gold', 'q2', 't'], 5)).toHaveLength(1);
      await store.securablePaths.forget(['gold', 'q2', 't']);
      expect(await store.quality.listRulesets(['gold', 'q2', 't'])).toEqual([]);
      expect(await store.quality.listRuns(['gold', 'q2', 't'], 5)).toEqual([]);
    });
  });
}
