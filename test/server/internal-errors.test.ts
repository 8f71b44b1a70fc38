import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/index.js';
import { expectErrorJson, startTempServer, type TempServer } from './temp-server.js';

let server: TempServer;

beforeAll(async () => {
  server = await startTempServer();
});

afterAll(async () => {
  await server?.close();
});

describe('internal errors', () => {
  it('answer 500 with an error id and none of the cause', async () => {
    // A catalog with a bug: what the user sees must not reveal it.
    const governed = Object.create(server.services.governed) as typeof server.services.governed;
    governed.listNamespaces = () => Promise.reject(new Error('secret detail at /srv/db'));
    const app = await buildServer({ ...server.services, governed });
    try {
      const response = await app.inject({
        method: 'GET',
        url: '/api/v1/namespaces',
        headers: server.auth,
      });
      const error = expectErrorJson(response, 500, 'INTERNAL');
      expect(error.errorId).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.body).not.toContain('secret detail');
    } finally {
      await app.close();
    }
  });
});
