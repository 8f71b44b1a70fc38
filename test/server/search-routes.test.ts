import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../src/governance/index.js';
import { createCatalog } from '../catalog/search/search-catalog.js';
import { expectErrorJson, startTempServer, type TempServer } from './temp-server.js';

describe('GET /api/v1/search', () => {
  let server: TempServer;
  let userAuth: { authorization: string };

  beforeAll(async () => {
    server = await startTempServer();
    const { services } = server;
    const admin: Caller = {
      principal: await services.auth.localAdmin(),
      context: { channel: 'internal' },
    };
    await createCatalog(services, admin);
    const user = await services.directory.createPrincipal(admin, { name: 'vera', kind: 'user' });
    await services.policies.grant(admin, {
      privileges: ['USAGE', 'DESCRIBE'],
      securable: { kind: 'namespace', path: ['silver', 'sales'] },
      grantee: { kind: 'principal', name: 'vera' },
    });
    const { token } = await services.auth.issueToken(user.id, 'test');
    userAuth = { authorization: `Bearer ${token}` };
  }, 120_000);
  afterAll(async () => server?.close());

  const get = (url: string, headers = server.auth) =>
    server.app.inject({ method: 'GET', url, headers });

  it('answers with ranked results, snippets, corrections and facets', async () => {
    const response = await get('/api/v1/search?q=custmer%20revnue&layer=gold&limit=3');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.query).toBe('custmer revnue');
    expect(body.corrections).toEqual({ custmer: ['customer'], revnue: ['revenue'] });
    expect(body.results.length).toBeLessThanOrEqual(3);
    expect(body.results.map((r: { fullName: string }) => r.fullName)).toContain(
      'gold.customers.customer_revenue',
    );
    expect(body.results[0]).toMatchObject({
      kind: 'table',
      layer: 'gold',
      format: 'iceberg',
      snippet: expect.stringContaining('«'),
      why: expect.arrayContaining([expect.stringMatching(/^matched /)]),
    });
    expect(body.facets.layer).toEqual([{ value: 'gold', count: body.total }]);
    expect(Object.keys(body.facets).sort()).toEqual(
      ['certification', 'format', 'kind', 'layer', 'namespace', 'owner', 'tag'].sort(),
    );
  });

  it('shows a user only what it may describe', async () => {
    const response = await get('/api/v1/search?q=orders', userAuth);
    expect(response.statusCode).toBe(200);
    const names = response.json().results.map((r: { fullName: string }) => r.fullName);
    expect(names).toContain('silver.sales.orders');
    expect(names.every((n: string) => n.startsWith('silver.sales'))).toBe(true);
    expect(response.json().facets.namespace).toEqual([
      { value: 'silver.sales', count: names.length },
    ]);
  });

  it('refuses bad parameters and a non-admin rebuild', async () => {
    expectErrorJson(await get('/api/v1/search?q=x&limit=500'), 400, 'INVALID_REQUEST');
    expectErrorJson(await get('/api/v1/search?q=x&tag=nokey'), 400, 'INVALID_SEARCH');
    expectErrorJson(await get('/api/v1/search?q=x&kind=planet'), 400, 'INVALID_REQUEST');
    const refused = await server.app.inject({
      method: 'POST',
      url: '/api/v1/search/reindex',
      headers: userAuth,
    });
    expectErrorJson(refused, 403, 'SEARCH_REINDEX_NOT_ALLOWED');
    const rebuilt = await server.app.inject({
      method: 'POST',
      url: '/api/v1/search/reindex',
      headers: server.auth,
    });
    expect(rebuilt.statusCode).toBe(200);
    expect(rebuilt.json().documents).toBeGreaterThan(28);
  });
});
