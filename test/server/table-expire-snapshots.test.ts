import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableIdent } from '../../src/catalog/index.js';
import type { Caller } from '../../src/governance/index.js';
import { scheduleSnapshotExpiry } from '../../src/server/table-snapshot-expiry.js';
import {
  appendEach,
  createRetailTable,
  daySelect,
  retailDays,
} from '../catalog/compaction/retail-appends.js';
import { expectErrorJson, startTempServer, type TempServer } from './temp-server.js';

const batch: TableIdent = { namespace: ['bronze', 'iot'], name: 'batch' };
const streamed: TableIdent = { namespace: ['bronze', 'iot'], name: 'streamed' };
const URL = '/api/v1/tables/bronze.iot.batch/expire-snapshots';

let server: TempServer;
let admin: Caller;

const snapshots = async (ident: TableIdent) =>
  (await server.services.catalog.loadTable(ident)).metadata.snapshots.length;

beforeAll(async () => {
  // As lakeward.yaml would set them: every snapshot is past its age; at least 10 stay.
  server = await startTempServer(undefined, {
    snapshotExpiry: { intervalMs: 100, maxSnapshotAgeMs: 0 },
  });
  const { services } = server;
  admin = { principal: await services.auth.localAdmin(), context: { channel: 'cli' } };
  await createRetailTable(services, admin, batch, { properties: { ingest_type: 'batch' } });
  await createRetailTable(services, admin, streamed, { properties: { ingest_type: 'streaming' } });
  for (const table of [batch, streamed]) {
    await appendEach(
      services,
      table,
      retailDays(14).map((d) => daySelect(d)),
    );
  }
}, 60_000);

afterAll(async () => {
  await server?.close();
});

const post = (payload: unknown, headers = server.auth, url = URL) =>
  server.app.inject({ method: 'POST', url, headers, payload: payload as object });

describe('POST /api/v1/tables/:table/expire-snapshots', () => {
  it('answers what would go on dryRun, and changes nothing', async () => {
    const response = await post({ olderThan: '0s', retainLast: 4, dryRun: true });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      table: 'bronze.iot.batch',
      dryRun: true,
      retainLast: 4,
      snapshotsRemoved: 10,
      snapshotsKept: 4,
      filesDeleted: { manifestLists: 10, manifests: 0, dataFiles: 0, deleteFiles: 0 },
    });
    expect(response.json().removedSnapshotIds).toHaveLength(10);
    expect(await snapshots(batch)).toBe(14);
  });

  it('expires, answering what was removed', async () => {
    const response = await post({ olderThan: '2000-01-01T00:00:00Z', retainLast: 4 });
    expect(response.json()).toMatchObject({ snapshotsRemoved: 0, snapshotsKept: 14 });
    const done = await post({ olderThan: '0s', retainLast: 4 });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ dryRun: false, snapshotsRemoved: 10, failures: [] });
    expect(await snapshots(batch)).toBe(4);
  });

  it('refuses bad input with a clear error', async () => {
    expectErrorJson(await post({ retainLast: -1 }), 400, 'INVALID_REQUEST');
    expectErrorJson(await post({ retainLast: 1.5 }), 400, 'INVALID_REQUEST');
    const duration = expectErrorJson(
      await post({ olderThan: 'a week' }),
      400,
      'INVALID_EXPIRY_OPTIONS',
    );
    expect(duration.message).toContain('a week');
    expect(duration.hint).toContain('7d');
    expectErrorJson(
      await post({}, server.auth, '/api/v1/tables/bronze.iot.nope/expire-snapshots'),
      404,
      'TABLE_NOT_FOUND',
    );
  });

  it('refuses a user without MODIFY on the table', async () => {
    const { services } = server;
    const user = await services.directory.createPrincipal(admin, { name: 'viewer', kind: 'user' });
    await services.policies.grant(admin, {
      privileges: ['USAGE'],
      securable: { kind: 'namespace', path: ['bronze', 'iot'] },
      grantee: { kind: 'principal', name: 'viewer' },
    });
    await services.policies.grant(admin, {
      privileges: ['SELECT'],
      securable: { kind: 'table', path: ['bronze', 'iot', 'batch'] },
      grantee: { kind: 'principal', name: 'viewer' },
    });
    const { token } = await services.auth.issueToken(user.id, 'test');
    const denied = await post({ olderThan: '0s' }, { authorization: `Bearer ${token}` });
    expect(denied.statusCode).toBe(403);
    expect(await snapshots(batch)).toBe(4);
  });
});

describe('background snapshot expiry', () => {
  it('expires streaming tables with the configured retention and leaves batch tables', async () => {
    const { services } = server;
    await appendEach(
      services,
      batch,
      retailDays(20)
        .slice(14)
        .map((d) => daySelect(d)),
    );
    // A server of its own: the API's instance is already started by inject.
    const app = Fastify({ logger: false });
    scheduleSnapshotExpiry(app, services.snapshotExpiry, services.config.snapshotExpiry);
    await app.ready();
    const deadline = Date.now() + 30_000;
    while ((await snapshots(streamed)) > 10 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await app.close();
    // Configured: at least 10 kept, whatever their age.
    expect(await snapshots(streamed)).toBe(10);
    expect(await snapshots(batch)).toBe(10);
    const events = await services.audit.query(admin, { action: 'table.expire-snapshots' });
    expect(
      events.some((e) => e.resource === 'table:bronze.iot.streamed' && e.decision === 'allow'),
    ).toBe(true);
  });
});
