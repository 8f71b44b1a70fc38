import { describe, expect, it } from 'vitest';
import type { LineageEdgeRecord, Metastore, NewLineageRun } from '../../src/metastore/index.js';

const code = (c: string) => expect.objectContaining({ code: c });

function run(runId: string, job: string, eventType: string, at: string): NewLineageRun {
  return {
    runId,
    jobNamespace: 'lakeward',
    job,
    jobVersion: 2,
    eventType,
    at,
    sql: 'SELECT 1',
    origin: 'lakeward',
    producer: null,
    error: null,
    recordedBy: 'etl',
  };
}

const edge = (source: string, target: string, columns?: [string, string]): LineageEdgeRecord => ({
  source,
  sourceColumn: columns?.[0] ?? null,
  target,
  targetColumn: columns?.[1] ?? null,
  transformation: columns === undefined ? null : 'identity',
});

/** The lineage repository's behaviour; runs inside the metastore contract on every backend. */
export function lineageContract(fixture: () => { store: Metastore }): void {
  describe('lineage', () => {
    it("keeps runs per job; the latest COMPLETE run's edges are the current ones", async () => {
      const { lineage } = fixture().store;
      await lineage.recordRun(run('r1', 'silver_sales', 'COMPLETE', '2026-01-01T00:00:00.000Z'), [
        edge('table:bronze.crm.sales', 'table:silver.crm.sales'),
        edge('table:bronze.crm.sales', 'table:silver.crm.sales', ['qty', 'quantity']),
      ]);
      await lineage.recordRun(run('r2', 'silver_sales', 'START', '2026-01-02T00:00:00.000Z'));
      // A run that started but failed does not replace the current edges.
      await lineage.recordRun(
        { ...run('r2', 'silver_sales', 'FAIL', '2026-01-02T00:01:00.000Z'), error: 'boom' },
        [edge('table:bronze.crm.other', 'table:silver.crm.sales')],
      );
      expect(
        (await lineage.currentEdges()).map((e) => [e.runId, e.source, e.targetColumn]),
      ).toEqual(
        expect.arrayContaining([
          ['r1', 'table:bronze.crm.sales', null],
          ['r1', 'table:bronze.crm.sales', 'quantity'],
        ]),
      );
      expect(await lineage.currentEdges()).toHaveLength(2);

      await lineage.recordRun(run('r3', 'silver_sales', 'COMPLETE', '2026-01-03T00:00:00.000Z'), [
        edge('table:bronze.crm.sales_v2', 'table:silver.crm.sales'),
      ]);
      const current = await lineage.currentEdges();
      expect(current).toEqual([
        {
          runId: 'r3',
          jobNamespace: 'lakeward',
          job: 'silver_sales',
          jobVersion: 2,
          source: 'table:bronze.crm.sales_v2',
          sourceColumn: null,
          target: 'table:silver.crm.sales',
          targetColumn: null,
          transformation: null,
        },
      ]);
      const history = await lineage.runs('lakeward', 'silver_sales', 10);
      expect(history.map((r) => [r.runId, r.eventType, r.error])).toEqual([
        ['r3', 'COMPLETE', null],
        ['r2', 'FAIL', 'boom'],
        ['r1', 'COMPLETE', null],
      ]);
      expect(history[0]?.at).toBeInstanceOf(Date);
      expect(await lineage.runs('lakeward', 'silver_sales', 1)).toHaveLength(1);
    });

    it('renames edge ends in one go, sources and targets alike, history included', async () => {
      const { lineage } = fixture().store;
      await lineage.recordRun(run('r1', 'silver_sales', 'COMPLETE', '2026-01-01T00:00:00.000Z'), [
        edge('table:bronze.crm.sales', 'table:silver.crm.sales', ['qty', 'quantity']),
        edge('table:silver.crm.sales', 'table:gold.crm.daily'),
      ]);
      const moved = await lineage.renameNodes((id) =>
        id === 'table:silver.crm.sales' ? 'table:silver.crm.orders' : undefined,
      );
      expect(moved).toBe(2);
      expect(
        (await lineage.currentEdges()).map((e) => `${e.source}.${e.sourceColumn} > ${e.target}`),
      ).toEqual(
        expect.arrayContaining([
          'table:bronze.crm.sales.qty > table:silver.crm.orders',
          'table:silver.crm.orders.null > table:gold.crm.daily',
        ]),
      );
      expect(await lineage.renameNodes(() => undefined)).toBe(0);
    });

    it('lists, refuses twice and removes the models of a table; they follow renames and drops', async () => {
      const { store } = fixture();
      const path = ['gold', 'revenue', 'customer_ltv'];
      const added = await store.lineage.addModel({
        tablePath: path,
        modelId: 'churn_v3',
        owner: 'data_science',
        description: 'Churn',
        url: null,
        addedBy: 'alice',
      });
      expect(added).toMatchObject({ tablePath: path, modelId: 'churn_v3', owner: 'data_science' });
      await store.lineage.addModel({ ...added, modelId: 'ltv_forecast' });
      await expect(store.lineage.addModel({ ...added })).rejects.toEqual(
        code('LINEAGE_MODEL_EXISTS'),
      );
      expect((await store.lineage.modelsOf(path)).map((m) => m.modelId)).toEqual([
        'churn_v3',
        'ltv_forecast',
      ]);

      await store.securablePaths.rename(path, ['gold', 'revenue', 'ltv']);
      expect(await store.lineage.modelsOf(path)).toEqual([]);
      expect((await store.lineage.allModels()).map((m) => m.tablePath.join('.'))).toEqual([
        'gold.revenue.ltv',
        'gold.revenue.ltv',
      ]);
      expect(await store.lineage.removeModel(['gold', 'revenue', 'ltv'], 'churn_v3')).toBe(true);
      expect(await store.lineage.removeModel(['gold', 'revenue', 'ltv'], 'churn_v3')).toBe(false);
      await store.securablePaths.forget(['gold', 'revenue']);
      expect(await store.lineage.allModels()).toEqual([]);
    });
  });
}
