import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableIdent } from '../../src/catalog/index.js';
import type { Caller } from '../../src/governance/index.js';
import { scheduleTableCompaction } from '../../src/server/table-compaction.js';
import {
  appendEach,
  createRetailTable,
  daySelect,
  liveFiles,
  retailDays,
} from '../catalog/compaction/retail-appends.js';
import { startTempServer, type TempServer } from './temp-server.js';

const streamed: TableIdent = { namespace: ['bronze', 'iot'], name: 'streamed' };
const optedOut: TableIdent = { namespace: ['bronze', 'iot'], name: 'opted_out' };
const batch: TableIdent = { namespace: ['bronze', 'iot'], name: 'batch' };
const days = retailDays(10);

let server: TempServer;
let admin: Caller;

beforeAll(async () => {
  server = await startTempServer((config) => ({
    ...config,
    compaction: { ...config.compaction, minFiles: 5, intervalMs: 100 },
  }));
  const { services } = server;
  admin = { principal: await services.auth.localAdmin(), context: { channel: 'cli' } };
  await createRetailTable(services, admin, streamed, { properties: { ingest_type: 'streaming' } });
  await createRetailTable(services, admin, optedOut, {
    properties: { ingest_type: 'streaming', 'compaction.enabled': 'false' },
  });
  await createRetailTable(services, admin, batch, { properties: { ingest_type: 'batch' } });
  for (const table of [streamed, optedOut, batch]) {
    await appendEach(
      services,
      table,
      days.map((d) => daySelect(d)),
    );
  }
}, 60_000);

afterAll(async () => {
  await server?.close();
});

describe('POST /api/v1/tables/:table/compact', () => {
  it('reports the plan on dryRun and changes nothing', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/v1/tables/bronze.iot.batch/compact',
      headers: server.auth,
      payload: { dryRun: true, minFiles: 5 },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ dryRun: true, filesIn: 10, snapshotId: null });
    expect(await liveFiles(server.services, batch)).toHaveLength(10);
  });

  it('refuses options out of range and unknown tables', async () => {
    const bad = await server.app.inject({
      method: 'POST',
      url: '/api/v1/tables/bronze.iot.batch/compact',
      headers: server.auth,
      payload: { minFiles: 1 },
    });
    expect(bad.statusCode).toBe(400);
    const missing = await server.app.inject({
      method: 'POST',
      url: '/api/v1/tables/bronze.iot.nope/compact',
      headers: server.auth,
    });
    expect(missing.statusCode).toBe(404);
  });
});

describe('background compaction', () => {
  it('compacts streaming tables, and leaves opted-out and batch tables alone', async () => {
    const { services } = server;
    // A server of its own: the API's instance is already started by inject.
    const app = Fastify({ logger: false });
    scheduleTableCompaction(app, services.compaction, services.config.compaction);
    await app.ready();
    const deadline = Date.now() + 30_000;
    while ((await liveFiles(services, streamed)).length > 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await liveFiles(services, streamed)).toHaveLength(1);
    expect(await liveFiles(services, optedOut)).toHaveLength(10);
    expect(await liveFiles(services, batch)).toHaveLength(10);
    const events = await services.audit.query(admin, { action: 'table.compact' });
    expect(
      events.some((e) => e.resource === 'table:bronze.iot.streamed' && e.decision === 'allow'),
    ).toBe(true);
  });
});
