import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectErrorJson, multipart, startTempServer, type TempServer } from './temp-server.js';

const DAYS = ['2010-12-01', '2010-12-02'];
const TABLE = 'bronze.retail.days';
const ON_DAY1 = "CAST(InvoiceDate AS DATE) = DATE '2010-12-01'";

let server: TempServer;

beforeAll(async () => {
  server = await startTempServer();
  const loaded = await upload({ table: TABLE }, DAYS);
  expect(loaded.statusCode, loaded.body).toBe(200);
});

afterAll(async () => {
  await server?.close();
});

async function upload(fields: Record<string, string>, days: string[]) {
  const files = days.map((day) => ({
    name: `${day}.csv`,
    content: readFileSync(resolve(`../shared/data/retail/by-day/${day}.csv`)),
  }));
  const body = await multipart(fields, files);
  return server.app.inject({
    method: 'POST',
    url: '/api/v1/ingest',
    headers: { ...server.auth, ...body.headers },
    payload: body.payload,
  });
}

function deleteRows(table: string, payload: object) {
  return server.app.inject({
    method: 'POST',
    url: `/api/v1/tables/${table}/delete-rows`,
    headers: server.auth,
    payload,
  });
}

async function count(where = 'true'): Promise<number> {
  const response = await server.app.inject({
    method: 'POST',
    url: '/api/v1/query',
    headers: server.auth,
    payload: { sql: `SELECT count(*) FROM ${TABLE} WHERE ${where}` },
  });
  return (response.json() as { rows: number[][] }).rows[0]![0]!;
}

describe('POST /api/v1/tables/{table}/delete-rows', () => {
  it('deletes the matching rows and answers with their count and the new snapshot', async () => {
    const france = await count("Country = 'France'");
    const total = await count();
    expect(france).toBeGreaterThan(0);
    const response = await deleteRows(TABLE, { where: "Country = 'France'" });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json() as { deletedRows: number; snapshotId: string };
    expect(body.deletedRows).toBe(france);
    expect(body.snapshotId).toMatch(/^\d+$/);
    expect(await count()).toBe(total - france);
    const again = (await deleteRows(TABLE, { where: "Country = 'France'" })).json();
    expect(again).toEqual({ deletedRows: 0, snapshotId: body.snapshotId });
  });

  it('refuses a bad condition, a missing one and an unknown table', async () => {
    const bad = expectErrorJson(
      await deleteRows(TABLE, { where: 'Country = = 1' }),
      400,
      'INVALID_PREDICATE',
    );
    expect(bad.message).toMatch(/syntax error/i);
    expectErrorJson(await deleteRows(TABLE, {}), 400, 'INVALID_REQUEST');
    expectErrorJson(
      await deleteRows('bronze.retail.nope', { where: 'true' }),
      404,
      'TABLE_NOT_FOUND',
    );
  });
});

describe('POST /api/v1/ingest with where', () => {
  it('replaces only the rows matching it when mode is overwrite', async () => {
    const day2 = await count(`NOT (${ON_DAY1})`);
    const response = await upload({ table: TABLE, mode: 'overwrite', where: ON_DAY1 }, [DAYS[0]!]);
    expect(response.statusCode, response.body).toBe(200);
    const summary = response.json() as { rowsWritten: number };
    expect(await count(ON_DAY1)).toBe(summary.rowsWritten);
    expect(await count(`NOT (${ON_DAY1})`)).toBe(day2);
  });

  it('refuses where without mode overwrite', async () => {
    expectErrorJson(
      await upload({ table: TABLE, where: ON_DAY1 }, [DAYS[0]!]),
      400,
      'WHERE_NEEDS_OVERWRITE',
    );
  });
});
