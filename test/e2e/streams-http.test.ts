import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, initHome, type Services } from '../../src/app.js';
import type { LakewardConfig } from '../../src/config/index.js';
import type { Caller } from '../../src/governance/index.js';
import { buildServer } from '../../src/server/index.js';
import { hostStreams } from '../../src/server/stream-host.js';
import { retailEvents, type RetailEvent } from '../ingest/streams/retail-events.js';

/** A server as `lakeward serve` runs it (streams hosted), on a home that outlives it. */
interface Served {
  app: FastifyInstance;
  services: Services;
  close(): Promise<void>;
}

async function serve(config: LakewardConfig): Promise<Served> {
  const services = await createServices(config);
  const app = await buildServer(services);
  hostStreams(app, services, { pollMs: 300 });
  await app.ready();
  return {
    app,
    services,
    async close() {
      await app.close();
      await services.close();
    },
  };
}

const ndjson = (events: RetailEvent[]) => events.map((e) => JSON.stringify(e)).join('\n') + '\n';

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  ms: number,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('an HTTP stream, end to end (retail sales pushed in time order)', () => {
  let home: string;
  let config: LakewardConfig;
  let token: string;
  let server: Served;
  let admin: Caller;
  const days = retailEvents(3);
  const all = days.flat();
  const expected = {
    rows: all.length,
    quantity: all.reduce((sum, e) => sum + e.quantity, 0),
    customers: new Set(all.flatMap((e) => (e.customer_id === undefined ? [] : [e.customer_id])))
      .size,
  };

  const api = (method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown, headers = {}) =>
    server.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${token}`, ...headers },
      ...(body === undefined
        ? {}
        : typeof body === 'string'
          ? { payload: body }
          : { payload: body as object }),
    });

  const push = (events: RetailEvent[], key?: string) =>
    api('POST', '/streams/retail_sales/records', ndjson(events), {
      'content-type': 'application/x-ndjson',
      ...(key === undefined ? {} : { 'idempotency-key': key }),
    });

  /** What a governed query sees of the table: rows, a checksum of quantities, customers. */
  const table = async () => {
    if (
      !(await server.services.catalog.tableExists({
        namespace: ['bronze', 'retail'],
        name: 'sales_events',
      }))
    ) {
      return { rows: 0, quantity: 0, customers: 0, duplicates: 0 };
    }
    const result = await server.services.query.execute(
      admin,
      `SELECT count(*), coalesce(sum(quantity), 0), count(DISTINCT customer_id),
              count(*) - count(DISTINCT _offset) FROM bronze.retail.sales_events`,
    );
    const [rows, quantity, customers, duplicates] = result.rows[0]!.map(Number);
    return { rows: rows!, quantity: quantity!, customers: customers!, duplicates: duplicates! };
  };

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'lakeward-streams-e2e-'));
    const init = await initHome({ home, overrides: { logLevel: 'silent' } });
    config = init.config;
    token = init.adminToken!.token;
    server = await serve(config);
    admin = { principal: await server.services.auth.localAdmin(), context: { channel: 'cli' } };
  });

  afterAll(async () => {
    await server?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('makes pushed records queryable within about 2 s, exactly once', async () => {
    const created = await api('POST', '/streams', {
      name: 'retail_sales',
      table: 'bronze.retail.sales_events',
      source: { kind: 'http' },
      batch: { maxIntervalMs: 250 },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      state: 'running',
      table: 'bronze.retail.sales_events',
      deadLetterTable: 'bronze.retail.sales_events__dead_letter',
    });

    let pushed = 0;
    for (const [day, events] of days.slice(0, 2).entries()) {
      for (const [i, chunk] of chunks(events, 500).entries()) {
        const answer = await push(chunk, `day${day}-${i}`);
        expect(answer.statusCode, answer.body).toBe(200);
        expect(answer.json()).toMatchObject({ accepted: chunk.length, duplicate: false });
        pushed += chunk.length;
      }
    }
    const acknowledgedAt = Date.now();
    const seen = await until(table, (t) => t.rows >= pushed, 10_000);
    const freshnessMs = Date.now() - acknowledgedAt;
    expect(seen.rows).toBe(pushed);
    expect(seen.duplicates).toBe(0);
    expect(freshnessMs).toBeLessThan(2_500);

    // A client that did not get the answer sends the same request again: not written twice.
    const retried = await push(chunks(days[0]!, 500)[0]!, 'day0-0');
    expect(retried.json()).toMatchObject({ accepted: 500, duplicate: true });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await table()).rows).toBe(pushed);

    const shown = await until(
      () =>
        api('GET', '/streams/retail_sales').then(
          (r) => r.json() as { status: Record<string, unknown> },
        ),
      (s) => s.status?.committedRecords === pushed,
      3_000,
    );
    expect(shown.status).toMatchObject({
      committedRecords: pushed,
      lag: 0,
      bufferedRecords: 0,
      deadLettered: 0,
      lastError: null,
      positions: { wal: String(pushed) },
    });
    expect(shown.status.recordsPerSecond).toBeGreaterThan(0);
    expect(shown.status.lastSnapshotId).toMatch(/^\d+$/);
  });

  it('holds records while paused, commits them on resume, and replays its log after a restart', async () => {
    expect((await api('POST', '/streams/retail_sales/pause')).json()).toMatchObject({
      state: 'paused',
    });
    const before = (await table()).rows;
    const third = chunks(days[2]!, 500);
    const [first, ...rest] = third;
    expect((await push(first!, 'day2-0')).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect((await table()).rows).toBe(before);

    expect((await api('POST', '/streams/retail_sales/resume')).json()).toMatchObject({
      state: 'running',
    });
    expect((await until(table, (t) => t.rows >= before + first!.length, 5_000)).rows).toBe(
      before + first!.length,
    );

    // Acknowledged while paused, then the server goes away: the log has them.
    await api('POST', '/streams/retail_sales/pause');
    for (const [i, chunk] of rest.entries()) {
      expect((await push(chunk, `day2-${i + 1}`)).statusCode).toBe(200);
    }
    await server.close();
    server = await serve(config);
    await api('POST', '/streams/retail_sales/resume');
    const end = await until(table, (t) => t.rows >= expected.rows, 10_000);
    expect(end).toEqual({ ...expected, duplicates: 0 });
    // Retrying an old request after the restart is still recognised.
    expect((await push(first!, 'day2-0')).json()).toMatchObject({ duplicate: true });
  });

  it('deletes the stream and keeps its table', async () => {
    expect((await api('DELETE', '/streams/retail_sales')).statusCode).toBe(204);
    expect((await api('GET', '/streams/retail_sales')).statusCode).toBe(404);
    expect((await table()).rows).toBe(expected.rows);
  });
});
