import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessGate, parseTableName } from '../../src/catalog/index.js';
import type { Caller } from '../../src/governance/index.js';
import {
  Lineage,
  OpenLineageEmitter,
  PRODUCER,
  RUN_EVENT_SCHEMA,
} from '../../src/lineage/index.js';
import type { OpenLineageRunEvent } from '../../src/lineage/index.js';
import { governedHome } from '../catalog/governed-home.js';
import type { GovernedHome } from '../catalog/governed-home.js';
import { chainRun, createChain, recordChain } from './medallion-chain.js';

const code = (c: string) => expect.objectContaining({ code: c });

/** An OpenLineage endpoint: keeps what it receives; answers 500 to the first `failFirst` posts. */
async function endpoint(
  failFirst = 0,
): Promise<{ url: string; events: OpenLineageRunEvent[]; posts: number; server: Server }> {
  const state = { events: [] as OpenLineageRunEvent[], posts: 0 };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      state.posts++;
      if (state.posts <= failFirst) {
        res.writeHead(500).end();
        return;
      }
      expect(req.headers['content-type']).toBe('application/json');
      expect(req.url).toBe('/api/v1/lineage');
      state.events.push(JSON.parse(body) as OpenLineageRunEvent);
      res.writeHead(201).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/v1/lineage`,
    server,
    events: state.events,
    get posts() {
      return state.posts;
    },
  };
}

/** The RunEvent fields the spec requires, and the facets' own required fields. */
function expectSpecShape(event: OpenLineageRunEvent): void {
  expect(['START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER']).toContain(event.eventType);
  expect(Number.isNaN(Date.parse(event.eventTime))).toBe(false);
  expect(event.run.runId).toMatch(/^[0-9a-f-]{36}$/);
  expect(event.job).toMatchObject({ namespace: 'lakeward', name: expect.any(String) });
  expect(event.producer).toBe(PRODUCER);
  expect(event.schemaURL).toBe(RUN_EVENT_SCHEMA);
  const facets = [
    ...Object.values(event.run.facets ?? {}),
    ...Object.values(event.job.facets ?? {}),
    ...[...(event.inputs ?? []), ...(event.outputs ?? [])].flatMap((d) =>
      Object.values(d.facets ?? {}),
    ),
  ];
  for (const facet of facets) {
    expect(facet).toMatchObject({
      _producer: PRODUCER,
      _schemaURL: expect.stringMatching(/^https:\/\/openlineage\.io\/spec\/facets\//),
    });
  }
}

describe('OpenLineage', () => {
  let home: GovernedHome;
  let spark: Caller;
  let alice: Caller;

  const lineageWith = (options: { url?: string; file?: string; retries?: number }) =>
    new Lineage({
      catalog: home.services.catalog,
      gate: new AccessGate(home.services.authorizer, home.services.audit),
      repository: home.services.metastore.lineage,
      emitter: new OpenLineageEmitter({
        retries: 2,
        timeoutMs: 2000,
        onFailure: () => undefined,
        ...options,
      }),
      namespace: 'lakeward',
      keyOf: (uri) => home.services.store.keyOf(uri),
    });

  beforeAll(async () => {
    home = await governedHome();
    await createChain(home);
    await recordChain(home.services.lineage, home.admin);
    const created = await home.services.directory.createPrincipal(home.admin, {
      name: 'spark',
      kind: 'service',
    });
    const { token } = await home.services.auth.issueToken(created.id, 'test');
    spark = {
      principal: await home.services.auth.authenticate(token),
      context: { channel: 'api' },
    };
    alice = await home.user('alice');
    // Spark reads the silver table, so it may say it did.
    await home.grant(['SELECT'], { kind: 'table', path: ['silver', 'crm', 'sales'] }, spark);
  });

  afterAll(async () => {
    await home?.close();
  });

  it('posts START and COMPLETE events with schema, column lineage and quality facets, retrying a failing endpoint', async () => {
    const server = await endpoint(1);
    try {
      const lineage = lineageWith({ url: server.url });
      const start = chainRun('gold_daily', 'START');
      await lineage.recordRun(home.admin, start);
      await lineage.recordRun(home.admin, {
        ...start,
        eventType: 'COMPLETE',
        quality: {
          score: 0.5,
          status: 'warn',
          rules: [
            { rule: 'IsComplete "country"', status: 'pass' },
            { rule: 'ColumnValues "revenue" > 0', status: 'fail' },
          ],
        },
      });
      expect(server.posts).toBe(3);
      expect(server.events.map((e) => e.eventType)).toEqual(['START', 'COMPLETE']);
      for (const event of server.events) expectSpecShape(event);
      const complete = server.events[1] as OpenLineageRunEvent;
      expect(complete.run.runId).toBe(start.runId);
      expect(complete.job.facets?.sql).toMatchObject({ query: start.sql });
      expect(complete.job.facets?.jobType).toMatchObject({
        processingType: 'BATCH',
        jobType: 'QUERY',
      });
      expect(complete.inputs).toEqual([
        expect.objectContaining({ namespace: 'lakeward', name: 'silver.crm.sales' }),
      ]);
      const output = complete.outputs?.[0];
      expect(output).toMatchObject({ namespace: 'lakeward', name: 'gold.revenue.daily' });
      expect(output?.facets?.schema).toMatchObject({
        fields: [
          { name: 'country', type: 'string' },
          { name: 'day', type: 'date' },
          { name: 'revenue', type: 'double' },
        ],
      });
      const fields = (
        output?.facets?.columnLineage as { fields: Record<string, { inputFields: unknown[] }> }
      ).fields;
      expect(fields.revenue?.inputFields).toEqual([
        {
          namespace: 'lakeward',
          name: 'silver.crm.sales',
          field: 'price',
          transformations: [
            { type: 'DIRECT', subtype: 'AGGREGATION', description: '', masking: false },
          ],
        },
        expect.objectContaining({ field: 'quantity' }),
      ]);
      expect(fields.country?.inputFields).toEqual([
        expect.objectContaining({
          field: 'country',
          transformations: [expect.objectContaining({ subtype: 'IDENTITY' })],
        }),
      ]);
      expect(output?.facets?.dataQualityAssertions).toMatchObject({
        assertions: [
          { assertion: 'IsComplete "country"', success: true },
          { assertion: 'ColumnValues "revenue" > 0', success: false },
        ],
      });
    } finally {
      server.server.close();
    }
  });

  it('never fails a job when the endpoint is down, and appends NDJSON to a file', async () => {
    const down = await endpoint();
    down.server.close();
    const file = path.join(home.dir, 'lineage', 'events.ndjson');
    const failures: unknown[] = [];
    const lineage = new Lineage({
      catalog: home.services.catalog,
      gate: new AccessGate(home.services.authorizer, home.services.audit),
      repository: home.services.metastore.lineage,
      emitter: new OpenLineageEmitter({
        url: down.url,
        file,
        retries: 1,
        timeoutMs: 500,
        onFailure: (err) => failures.push(err),
      }),
      namespace: 'lakeward',
      keyOf: () => undefined,
    });
    const run = chainRun('silver_sales', 'FAIL', { error: 'Rule IsComplete failed' });
    await expect(lineage.recordRun(home.admin, run)).resolves.toBeUndefined();
    expect(failures).toHaveLength(1);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    const event = JSON.parse(lines[0] ?? '') as OpenLineageRunEvent;
    expectSpecShape(event);
    expect(event).toMatchObject({
      eventType: 'FAIL',
      run: { runId: run.runId, facets: { errorMessage: { message: 'Rule IsComplete failed' } } },
    });
  });

  it('merges a Spark event into the graph, linking datasets named in our namespace or by location', async () => {
    const silver = await home.services.catalog.describeTable(parseTableName('silver.crm.sales'));
    const url = new URL(silver.location);
    const event = {
      eventType: 'COMPLETE',
      eventTime: new Date().toISOString(),
      run: { runId: randomUUID() },
      job: { namespace: 'spark-prod', name: 'customer_features' },
      inputs: [{ namespace: `${url.protocol}//`, name: url.pathname }],
      outputs: [
        {
          namespace: 's3://features',
          name: 'customer_features',
          facets: {
            columnLineage: {
              _producer: 'https://github.com/OpenLineage/OpenLineage/tree/1.9.0/integration/spark',
              _schemaURL: 'https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json',
              fields: {
                spend: {
                  inputFields: [
                    {
                      namespace: 'lakeward',
                      name: 'silver.crm.sales',
                      field: 'price',
                      transformations: [{ type: 'DIRECT', subtype: 'AGGREGATION' }],
                    },
                  ],
                },
              },
            },
          },
        },
      ],
      producer: 'https://github.com/OpenLineage/OpenLineage/tree/1.9.0/integration/spark',
      schemaURL: RUN_EVENT_SCHEMA,
    };
    const imported = await home.services.lineage.importEvent(spark, event);
    expect(imported.datasets).toEqual(
      expect.arrayContaining([
        { namespace: `${url.protocol}//`, name: url.pathname, table: 'silver.crm.sales' },
        { namespace: 's3://features', name: 'customer_features', table: null },
        { namespace: 'lakeward', name: 'silver.crm.sales', table: 'silver.crm.sales' },
      ]),
    );
    const graph = await home.services.lineage.graph(home.admin, {
      table: 'silver.crm.sales',
      direction: 'downstream',
      depth: 1,
    });
    expect(graph.nodes).toContainEqual(
      expect.objectContaining({ id: 'job:spark-prod/customer_features', kind: 'job' }),
    );
    expect(graph.nodes).toContainEqual(
      expect.objectContaining({ id: 'dataset:s3://features/customer_features', kind: 'dataset' }),
    );

    const impact = await home.services.lineage.impact(home.admin, 'bronze.crm.sales', 'price');
    expect(impact.consumers).toContainEqual({
      kind: 'dataset',
      name: 's3://features/customer_features',
    });
    expect(impact.jobs.map((j) => j.name)).toContain('spark-prod/customer_features');
  });

  it('refuses invalid events with the field at fault', async () => {
    const base = {
      eventType: 'START',
      eventTime: new Date().toISOString(),
      run: { runId: randomUUID() },
      job: { namespace: 'airflow', name: 'dag.task' },
      producer: 'https://airflow.apache.org',
      schemaURL: RUN_EVENT_SCHEMA,
    };
    const refused = async (event: unknown, field: string) => {
      const err = await home.services.lineage.importEvent(spark, event).catch((e: unknown) => e);
      expect(err).toEqual(code('INVALID_OPENLINEAGE_EVENT'));
      expect((err as { details: { field: string } }).details.field).toBe(field);
    };
    await refused({ ...base, run: {} }, 'run.runId');
    await refused({ ...base, run: { runId: 'not-a-uuid' } }, 'run.runId');
    await refused({ ...base, eventTime: 'yesterday' }, 'eventTime');
    await refused({ ...base, eventType: 'DONE' }, 'eventType');
    await refused({ ...base, job: { namespace: 'airflow' } }, 'job.name');
    await refused({ ...base, outputs: [{ name: 'x' }] }, 'outputs[0].namespace');
    await refused({ ...base, producer: undefined }, 'producer');
  });

  it('lets a caller report only what it may read and write', async () => {
    const event = (outputs: unknown[]) => ({
      eventType: 'COMPLETE',
      eventTime: new Date().toISOString(),
      run: { runId: randomUUID() },
      job: { namespace: 'dbt', name: 'model.x' },
      inputs: [{ namespace: 'postgres://crm:5432', name: 'public.orders' }],
      outputs,
      producer: 'https://github.com/dbt-labs/dbt-core',
      schemaURL: RUN_EVENT_SCHEMA,
    });
    // Alice may not write the gold table, nor even see it: refused as if it did not exist.
    await expect(
      home.services.lineage.importEvent(
        alice,
        event([{ namespace: 'lakeward', name: 'gold.revenue.daily' }]),
      ),
    ).rejects.toEqual(code('TABLE_NOT_FOUND'));
    await expect(
      home.services.lineage.importEvent(
        alice,
        event([{ namespace: 'snowflake://acme', name: 'db.orders' }]),
      ),
    ).rejects.toEqual(code('LINEAGE_IMPORT_NOT_ALLOWED'));
    await expect(
      home.services.lineage.importEvent(
        spark,
        event([{ namespace: 'lakeward', name: 'gold.revenue.nope' }]),
      ),
    ).rejects.toEqual(code('TABLE_NOT_FOUND'));
    await home.grant(['MODIFY'], { kind: 'table', path: ['gold', 'revenue', 'daily'] }, alice);
    await expect(
      home.services.lineage.importEvent(
        alice,
        event([{ namespace: 'lakeward', name: 'gold.revenue.daily' }]),
      ),
    ).resolves.toMatchObject({ job: 'dbt/model.x', eventType: 'COMPLETE' });
    const upstream = await home.services.lineage.graph(home.admin, {
      table: 'gold.revenue.daily',
      direction: 'upstream',
      depth: 1,
    });
    expect(upstream.nodes).toContainEqual(
      expect.objectContaining({ id: 'dataset:postgres://crm:5432/public.orders' }),
    );
  });
});
