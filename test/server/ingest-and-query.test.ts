import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectErrorJson, multipart, startTempServer, type TempServer } from './temp-server.js';

const DAY = resolve('../shared/data/retail/by-day/2011-02-06.csv');
const DAY_ROWS = readFileSync(DAY, 'utf8').trim().split('\n').length - 1;
const TABLE = 'bronze.retail.invoices';

let server: TempServer;

beforeAll(async () => {
  server = await startTempServer();
});

afterAll(async () => {
  await server?.close();
});

async function upload(
  fields: Record<string, string>,
  files = [{ name: '2011-02-06.csv', content: readFileSync(DAY) }],
) {
  const body = await multipart(fields, files);
  return server.app.inject({
    method: 'POST',
    url: '/api/v1/ingest',
    headers: { ...server.auth, ...body.headers },
    payload: body.payload,
  });
}

function query(payload: object, headers: Record<string, string> = {}) {
  return server.app.inject({
    method: 'POST',
    url: '/api/v1/query',
    headers: { ...server.auth, ...headers },
    payload,
  });
}

describe('ingest over HTTP', () => {
  it('loads an uploaded retail CSV into bronze and removes the upload afterwards', async () => {
    const response = await upload({ table: TABLE, sourceSystem: 'pos' });
    expect(response.statusCode).toBe(200);
    const summary = response.json();
    expect(summary).toMatchObject({
      table: TABLE,
      createdTable: true,
      rowsWritten: DAY_ROWS,
      files: [{ path: '2011-02-06.csv', rows: DAY_ROWS }],
    });
    expect(summary.snapshotId).toMatch(/^\d+$/);
    const uploads = join(server.home, 'tmp', 'uploads');
    expect(existsSync(uploads) ? readdirSync(uploads) : []).toEqual([]);
  });

  it('skips a file whose content was loaded before', async () => {
    const response = await upload({ table: TABLE });
    expect(response.statusCode).toBe(200);
    expect(response.json().rowsWritten).toBe(0);
    expect(response.json().files[0].skipped).toMatch(/^already loaded in batch /);
  });

  it('refuses an upload without a file, a file path given as text, or a bad table', async () => {
    expectErrorJson(await upload({ table: TABLE }, []), 400, 'INVALID_REQUEST');
    expectErrorJson(
      await upload({ table: TABLE, file: '/etc/passwd' }, []),
      400,
      'NOT_A_FILE_UPLOAD',
    );
    expectErrorJson(await upload({ table: 'platinum.retail.x' }), 400, 'UNKNOWN_LAYER');
    expectErrorJson(await upload({ table: TABLE, format: 'orc' }), 400, 'INVALID_REQUEST');
  });

  it('refuses a file larger than server.maxUploadBytes with 413', async () => {
    const small = await startTempServer((config) => ({
      ...config,
      server: { ...config.server, maxUploadBytes: 1000 },
    }));
    try {
      const body = await multipart({ table: TABLE }, [
        { name: 'big.csv', content: readFileSync(DAY) },
      ]);
      const response = await small.app.inject({
        method: 'POST',
        url: '/api/v1/ingest',
        headers: { ...small.auth, ...body.headers },
        payload: body.payload,
      });
      expectErrorJson(response, 413, 'UPLOAD_TOO_LARGE');
    } finally {
      await small.close();
    }
  });
});

describe('query over HTTP', () => {
  it('answers JSON with typed columns and rows', async () => {
    const response = await query({
      sql: `SELECT count(*) AS n, sum(Quantity) AS q FROM ${TABLE}`,
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.columns).toEqual([
      { name: 'n', type: 'BIGINT' },
      { name: 'q', type: expect.any(String) },
    ]);
    expect(body.rows[0][0]).toBe(DAY_ROWS);
    expect(body).toMatchObject({ rowCount: 1, truncated: false });
    expect(typeof body.elapsedMs).toBe('number');
  });

  it('truncates to maxRows and says so', async () => {
    const body = (await query({ sql: `SELECT InvoiceNo FROM ${TABLE}`, maxRows: 5 })).json();
    expect(body).toMatchObject({ rowCount: 5, truncated: true });
  });

  it('streams CSV when asked in the body or by the Accept header', async () => {
    const sql = `SELECT InvoiceNo, Quantity FROM ${TABLE} ORDER BY InvoiceNo, Quantity LIMIT 3`;
    for (const response of [
      await query({ sql, format: 'csv' }),
      await query({ sql }, { accept: 'text/csv' }),
    ]) {
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain('text/csv');
      const lines = response.body.trim().split(/\r?\n/);
      expect(lines[0]).toBe('InvoiceNo,Quantity');
      expect(lines).toHaveLength(4);
    }
  });

  it('streams NDJSON, one object per row', async () => {
    const response = await query({
      sql: `SELECT InvoiceNo, Country FROM ${TABLE} LIMIT 4`,
      format: 'ndjson',
    });
    expect(response.headers['content-type']).toContain('application/x-ndjson');
    const rows = response.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows).toHaveLength(4);
    expect(Object.keys(rows[0]!)).toEqual(['InvoiceNo', 'Country']);
  });

  it("reports an SQL error with DuckDB's message, for JSON and streamed answers", async () => {
    for (const format of ['json', 'csv']) {
      const response = await query({ sql: 'SELEC 1', format });
      const error = expectErrorJson(response, 400, JSON.parse(response.body).error.code);
      expect(error.message).toMatch(/syntax error/i);
    }
  });

  it('reports an unknown table as not found', async () => {
    const response = await query({ sql: 'SELECT * FROM bronze.retail.nope' });
    expect(response.statusCode).toBe(404);
  });

  it('stops a query that runs past its timeout with 504', async () => {
    const response = await query({
      sql: `SELECT count(*) FROM ${TABLE} a, ${TABLE} b, ${TABLE} c, ${TABLE} d`,
      timeoutMs: 50,
    });
    expectErrorJson(response, 504, 'QUERY_TIMEOUT');
  });
});

describe('snapshots and rollback over HTTP', () => {
  it('lists snapshots and rolls back to an earlier one', async () => {
    const second = await upload({ table: TABLE, force: 'true' });
    expect(second.statusCode, second.body).toBe(200);
    const listed = await server.app.inject({
      method: 'GET',
      url: `/api/v1/tables/${TABLE}/snapshots`,
      headers: server.auth,
    });
    const snapshots = listed.json().snapshots as {
      snapshotId: string;
      parentSnapshotId: string | null;
    }[];
    expect(snapshots).toHaveLength(2);
    const first = snapshots.find((s) => s.parentSnapshotId === null)!.snapshotId;
    const rolled = await server.app.inject({
      method: 'POST',
      url: `/api/v1/tables/${TABLE}/rollback`,
      headers: server.auth,
      payload: { snapshotId: first },
    });
    expect(rolled.statusCode).toBe(200);
    expect(rolled.json()).toMatchObject({ snapshotId: first, isCurrent: true });
    const count = (await query({ sql: `SELECT count(*) FROM ${TABLE}` })).json();
    expect(count.rows[0][0]).toBe(DAY_ROWS);
    const missing = await server.app.inject({
      method: 'POST',
      url: `/api/v1/tables/${TABLE}/rollback`,
      headers: server.auth,
      payload: { snapshotId: '42' },
    });
    expectErrorJson(missing, 404, 'SNAPSHOT_NOT_FOUND');
  });
});
