import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectErrorJson, startTempServer, type TempServer } from './temp-server.js';

let server: TempServer;

beforeAll(async () => {
  server = await startTempServer();
  const call = (url: string, payload: object) =>
    server.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: server.auth, payload });
  await call('/namespaces', { name: 'gold.revenue' });
  for (const name of ['gold.revenue.daily', 'gold.revenue.daily_v2']) {
    await call('/tables', {
      name,
      columns: [
        { name: 'store', type: 'string' },
        { name: 'amount', type: 'double' },
      ],
    });
  }
});

afterAll(async () => {
  await server?.close();
});

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

function call(method: Method, url: string, payload?: object, token?: string) {
  return server.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: token === undefined ? server.auth : { authorization: `Bearer ${token}` },
    ...(payload ? { payload } : {}),
  });
}

describe('business metadata over HTTP', () => {
  it('declares a typed property and refuses values that break it', async () => {
    const defined = await call('POST', '/property-definitions', {
      name: 'quality_score',
      type: 'number',
      min: 0,
      max: 1,
      description: 'Share of quality rules passed',
      appliesTo: ['table'],
    });
    expect(defined.statusCode).toBe(201);
    expect(defined.json()).toMatchObject({ name: 'quality_score', type: 'number', min: 0, max: 1 });
    const listed = await call('GET', '/property-definitions');
    expect(listed.json().definitions.map((d: { name: string }) => d.name)).toEqual([
      'quality_score',
    ]);
    expectErrorJson(
      await call('POST', '/property-definitions', { name: 'quality_score', type: 'string' }),
      409,
      'PROPERTY_DEFINITION_ALREADY_EXISTS',
    );

    const refused = expectErrorJson(
      await call('PATCH', '/metadata/table/gold.revenue.daily', {
        setProperties: { quality_score: '2' },
      }),
      400,
      'PROPERTY_VALUE_INVALID',
    );
    expect(refused.message).toContain('quality_score="2"');
  });

  it('changes, shows and versions the metadata of a table', async () => {
    const patched = await call('PATCH', '/metadata/table/gold.revenue.daily', {
      description: 'Revenue per store and day',
      owner: { kind: 'principal', name: 'admin', contactEmail: 'admin@example.com' },
      setProperties: { quality_score: '0.9' },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      name: 'gold.revenue.daily',
      owner: { kind: 'principal', name: 'admin', contactEmail: 'admin@example.com' },
      properties: { quality_score: '0.9' },
    });
    const columns = await call('PUT', '/metadata/table/gold.revenue.daily/columns', {
      columns: { amount: 'Net amount in **EUR**' },
    });
    expect(columns.json().columnDescriptions).toEqual({ amount: 'Net amount in **EUR**' });
    expectErrorJson(
      await call('PUT', '/metadata/table/gold.revenue.daily/columns', { columns: { x: 'y' } }),
      404,
      'COLUMN_NOT_FOUND',
    );

    const certified = await call('POST', '/metadata/table/gold.revenue.daily/certification', {
      status: 'deprecated',
      reason: 'Use the v2 table',
      replacement: 'gold.revenue.daily_v2',
    });
    expect(certified.json().certification).toMatchObject({
      status: 'deprecated',
      replacement: 'gold.revenue.daily_v2',
      by: 'admin',
    });
    expectErrorJson(
      await call('POST', '/metadata/table/gold.revenue.daily/certification', {
        status: 'deprecated',
      }),
      400,
      'DEPRECATION_REASON_REQUIRED',
    );

    const shown = await call('GET', '/metadata/table/gold.revenue.daily');
    expect(shown.json()).toMatchObject({
      description: 'Revenue per store and day',
      governanceOwner: { kind: 'principal', name: 'admin' },
      columns: [
        { name: 'store', type: 'string', description: null },
        { name: 'amount', type: 'double', description: 'Net amount in **EUR**' },
      ],
    });
    const history = await call('GET', '/metadata/table/gold.revenue.daily/history?limit=2');
    expect(history.json().changes).toEqual([
      expect.objectContaining({ field: 'certification', changedBy: 'admin' }),
      expect.objectContaining({
        field: 'column_description:amount',
        oldValue: null,
        newValue: 'Net amount in **EUR**',
      }),
    ]);
    const ns = await call('PATCH', '/metadata/namespace/gold.revenue', {
      description: '# Revenue',
    });
    expect(ns.json()).toMatchObject({ kind: 'namespace', description: '# Revenue' });
  });

  it('answers 404 for what the caller may not describe and refuses definitions to non-admins', async () => {
    const { services } = server;
    const admin = {
      principal: await services.auth.localAdmin(),
      context: { channel: 'cli' as const },
    };
    const user = await services.directory.createPrincipal(admin, { name: 'uma', kind: 'user' });
    const { token } = await services.auth.issueToken(user.id, 'test');
    expectErrorJson(
      await call('GET', '/metadata/table/gold.revenue.daily', undefined, token),
      404,
      'TABLE_NOT_FOUND',
    );
    expectErrorJson(
      await call('POST', '/property-definitions', { name: 'tier', type: 'boolean' }, token),
      403,
      'PERMISSION_DENIED',
    );
    expectErrorJson(
      await call('PATCH', '/metadata/volume/gold.revenue.decks', { description: 'x' }),
      404,
      'VOLUME_NOT_FOUND',
    );
  });

  it('documents its routes in the OpenAPI description', async () => {
    const doc = (await server.app.inject({ method: 'GET', url: '/api/docs/json' })).json() as {
      paths: Record<string, object>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/metadata/{kind}/{name}',
        '/api/v1/metadata/table/{name}/columns',
        '/api/v1/metadata/{kind}/{name}/history',
        '/api/v1/property-definitions/{name}',
      ]),
    );
  });

  it('refuses to delete a definition in use unless forced', async () => {
    expectErrorJson(
      await call('DELETE', '/property-definitions/quality_score'),
      409,
      'PROPERTY_DEFINITION_IN_USE',
    );
    const forced = await call('DELETE', '/property-definitions/quality_score?force=true');
    expect(forced.statusCode).toBe(204);
    expectErrorJson(
      await call('GET', '/property-definitions/quality_score'),
      404,
      'PROPERTY_DEFINITION_NOT_FOUND',
    );
  });
});
