import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, initHome, type Services } from '../../src/app.js';
import { buildServer } from '../../src/server/index.js';

const FLIGHTS_JSON = path.resolve('../shared/data/flights/json');

describe('HTTP: external tables', () => {
  let dir: string;
  let services: Services;
  let app: FastifyInstance;
  let auth: { authorization: string };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lakeward-external-http-'));
    const { config, adminToken } = await initHome({
      home: dir,
      env: {},
      overrides: {
        logLevel: 'silent',
        catalog: { externalLocations: [path.resolve('../shared/data')] },
      },
    });
    services = await createServices(config);
    app = await buildServer(services);
    auth = { authorization: `Bearer ${adminToken!.token}` };
    const ns = await app.inject({
      method: 'POST',
      url: '/api/v1/namespaces',
      headers: auth,
      payload: { name: 'bronze.raw' },
    });
    expect(ns.statusCode).toBe(201);
  });

  afterAll(async () => {
    await app.close();
    await services.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('registers, describes, queries, converts and drops an external table', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/external-tables',
      headers: auth,
      payload: {
        name: 'bronze.raw.flights_json',
        location: pathToFileURL(FLIGHTS_JSON).href,
        format: 'ndjson',
        columns: [
          { name: 'ORIGIN_COUNTRY_NAME', type: 'string' },
          { name: 'DEST_COUNTRY_NAME', type: 'string' },
          { name: 'count', type: 'long' },
        ],
        exclude: ['2015-*'],
        properties: { source_system: 'bts' },
      },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      fullName: 'bronze.raw.flights_json',
      kind: 'external',
      fileCount: 5,
      external: { format: 'ndjson', exclude: ['2015-*'] },
    });

    const described = await app.inject({
      url: '/api/v1/external-tables/bronze.raw.flights_json',
      headers: auth,
    });
    expect(described.json()).toMatchObject({
      external: { location: pathToFileURL(FLIGHTS_JSON).href },
    });

    const patched = await app.inject({
      method: 'PATCH',
      url: '/api/v1/external-tables/bronze.raw.flights_json',
      headers: auth,
      payload: { exclude: [] },
    });
    expect(patched.json()).toMatchObject({ fileCount: 6 });

    const query = await app.inject({
      method: 'POST',
      url: '/api/v1/query',
      headers: auth,
      payload: { sql: 'SELECT count(*) AS n FROM bronze.raw.flights_json' },
    });
    expect(query.statusCode).toBe(200);
    const count = Number(query.json().rows[0][0]);
    expect(count).toBeGreaterThan(1000);

    const converted = await app.inject({
      method: 'POST',
      url: '/api/v1/tables/bronze.raw.flights_json/convert',
      headers: auth,
      payload: { to: 'bronze.flights.flights', dropSource: true },
    });
    expect(converted.statusCode).toBe(201);
    expect(converted.json()).toMatchObject({
      rows: count,
      table: {
        fullName: 'bronze.flights.flights',
        kind: 'iceberg',
        properties: { converted_from: 'bronze.raw.flights_json', file_format: 'ndjson' },
      },
    });
    const gone = await app.inject({
      url: '/api/v1/tables/bronze.raw.flights_json',
      headers: auth,
    });
    expect(gone.statusCode).toBe(404);
    expect(fs.readdirSync(FLIGHTS_JSON)).toHaveLength(6);
  });

  it('answers a location outside the allowed ones with 403 and the fix', async () => {
    const refused = await app.inject({
      method: 'POST',
      url: '/api/v1/external-tables',
      headers: auth,
      payload: {
        name: 'bronze.raw.etc',
        location: 'file:///etc',
        format: 'csv',
        columns: [{ name: 'line', type: 'string' }],
      },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: { code: 'EXTERNAL_LOCATION_NOT_ALLOWED' } });
    expect(JSON.stringify(refused.json())).toContain('catalog.externalLocations');
  });
});
