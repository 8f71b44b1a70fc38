import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectErrorJson, startTempServer, type TempServer } from './temp-server.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

let server: TempServer;
let bobToken: string;

const TABLE = 'gold.revenue.customer_ltv';
const TERM = encodeURIComponent('Customer LTV');

function call(method: Method, url: string, payload?: object, token = server.token) {
  return server.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { authorization: `Bearer ${token}` },
    ...(payload ? { payload } : {}),
  });
}

beforeAll(async () => {
  server = await startTempServer();
  expect((await call('POST', '/namespaces', { name: 'gold.revenue' })).statusCode).toBe(201);
  const table = await call('POST', '/tables', {
    name: TABLE,
    columns: [
      { name: 'customer_id', type: 'long' },
      { name: 'ltv', type: 'int' },
    ],
  });
  expect(table.statusCode, table.body).toBe(201);
  expect((await call('POST', '/principals', { name: 'bob' })).statusCode).toBe(201);
  const issued = await call('POST', '/tokens', { name: 'laptop', principal: 'bob' });
  bobToken = (issued.json() as { token: string }).token;
});

afterAll(async () => {
  await server?.close();
});

describe('glossary over HTTP', () => {
  it('creates, shows, links and lists terms', async () => {
    const created = await call('POST', '/glossary/terms', {
      name: 'Customer LTV',
      definition: 'Expected *revenue* from a customer.',
      synonyms: ['CLV'],
      owner: { kind: 'principal', name: 'bob' },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ name: 'Customer LTV', owner: { name: 'bob' } });

    const link = await call('POST', `/glossary/terms/${TERM}/links`, {
      table: TABLE,
      column: 'ltv',
    });
    expect(link.statusCode, link.body).toBe(201);
    expect(link.json()).toMatchObject({ table: TABLE, column: 'ltv', kind: 'manual' });

    const shown = await call('GET', `/glossary/terms/${encodeURIComponent('customer ltv')}`);
    expect(shown.statusCode, shown.body).toBe(200);
    expect(shown.json()).toMatchObject({
      name: 'Customer LTV',
      synonyms: ['CLV'],
      links: [{ table: TABLE, column: 'ltv', linkedBy: 'admin' }],
    });
    const ofTable = await call('GET', `/tables/${TABLE}/terms`);
    expect(ofTable.json()).toMatchObject({ links: [{ term: 'Customer LTV', column: 'ltv' }] });
    const list = await call('GET', '/glossary/terms', undefined, bobToken);
    expect(list.json()).toMatchObject({ terms: [{ name: 'Customer LTV' }] });
    // bob may not describe the table: the term shows him no link.
    const asBob = await call('GET', `/glossary/terms/${TERM}`, undefined, bobToken);
    expect(asBob.json()).toMatchObject({ links: [] });
  });

  it('lets the owner edit, refuses others, and deletes a linked term only with force', async () => {
    const edited = await call('PATCH', `/glossary/terms/${TERM}`, { status: 'approved' }, bobToken);
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ status: 'approved', updatedBy: 'bob' });
    const denied = await call(
      'POST',
      '/glossary/terms',
      { name: 'Churn', definition: 'x' },
      bobToken,
    );
    expectErrorJson(denied, 403, 'GLOSSARY_EDIT_DENIED');
    const bad = await call('POST', '/glossary/terms', {
      name: 'Churn',
      definition: 'x',
      status: 'final',
    });
    expect(bad.statusCode).toBe(400);
    expectErrorJson(await call('DELETE', `/glossary/terms/${TERM}`), 409, 'GLOSSARY_TERM_IN_USE');
    const unlinked = await call(
      'DELETE',
      `/glossary/terms/${TERM}/links?table=${TABLE}&column=ltv`,
    );
    expect(unlinked.statusCode, unlinked.body).toBe(204);
    expect((await call('DELETE', `/glossary/terms/${TERM}`)).statusCode).toBe(204);
    expectErrorJson(await call('GET', `/glossary/terms/${TERM}`), 404, 'GLOSSARY_TERM_NOT_FOUND');
  });
});

describe('schema history over HTTP', () => {
  it('lists the versions and diffs two of them', async () => {
    const evolved = await call('POST', `/tables/${TABLE}/schema`, {
      changes: [
        { kind: 'widen', name: 'ltv', type: 'long' },
        { kind: 'add', name: 'segment', type: 'string' },
      ],
    });
    expect(evolved.statusCode, evolved.body).toBe(200);
    const history = await call('GET', `/tables/${TABLE}/schemas`);
    expect(history.statusCode, history.body).toBe(200);
    const { versions } = history.json() as {
      versions: { schemaId: number; isCurrent: boolean; snapshot: unknown; changes: unknown }[];
    };
    expect(versions.map((v) => [v.schemaId, v.isCurrent, v.snapshot])).toEqual([
      [0, false, null],
      [1, true, null],
    ]);
    expect(versions[1]!.changes).toMatchObject({
      added: [{ name: 'segment', type: 'string' }],
      widened: [{ name: 'ltv', from: 'int', to: 'long' }],
    });
    const diff = await call('GET', `/tables/${TABLE}/schemas/diff?from=1&to=0`);
    expect(diff.statusCode, diff.body).toBe(200);
    expect(diff.json()).toMatchObject({
      fromSchemaId: 1,
      toSchemaId: 0,
      dropped: [{ name: 'segment' }],
      widened: [{ name: 'ltv', from: 'long', to: 'int' }],
    });
    const missing = expectErrorJson(
      await call('GET', `/tables/${TABLE}/schemas/diff?from=0&to=5`),
      404,
      'SCHEMA_VERSION_NOT_FOUND',
    );
    expect(missing.message).toContain('0, 1');
    expectErrorJson(
      await call('GET', `/tables/${TABLE}/schemas/diff?from=zero&to=1`),
      400,
      'INVALID_SCHEMA_VERSION',
    );
  });
});
