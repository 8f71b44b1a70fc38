import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectErrorJson, startTempServer, type TempServer } from './temp-server.js';

interface Event {
  seq: number;
  action: string;
  decision: string;
  status: number | null;
  principal: { name: string } | null;
  userAgent: string | null;
  sourceAddress: string | null;
}

let server: TempServer;
let aliceToken: string;

function call(method: 'GET' | 'POST', url: string, payload?: object, token = server.token) {
  return server.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { authorization: `Bearer ${token}`, 'user-agent': 'governance-test' },
    ...(payload ? { payload } : {}),
  });
}

/** The hook records after the answer is sent; give it a moment before reading the log. */
async function events(query: Record<string, string>): Promise<Event[]> {
  await new Promise((resolve) => setTimeout(resolve, 50));
  const response = await call('GET', `/audit?${new URLSearchParams(query).toString()}`);
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { events: Event[] }).events;
}

beforeAll(async () => {
  server = await startTempServer();
  await call('POST', '/principals', { name: 'alice' });
  aliceToken = (
    (await call('POST', '/tokens', { name: 't', principal: 'alice' })).json() as {
      token: string;
    }
  ).token;
  await call('POST', '/namespaces', { name: 'bronze.crm' });
  await call('POST', '/tables', {
    name: 'bronze.crm.customers',
    columns: [
      { name: 'id', type: 'long', required: true },
      { name: 'region', type: 'string' },
      { name: 'ssn', type: 'string' },
    ],
  });
});

afterAll(async () => {
  await server?.close();
});

describe('every API call is audited', () => {
  it('records allowed, refused and unauthenticated calls by route pattern', async () => {
    await call('GET', '/namespaces/bronze.crm');
    await server.app.inject({
      method: 'GET',
      url: '/api/v1/namespaces',
      headers: { 'user-agent': 'no-token-client' },
    });
    await call('POST', '/principals', { name: 'mallory' }, aliceToken);
    await server.app.inject({ method: 'GET', url: '/healthz' });

    const described = await events({ action: 'http GET /api/v1/namespaces/:namespace' });
    expect(described.at(-1)).toMatchObject({
      decision: 'allow',
      status: 200,
      principal: { name: 'admin' },
      userAgent: 'governance-test',
    });
    const anonymous = (await events({ action: 'http GET /api/v1/namespaces' })).at(-1);
    expect(anonymous).toMatchObject({
      decision: 'deny',
      status: 401,
      principal: null,
      userAgent: 'no-token-client',
    });
    expect(anonymous?.sourceAddress).toBe('127.0.0.1');
    expect((await events({ principal: 'alice', decision: 'deny' })).map((e) => e.action)).toContain(
      'http POST /api/v1/principals',
    );
    expect(await events({ action: 'http GET /healthz' })).toEqual([]);
  });

  it('filters by time and limit', async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await events({ since: future })).toEqual([]);
    expect(await events({ limit: '2' })).toHaveLength(2);
    expectErrorJson(await call('GET', '/audit?since=yesterday'), 400, 'INVALID_REQUEST');
    expectErrorJson(await call('GET', '/audit?decision=maybe'), 400, 'INVALID_REQUEST');
  });
});

describe('reading the audit log', () => {
  it('exports NDJSON, one event per line in sequence order', async () => {
    const response = await call('GET', '/audit/export?limit=5');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toContain('application/x-ndjson');
    const lines = response.body.trim().split('\n');
    expect(lines).toHaveLength(5);
    const seqs = lines.map((line) => (JSON.parse(line) as Event).seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('verifies the chain', async () => {
    const response = await call('POST', '/audit/verify');
    expect(response.statusCode, response.body).toBe(200);
    const result = response.json() as { ok: boolean; checked: number };
    expect(result.ok).toBe(true);
    expect(result.checked).toBeGreaterThan(5);
  });

  it('needs READ_AUDIT, and reading is audited', async () => {
    expect((await call('GET', '/audit', undefined, aliceToken)).statusCode).toBe(403);
    expect((await call('GET', '/audit/export', undefined, aliceToken)).statusCode).toBe(403);
    expect((await call('POST', '/audit/verify', undefined, aliceToken)).statusCode).toBe(403);
    const granted = await call('POST', '/grants', {
      privileges: ['READ_AUDIT'],
      securable: { kind: 'catalog', name: '' },
      grantee: { kind: 'user', name: 'alice' },
    });
    expect(granted.statusCode, granted.body).toBe(200);
    const read = await call('GET', '/audit?limit=1', undefined, aliceToken);
    expect(read.statusCode, read.body).toBe(200);
    expect((await call('POST', '/audit/verify', undefined, aliceToken)).statusCode).toBe(200);
    const byAlice = await events({ principal: 'alice', decision: 'allow' });
    expect(byAlice.map((e) => e.action)).toEqual(
      expect.arrayContaining(['http GET /api/v1/audit', 'http POST /api/v1/audit/verify']),
    );
  });
});

describe('access explain', () => {
  it('explains your own access, with the filter and mask that apply', async () => {
    const admin = (body: object, url: string) => call('POST', url, body);
    for (const ns of ['bronze', 'bronze.crm']) {
      await admin(
        {
          privileges: ['USAGE'],
          securable: { kind: 'namespace', name: ns },
          grantee: { kind: 'user', name: 'alice' },
        },
        '/grants',
      );
    }
    // No SELECT on the whole table: the filter is what lets alice read, and only its rows.
    await admin(
      {
        privileges: ['DESCRIBE'],
        securable: { kind: 'table', name: 'bronze.crm.customers' },
        grantee: { kind: 'user', name: 'alice' },
      },
      '/grants',
    );
    const filter = await admin(
      {
        name: 'us_only',
        table: 'bronze.crm.customers',
        rowPredicate: "region = 'US'",
        grantees: [{ kind: 'user', name: 'alice' }],
      },
      '/data-filters',
    );
    expect(filter.statusCode, filter.body).toBe(201);
    const mask = await server.app.inject({
      method: 'PUT',
      url: '/api/v1/column-masks',
      headers: { authorization: `Bearer ${server.token}` },
      payload: { table: 'bronze.crm.customers', column: 'ssn', function: 'MASK' },
    });
    expect(mask.statusCode, mask.body).toBe(200);

    const response = await call(
      'GET',
      '/access/explain?securable=table:bronze.crm.customers',
      undefined,
      aliceToken,
    );
    expect(response.statusCode, response.body).toBe(200);
    const explained = response.json() as {
      principal: string;
      privileges: { privilege: string; allowed: boolean; sources: { description: string }[] }[];
      read: { allowed: boolean; rowFilter: string; masks: Record<string, string> };
    };
    expect(explained.principal).toBe('alice');
    const describeRow = explained.privileges.find((p) => p.privilege === 'DESCRIBE');
    expect(describeRow?.allowed).toBe(true);
    expect(describeRow?.sources.map((source) => source.description)).toContain(
      'DESCRIBE on table bronze.crm.customers to alice',
    );
    expect(explained.privileges.find((p) => p.privilege === 'DROP')?.allowed).toBe(false);
    expect(explained.read.allowed).toBe(true);
    expect(explained.read.rowFilter).toContain('US');
    expect(Object.keys(explained.read.masks)).toEqual(['ssn']);
  });

  it("lets an admin explain alice's access, but not alice the admin's", async () => {
    const byAdmin = await call(
      'GET',
      '/access/explain?principal=alice&securable=table:bronze.crm.customers',
    );
    expect(byAdmin.statusCode, byAdmin.body).toBe(200);
    expect(byAdmin.json()).toMatchObject({ principal: 'alice' });
    const byAlice = await call(
      'GET',
      '/access/explain?principal=admin&securable=table:bronze.crm.customers',
      undefined,
      aliceToken,
    );
    expect([403, 404]).toContain(byAlice.statusCode);
    const nobody = await call('GET', '/access/explain?principal=nobody&securable=catalog');
    expectErrorJson(nobody, 404, 'PRINCIPAL_NOT_FOUND');
  });
});
