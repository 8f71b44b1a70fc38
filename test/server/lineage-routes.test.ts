import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../src/governance/index.js';
import { RUN_EVENT_SCHEMA } from '../../src/lineage/index.js';
import type { GovernedHome } from '../catalog/governed-home.js';
import { createChain, recordChain } from '../lineage/medallion-chain.js';
import { expectErrorJson, startTempServer } from './temp-server.js';
import type { TempServer } from './temp-server.js';

describe('lineage API', () => {
  let server: TempServer;

  beforeAll(async () => {
    server = await startTempServer();
    const admin: Caller = {
      principal: await server.services.auth.localAdmin(),
      context: { channel: 'internal' },
    };
    await createChain({ services: server.services, admin } as GovernedHome);
    await recordChain(server.services.lineage, admin);
  });

  afterAll(async () => {
    await server?.close();
  });

  const get = (url: string) => server.app.inject({ method: 'GET', url, headers: server.auth });
  const post = (url: string, payload: unknown) =>
    server.app.inject({ method: 'POST', url, headers: server.auth, payload: payload as object });

  it('returns the upstream graph of a column', async () => {
    const response = await get(
      '/api/v1/lineage?table=gold.revenue.daily&direction=upstream&depth=2&column=revenue',
    );
    expect(response.statusCode).toBe(200);
    const graph = response.json<{
      edges: { from: string; fromColumn: string; toColumn: string; transformation: string }[];
    }>();
    expect(
      graph.edges.map((e) => `${e.from}.${e.fromColumn}->${e.toColumn} ${e.transformation}`).sort(),
    ).toEqual([
      'table:bronze.crm.sales.price->price identity',
      'table:bronze.crm.sales.quantity->quantity identity',
      'table:silver.crm.sales.price->revenue aggregate',
      'table:silver.crm.sales.quantity->revenue aggregate',
    ]);
    expectErrorJson(
      await get('/api/v1/lineage?table=gold.revenue.daily&direction=sideways'),
      400,
      'INVALID_REQUEST',
    );
    expectErrorJson(await get('/api/v1/lineage?table=gold.revenue.nope'), 404, 'TABLE_NOT_FOUND');
  });

  it('adds a model, shows it in impact analysis, lists and removes it', async () => {
    const added = await post('/api/v1/lineage/models', {
      table: 'gold.revenue.customer_ltv',
      modelId: 'churn_v3',
      owner: 'data_science',
    });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({
      table: 'gold.revenue.customer_ltv',
      modelId: 'churn_v3',
      addedBy: 'admin',
    });
    expectErrorJson(
      await post('/api/v1/lineage/models', {
        table: 'gold.revenue.customer_ltv',
        modelId: 'churn_v3',
        owner: 'x',
      }),
      409,
      'LINEAGE_MODEL_EXISTS',
    );

    const impact = await get('/api/v1/lineage/impact?table=bronze.crm.customer_data&column=region');
    expect(impact.statusCode).toBe(200);
    expect(impact.json()).toMatchObject({
      tables: [{ name: 'gold.revenue.customer_ltv', depth: 1, columns: ['region'] }],
      jobs: [{ name: 'lakeward/gold_ltv', version: 1 }],
      consumers: [
        {
          kind: 'model',
          modelId: 'churn_v3',
          owner: 'data_science',
          table: 'gold.revenue.customer_ltv',
        },
      ],
    });

    const listed = await get('/api/v1/lineage/models?table=gold.revenue.customer_ltv');
    expect(listed.json<{ models: { modelId: string }[] }>().models.map((m) => m.modelId)).toEqual([
      'churn_v3',
    ]);
    const removed = await server.app.inject({
      method: 'DELETE',
      url: '/api/v1/lineage/models/churn_v3?table=gold.revenue.customer_ltv',
      headers: server.auth,
    });
    expect(removed.statusCode).toBe(204);
  });

  it('accepts OpenLineage events from other tools and refuses invalid ones', async () => {
    const runId = randomUUID();
    const accepted = await post('/api/v1/lineage', {
      eventType: 'COMPLETE',
      eventTime: new Date().toISOString(),
      run: { runId },
      job: { namespace: 'airflow', name: 'export_daily' },
      inputs: [{ namespace: 'lakeward', name: 'gold.revenue.daily' }],
      outputs: [{ namespace: 'bigquery', name: 'reporting.daily' }],
      producer: 'https://github.com/apache/airflow',
      schemaURL: RUN_EVENT_SCHEMA,
    });
    expect(accepted.statusCode).toBe(201);
    expect(accepted.json()).toMatchObject({ runId, job: 'airflow/export_daily' });
    const downstream = await get('/api/v1/lineage?table=gold.revenue.daily&direction=downstream');
    expect(downstream.json<{ nodes: { id: string }[] }>().nodes.map((n) => n.id)).toContain(
      'dataset:bigquery/reporting.daily',
    );
    const runs = await get('/api/v1/lineage/runs?job=airflow/export_daily');
    expect(runs.json()).toMatchObject({
      runs: [{ runId, eventType: 'COMPLETE', origin: 'openlineage' }],
    });

    const refused = await post('/api/v1/lineage', { eventType: 'COMPLETE', run: { runId } });
    expect(expectErrorJson(refused, 400, 'INVALID_OPENLINEAGE_EVENT').message).toContain(
      'eventTime',
    );
  });

  it('declares a gold table for AI', async () => {
    const declared = await post('/api/v1/lineage/gold', {
      table: 'gold.revenue.customer_ltv',
      featureStore: {
        reference: 'feast://customers',
        entityKeys: ['customer_id'],
        eventTimeColumn: 'last_day',
      },
    });
    expect(declared.statusCode).toBe(200);
    expect(declared.json()).toMatchObject({
      table: 'gold.revenue.customer_ltv',
      properties: {
        feature_store: 'feast://customers',
        'feature_store.entity_keys': 'customer_id',
      },
    });
  });
});
