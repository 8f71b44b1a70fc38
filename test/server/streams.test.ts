import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../src/governance/index.js';
import { hostStreams } from '../../src/server/stream-host.js';
import { expectErrorJson, startTempServer, type TempServer } from './temp-server.js';

describe('HTTP API: /api/v1/streams', () => {
  let server: TempServer;
  let app: FastifyInstance;
  let userToken: string;

  const call = (
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    payload?: string | object,
    headers: Record<string, string> = {},
    token?: string,
  ) =>
    app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${token ?? server.token}`, ...headers },
      ...(payload === undefined ? {} : { payload }),
    });
  const json = { 'content-type': 'application/json' };
  const ndjson = { 'content-type': 'application/x-ndjson' };

  beforeAll(async () => {
    // The broker of the stream that is refused pushes: nothing listens on port 9.
    server = await startTempServer(undefined, {
      streams: { allowedSources: ['kafka://127.0.0.1:9'] },
    });
    app = server.app;
    hostStreams(app, server.services, { pollMs: 200 });
    await app.ready();
    const admin: Caller = {
      principal: await server.services.auth.localAdmin(),
      context: { channel: 'cli' },
    };
    const user = await server.services.directory.createPrincipal(admin, {
      name: 'pat',
      kind: 'user',
    });
    userToken = (await server.services.auth.issueToken(user.id, 'test')).token;
    const created = await call('POST', '/streams', {
      name: 'orders',
      table: 'bronze.shop.orders',
      source: { kind: 'http' },
      batch: { maxIntervalMs: 100 },
    });
    expect(created.statusCode, created.body).toBe(201);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('says which option is wrong and how to fix it', async () => {
    const answer = await call('POST', '/streams', {
      name: 'clicks',
      table: 'bronze.web.clicks',
      source: { kind: 'kafka', brokers: ['localhost'], topic: 'clicks' },
    });
    const error = expectErrorJson(answer, 400, 'INVALID_STREAM_OPTION');
    expect(error.message).toContain('"localhost"');
    expect(error.hint).toContain('host:port');
    expectErrorJson(
      await call('POST', '/streams', { name: 'x', table: 'bronze.a.b' }),
      400,
      'INVALID_REQUEST',
    );
  });

  it('takes a JSON array, sets non-objects aside as dead letters, and shows it in the status', async () => {
    const answer = await call(
      'POST',
      '/streams/orders/records',
      '[{"id": 1, "total": 9.5},\n 7,\n {"id": 2, "total": 3}]',
      json,
    );
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json()).toEqual({
      accepted: 3,
      firstOffset: '1',
      lastOffset: '3',
      duplicate: false,
    });
    const one = await call('POST', '/streams/orders/records', '{"id": 3, "total": 1}', json);
    expect(one.json()).toMatchObject({ accepted: 1, firstOffset: '4', lastOffset: '4' });

    let status: Record<string, unknown> = {};
    for (let i = 0; i < 100 && status.committedRecords !== 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status =
        (await call('GET', '/streams/orders')).json<{ status: Record<string, unknown> }>().status ??
        {};
    }
    expect(status).toMatchObject({
      committedRecords: 3,
      deadLettered: 1,
      lag: 0,
      positions: { wal: '4' },
    });
    const rows = await call('POST', '/query', {
      sql: 'SELECT id, total FROM bronze.shop.orders ORDER BY id',
    });
    expect(rows.json<{ rows: unknown[][] }>().rows).toEqual([
      [1, 9.5],
      [2, 3],
      [3, 1],
    ]);
  });

  it('refuses a JSON body that does not parse, saying on which line', async () => {
    const array = await call(
      'POST',
      '/streams/orders/records',
      '[{"id": 5},\n{"id": 6},\n{"id" 7}]',
      json,
    );
    expect(expectErrorJson(array, 400, 'STREAM_BODY_NOT_JSON').message).toContain('line 3');
    expect(
      (
        await call('POST', '/streams/orders/records', 'id,total\n1,2', {
          'content-type': 'text/csv',
        })
      ).statusCode,
    ).toBe(415);
  });

  it('accepts an NDJSON body whole and sets a line that is not JSON aside with its bytes', async () => {
    const lines = await call(
      'POST',
      '/streams/orders/records',
      '{"id": 5, "total": 2}\n{"id": \n{"id": 6, "total": 4}\n',
      ndjson,
    );
    expect(lines.statusCode, lines.body).toBe(200);
    expect(lines.json()).toMatchObject({ accepted: 3, duplicate: false });
    const sql =
      "SELECT decode(raw), reason FROM bronze.shop.orders__dead_letter WHERE reason LIKE 'not JSON%'";
    let rows: unknown[][] = [];
    for (let i = 0; i < 100 && rows.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const answer = await call('POST', '/query', { sql });
      if (answer.statusCode === 200) rows = answer.json<{ rows: unknown[][] }>().rows;
    }
    expect(rows).toHaveLength(1);
    expect(rows[0]![0]).toBe('{"id":');
    // The dead letters are committed first, the table right after them.
    let kept: unknown[][] = [];
    for (let i = 0; i < 100 && kept.length < 2; i++) {
      const answer = await call('POST', '/query', {
        sql: 'SELECT id FROM bronze.shop.orders WHERE id IN (5, 6) ORDER BY id',
      });
      kept = answer.json<{ rows: unknown[][] }>().rows;
      if (kept.length < 2) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(kept).toEqual([[5], [6]]);
  });

  it('lets only callers with INSERT push, and hides streams from who may not see their table', async () => {
    expect((await call('GET', '/streams', undefined, {}, userToken)).json()).toEqual({
      streams: [],
    });
    expectErrorJson(
      await call('POST', '/streams/orders/records', '{"id": 9}', json, userToken),
      404,
      'STREAM_NOT_FOUND',
    );
    expectErrorJson(
      await call('POST', '/streams/nope/records', '{"id": 9}', json),
      404,
      'STREAM_NOT_FOUND',
    );
  });

  it('answers 429 with Retry-After when the log is full, and takes records again once committed', async () => {
    const created = await call('POST', '/streams', {
      name: 'tiny',
      table: 'bronze.shop.tiny',
      source: { kind: 'http' },
      logQuotaBytes: 64 * 1024,
    });
    expect(created.statusCode, created.body).toBe(201);
    await call('POST', '/streams/tiny/pause');
    const record = JSON.stringify({ id: 1, text: 'x'.repeat(1000) });
    let busy;
    for (let i = 0; i < 200; i++) {
      const answer = await call('POST', '/streams/tiny/records', record, json);
      if (answer.statusCode === 429) {
        busy = answer;
        break;
      }
      expect(answer.statusCode, answer.body).toBe(200);
    }
    expect(busy).toBeDefined();
    expectErrorJson(busy!, 429, 'STREAM_LOG_FULL');
    expect(Number(busy!.headers['retry-after'])).toBeGreaterThan(0);
    await call('POST', '/streams/tiny/resume');
    let again;
    for (let i = 0; i < 100; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      again = await call('POST', '/streams/tiny/records', record, json);
      if (again.statusCode === 200) break;
    }
    expect(again?.statusCode).toBe(200);
  });

  it('runs a stream as its creator, and stops it when the creator may no longer insert', async () => {
    const admin: Caller = {
      principal: await server.services.auth.localAdmin(),
      context: { channel: 'cli' },
    };
    const leads = { namespace: ['bronze', 'crm'], name: 'leads' };
    await server.services.governed.createNamespace(admin, ['bronze', 'crm']);
    await server.services.governed.createTable(admin, leads, {
      columns: [{ name: 'id', type: 'long' }],
    });
    const insert = {
      privileges: ['DESCRIBE', 'INSERT'] as const,
      securable: { kind: 'table' as const, path: ['bronze', 'crm', 'leads'] },
      grantee: { kind: 'principal' as const, name: 'pat' },
    };
    await server.services.policies.grant(admin, { ...insert, privileges: [...insert.privileges] });
    await server.services.policies.grant(admin, {
      privileges: ['USAGE'],
      securable: { kind: 'namespace', path: ['bronze', 'crm'] },
      grantee: insert.grantee,
    });
    const body = {
      name: 'leads',
      table: 'bronze.crm.leads',
      source: { kind: 'http' },
      batch: { maxIntervalMs: 100 },
    };
    const created = await call('POST', '/streams', body, {}, userToken);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ runAs: 'pat', state: 'running' });
    expect(
      (await call('POST', '/streams/leads/records', '{"id": 1}', json, userToken)).statusCode,
    ).toBe(200);

    await call('POST', '/streams/leads/pause', undefined, {}, userToken);
    await server.services.policies.revoke(admin, { ...insert, privileges: ['INSERT'] });
    expectErrorJson(
      await call('POST', '/streams/leads/records', '{"id": 2}', json, userToken),
      403,
      'PERMISSION_DENIED',
    );
    // Resumed by an admin, it still runs as pat, who may not insert any more: it fails, saying why.
    await call('POST', '/streams/leads/resume');
    const shown = (await call('GET', '/streams/leads')).json<{ state: string; error: string }>();
    expect(shown.state).toBe('failed');
    expect(shown.error).toMatch(/INSERT/);
  });

  it('refuses a stream whose broker lakeward.yaml does not allow, saying how to allow it', async () => {
    const refused = expectErrorJson(
      await call('POST', '/streams', {
        name: 'scan',
        table: 'bronze.web.scan',
        source: { kind: 'kafka', brokers: ['127.0.0.1:9', '10.20.30.40:22'], topic: 'clicks' },
      }),
      403,
      'STREAM_SOURCE_NOT_ALLOWED',
    );
    expect(refused.message).toContain('kafka://10.20.30.40:22');
    expect(refused.message).not.toContain('kafka://127.0.0.1:9,');
    expect(refused.message).toContain('allowed: kafka://127.0.0.1:9');
    expect(refused.hint).toContain(
      'streams: { allowedSources: ["kafka://127.0.0.1:9","kafka://10.20.30.40:22"] }',
    );
    expect((await call('GET', '/streams/scan')).statusCode).toBe(404);
    const admin: Caller = {
      principal: await server.services.auth.localAdmin(),
      context: { channel: 'cli' },
    };
    const events = await server.services.audit.query(admin, { action: 'stream.create' });
    expect(events.at(-1)).toMatchObject({
      decision: 'deny',
      resource: 'stream:scan',
      reason: 'STREAM_SOURCE_NOT_ALLOWED',
    });
  });

  it('refuses pushes to a stream that reads from a broker', async () => {
    await call('POST', '/streams', {
      name: 'clicks',
      table: 'bronze.web.clicks',
      source: { kind: 'kafka', brokers: ['127.0.0.1:9'], topic: 'clicks' },
    });
    expectErrorJson(
      await call('POST', '/streams/clicks/records', '{"id": 1}', json),
      400,
      'STREAM_NOT_HTTP',
    );
    expect((await call('DELETE', '/streams/clicks')).statusCode).toBe(204);
  });
});
