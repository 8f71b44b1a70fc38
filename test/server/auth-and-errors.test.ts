import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectErrorJson, startTempServer, type TempServer } from './temp-server.js';

let server: TempServer;

beforeAll(async () => {
  server = await startTempServer();
});

afterAll(async () => {
  await server?.close();
});

describe('authentication', () => {
  it('answers /healthz without a token once the metastore responds', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('refuses a call without a token, saying how to get one', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/api/v1/namespaces' });
    const error = expectErrorJson(response, 401, 'MISSING_TOKEN');
    expect(error.hint).toContain('Authorization: Bearer');
    expect(error.errorId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a wrong or tampered token', async () => {
    for (const authorization of ['Bearer nonsense', `Bearer ${server.token}x`, 'Basic abc']) {
      const response = await server.app.inject({
        method: 'GET',
        url: '/api/v1/namespaces',
        headers: { authorization },
      });
      expectErrorJson(response, 401, 'INVALID_TOKEN');
    }
  });

  it('refuses a revoked token', async () => {
    const admin = await server.services.auth.localAdmin();
    const issued = await server.services.auth.issueToken(admin.id, 'short-lived');
    const headers = { authorization: `Bearer ${issued.token}` };
    const ok = await server.app.inject({ method: 'GET', url: '/api/v1/namespaces', headers });
    expect(ok.statusCode).toBe(200);
    await server.services.auth.revokeToken(issued.id);
    const response = await server.app.inject({ method: 'GET', url: '/api/v1/namespaces', headers });
    expectErrorJson(response, 401, 'TOKEN_REVOKED');
  });

  it('tags every answer with a request id', async () => {
    const response = await server.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'trace-me' },
    });
    expect(response.headers['x-request-id']).toBe('trace-me');
  });
});

describe('errors', () => {
  it('answers unknown routes with 404 JSON', async () => {
    const response = await server.app.inject({
      method: 'GET',
      url: '/api/v1/nothing-here',
      headers: server.auth,
    });
    expectErrorJson(response, 404, 'ROUTE_NOT_FOUND');
  });

  it('reports a request that breaks the schema as INVALID_REQUEST naming the field', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/v1/query',
      headers: server.auth,
      payload: { sql: 'SELECT 1', format: 'xml' },
    });
    const error = expectErrorJson(response, 400, 'INVALID_REQUEST');
    expect(error.message).toContain('format');
    const missing = await server.app.inject({
      method: 'POST',
      url: '/api/v1/namespaces',
      headers: server.auth,
      payload: {},
    });
    expect(expectErrorJson(missing, 400, 'INVALID_REQUEST').message).toContain('name');
  });

  it('refuses malformed JSON and oversized bodies', async () => {
    const bad = await server.app.inject({
      method: 'POST',
      url: '/api/v1/query',
      headers: { ...server.auth, 'content-type': 'application/json' },
      payload: '{"sql": ',
    });
    expectErrorJson(bad, 400, 'INVALID_REQUEST');
    const huge = await server.app.inject({
      method: 'POST',
      url: '/api/v1/query',
      headers: server.auth,
      payload: { sql: `SELECT '${'x'.repeat(2 * 1024 * 1024)}'` },
    });
    expectErrorJson(huge, 413, 'BODY_TOO_LARGE');
  });
});

describe('OpenAPI', () => {
  it('documents every route at /api/docs/json and serves the UI at /api/docs', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json() as { openapi: string; paths: Record<string, object> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/healthz',
        '/api/v1/namespaces',
        '/api/v1/namespaces/{namespace}',
        '/api/v1/namespaces/{namespace}/rename',
        '/api/v1/namespaces/{namespace}/tables',
        '/api/v1/tables',
        '/api/v1/tables/{table}',
        '/api/v1/tables/{table}/rename',
        '/api/v1/tables/{table}/snapshots',
        '/api/v1/tables/{table}/rollback',
        '/api/v1/tables/{table}/schema',
        '/api/v1/ingest',
        '/api/v1/query',
      ]),
    );
    const ui = await server.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toContain('text/html');
  });
});
