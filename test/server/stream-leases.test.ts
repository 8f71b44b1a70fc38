// Two servers with homes of their own on one metastore: each stream is run by exactly one
// of them (its lease holder), pushes to the other are refused with where to go, and when
// the holder goes away (shut down, or killed) the other takes the stream over within the
// lease's time to live, with every acknowledged record in the table exactly once.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createServices, initHome, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { openMetastore } from '../../src/metastore/index.js';
import { buildServer } from '../../src/server/index.js';
import { hostStreams, type StreamHost } from '../../src/server/stream-host.js';
import { kafkaTopic } from '../e2e/broker-topics.js';
import { until } from '../e2e/hosted-streams.js';
import { brokerUrl, uniqueName } from '../ingest/streams/sources/collector.js';
import { allowSources, testBrokerSources } from '../services/allowed-sources.js';

const TTL_MS = 3_000;
const TABLE = 'bronze.web.clicks';
const postgresUrl = process.env.LAKEWARD_TEST_POSTGRES_URL;
const kafka = brokerUrl('kafka');
if (!postgresUrl && process.env.CI === 'true') {
  throw new Error(
    'CI=true but LAKEWARD_TEST_POSTGRES_URL is not set (bash test/services/postgres.sh)',
  );
}

interface Server {
  name: string;
  home: string;
  url: string;
  services: Services;
  host: StreamHost;
  app: FastifyInstance;
  api(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

interface Pair {
  servers: Server[];
  /** Starts the server of a home (again). */
  serve(home: string, name: string): Promise<Server>;
  homes: string[];
  cleanup(): Promise<void>;
}

async function withClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A metastore both homes use: a schema of its own in PostgreSQL, or one SQLite file. */
async function sharedMetastore(kind: 'postgres' | 'sqlite', dir: string) {
  if (kind === 'sqlite')
    return { uri: `sqlite:${join(dir, 'metastore.db')}`, drop: async () => {} };
  const schema = `lakeward_lease_${Math.random().toString(36).slice(2, 10)}`;
  await withClient((c) => c.query(`create schema ${schema}`));
  const separator = postgresUrl!.includes('?') ? '&' : '?';
  return {
    uri: `${postgresUrl}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    drop: () => withClient((c) => c.query(`drop schema ${schema} cascade`)).then(() => undefined),
  };
}

async function twoHomes(kind: 'postgres' | 'sqlite'): Promise<Pair> {
  const dir = mkdtempSync(join(tmpdir(), 'lakeward-leases-'));
  const metastore = await sharedMetastore(kind, dir);
  const overrides = {
    logLevel: 'silent',
    metastore: metastore.uri,
    warehouse: pathToFileURL(join(dir, 'warehouse')).href,
  };
  const homes = [join(dir, 'a'), join(dir, 'b')];
  let token = '';
  for (const home of homes) {
    const init = await initHome({ home, overrides });
    if (init.adminToken !== undefined) token = init.adminToken.token;
    allowSources(home, testBrokerSources());
  }
  const servers: Server[] = [];
  const pair: Pair = {
    servers,
    homes,
    async serve(home, name) {
      const services = await createServices(
        loadConfig({ home, overrides: { logLevel: 'silent' } }),
      );
      const app = await buildServer(services);
      const url = `http://${name}.test:8080`;
      const host = hostStreams(app, services, {
        pollMs: 200,
        statusEveryMs: 300,
        stopTimeoutMs: 3_000,
        leaseTtlMs: TTL_MS,
        advertisedUrl: url,
      });
      await app.ready();
      let closed = false;
      const server: Server = {
        name,
        home,
        url,
        services,
        host,
        app,
        api: (method, path, body, headers = {}) =>
          app.inject({
            method,
            url: `/api/v1${path}`,
            headers: { authorization: `Bearer ${token}`, ...headers },
            ...(body === undefined ? {} : { payload: body as string }),
          }),
        async close() {
          if (closed) return;
          closed = true;
          await app.close();
          await services.close().catch(() => undefined);
        },
      };
      servers.push(server);
      return server;
    },
    async cleanup() {
      for (const server of servers) await server.close().catch(() => undefined);
      await metastore.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return pair;
}

interface View {
  id: string;
  holder: { id: string; url: string | null; since: string; expiresAt: string } | null;
}

async function view(server: Server, name: string): Promise<View> {
  const answer = await server.api('GET', `/streams/${name}`);
  expect(answer.statusCode, answer.body).toBe(200);
  return answer.json<View>();
}

/** The server of the pair that holds the stream, once one does. */
async function holderOf(servers: Server[], name: string, ms: number): Promise<Server> {
  const seen = await until(
    `a server to hold ${name}`,
    () => view(servers[0]!, name),
    (v) => v.holder !== null,
    ms,
    100,
  );
  const holder = servers.find((s) => s.url === seen.holder!.url);
  if (holder === undefined) throw new Error(`held by an unknown server: ${JSON.stringify(seen)}`);
  return holder;
}

async function table(
  server: Server,
): Promise<{ rows: number; distinct: number; partitions: string[] }> {
  const count = await server.api('POST', '/query', {
    sql: `SELECT count(*), count(DISTINCT seq) FROM ${TABLE}`,
  } as never);
  if (count.statusCode === 404) return { rows: 0, distinct: 0, partitions: [] };
  expect(count.statusCode, count.body).toBe(200);
  const [rows, distinct] = count.json<{ rows: unknown[][] }>().rows[0]!.map(Number);
  const parts = await server.api('POST', '/query', {
    sql: `SELECT DISTINCT _partition FROM ${TABLE} ORDER BY 1`,
  } as never);
  return {
    rows: rows!,
    distinct: distinct!,
    partitions: parts.json<{ rows: unknown[][] }>().rows.map((r) => String(r[0])),
  };
}

const ndjson = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => `{"seq":${from + i},"page":"/p/${(from + i) % 7}"}`).join(
    '\n',
  );

let pair: Pair | undefined;
afterEach(async () => {
  await pair?.cleanup();
  pair = undefined;
});

const kinds = [...(postgresUrl ? (['postgres'] as const) : []), 'sqlite' as const];

describe.each(kinds)('two servers on one %s metastore', (kind) => {
  it('runs an HTTP stream on one server; the other refuses pushes, then takes it over when it shuts down', async () => {
    pair = await twoHomes(kind);
    const servers = [
      await pair.serve(pair.homes[0]!, 'server-a'),
      await pair.serve(pair.homes[1]!, 'server-b'),
    ];
    const created = await servers[0]!.api('POST', '/streams', {
      name: 'clicks',
      table: TABLE,
      source: { kind: 'http' },
      format: 'ndjson',
      batch: { maxIntervalMs: 100 },
    } as never);
    expect(created.statusCode, created.body).toBe(201);
    const { id } = created.json<View>();
    const first = await holderOf(servers, 'clicks', 5_000);
    const other = servers.find((s) => s !== first)!;
    const push = (server: Server, from: number, count: number) =>
      server.api('POST', '/streams/clicks/records', ndjson(from, count), {
        'content-type': 'application/x-ndjson',
        'idempotency-key': `batch-${from}`,
      });

    let acknowledged = 0;
    for (let i = 0; i < 10; i++) {
      const answer = await push(first, acknowledged, 50);
      expect(answer.statusCode, answer.body).toBe(200);
      acknowledged += 50;
    }
    const refused = await push(other, 100_000, 5);
    expect(refused.statusCode).toBe(503);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const error = refused.json<{ error: { code: string; message: string; hint: string } }>().error;
    expect(error.code).toBe('STREAM_RUN_ELSEWHERE');
    expect(error.message).toContain(first.url);
    expect(error.hint).toContain(first.url);
    // Nothing of the stream was kept by the other server: no log, no runner.
    expect(existsSync(join(other.home, 'streams', id))).toBe(false);
    expect(other.host.statusOf(id)).toBeUndefined();
    // Renewed: still the same server's after more than its time to live.
    await new Promise((resolve) => setTimeout(resolve, TTL_MS + 500));
    expect((await view(other, 'clicks')).holder?.url).toBe(first.url);
    await until(
      'the first pushes committed',
      () => table(first),
      (t) => t.rows === acknowledged,
      10_000,
    );

    // A clean shutdown commits what it holds and lets the stream go at once.
    const stoppedAt = Date.now();
    await first.close();
    await until(
      'the other server to take the stream',
      () => view(other, 'clicks'),
      (v) => v.holder?.url === other.url,
      TTL_MS + 2_000,
      100,
    );
    expect(Date.now() - stoppedAt).toBeLessThan(TTL_MS + 2_000);
    for (let i = 0; i < 6; i++) {
      const answer = await push(other, acknowledged, 50);
      expect(answer.statusCode, answer.body).toBe(200);
      acknowledged += 50;
    }
    // A retried request is still written once.
    expect(
      (await push(other, acknowledged - 50, 50)).json<{ duplicate: boolean }>().duplicate,
    ).toBe(true);
    const final = await until(
      'every acknowledged record committed',
      () => table(other),
      (t) => t.rows >= acknowledged,
      15_000,
    );
    expect(final.rows).toBe(acknowledged);
    expect(final.distinct).toBe(acknowledged);
    // Each home's log keeps positions of its own.
    expect(final.partitions).toHaveLength(2);
    expect(final.partitions).toContain('wal');
  }, 60_000);

  it('removes the folders of streams deleted while no server ran, and nothing else', async () => {
    pair = await twoHomes(kind);
    const [home] = pair.homes;
    const first = await pair.serve(home!, 'server-a');
    const created = await first.api('POST', '/streams', {
      name: 'kept',
      table: TABLE,
      source: { kind: 'http' },
    } as never);
    const { id } = created.json<View>();
    expect(
      (
        await first.api('POST', '/streams/kept/records', '{"seq":1}', {
          'content-type': 'application/json',
        })
      ).statusCode,
    ).toBe(200);
    await first.close();
    const streams = join(home!, 'streams');
    const leftover = join(streams, '0b6f3d2e-8c1a-4f59-9a57-3c2d1e0f4b6a');
    mkdirSync(join(leftover, 'log'), { recursive: true });
    writeFileSync(join(leftover, 'log', '00000001.seg'), 'old records');
    const other = join(streams, 'not-a-stream');
    mkdirSync(other);
    const outside = mkdtempSync(join(tmpdir(), 'lakeward-outside-'));
    writeFileSync(join(outside, 'precious.txt'), 'keep me');
    const linked = join(streams, '7e4a1c9b-2d3f-4b5a-8c6d-1e2f3a4b5c6d');
    symlinkSync(outside, linked);
    try {
      const again = await pair.serve(home!, 'server-a2');
      await until(
        'the leftover folder removed',
        async () => existsSync(leftover),
        (exists) => !exists,
        5_000,
        100,
      );
      expect(existsSync(join(streams, id, 'log'))).toBe(true);
      expect(existsSync(other)).toBe(true);
      expect(existsSync(linked)).toBe(true);
      expect(readFileSync(join(outside, 'precious.txt'), 'utf8')).toBe('keep me');
      // Deleting a stream removes its folder too.
      expect((await again.api('DELETE', '/streams/kept')).statusCode).toBe(204);
      await until(
        'the deleted stream folder removed',
        async () => existsSync(join(streams, id)),
        (exists) => !exists,
        5_000,
        100,
      );
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('a server started again on this host after a crash', () => {
  it('takes the streams of its dead predecessor at once, and leaves those of live servers', async () => {
    pair = await twoHomes('sqlite');
    const [home] = pair.homes;
    const first = await pair.serve(home!, 'server-a');
    for (const name of ['mine', 'theirs']) {
      const created = await first.api('POST', '/streams', {
        name,
        table: `bronze.web.${name}`,
        source: { kind: 'http' },
      } as never);
      expect(created.statusCode, created.body).toBe(201);
    }
    await first.close();
    // What a SIGKILLed server of this host leaves: its leases, unexpired, under a pid that is gone.
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const store = await openMetastore(loadConfig({ home: home! }).metastore);
    try {
      const mine = (await store.streams.get('mine'))!;
      const theirs = (await store.streams.get('theirs'))!;
      const minute = 60_000;
      await store.streams.acquireLease(
        mine.id,
        { id: `${hostname()}/${dead}/dead`, url: null },
        minute,
        new Date(),
      );
      await store.streams.acquireLease(
        theirs.id,
        { id: 'another-host/42/live', url: 'http://other.test' },
        minute,
        new Date(),
      );
      const again = await pair.serve(home!, 'server-a2');
      await until(
        'the restarted server to hold its stream',
        () => view(again, 'mine'),
        (v) => v.holder?.url === again.url,
        3_000,
        100,
      );
      expect((await view(again, 'theirs')).holder?.url).toBe('http://other.test');
      const refused = await again.api('POST', '/streams/theirs/records', '{"a":1}', {
        'content-type': 'application/json',
      });
      expect(refused.statusCode).toBe(503);
      expect(
        (
          await again.api('POST', '/streams/mine/records', '{"a":1}', {
            'content-type': 'application/json',
          })
        ).statusCode,
      ).toBe(200);
    } finally {
      await store.close();
    }
  }, 60_000);
});

describe.skipIf(!postgresUrl || !kafka)(
  'a Kafka stream on two servers of one PostgreSQL metastore',
  () => {
    it('is consumed by one server only, and exactly once when that server is killed mid-stream', async () => {
      pair = await twoHomes('postgres');
      const servers = [
        await pair.serve(pair.homes[0]!, 'server-a'),
        await pair.serve(pair.homes[1]!, 'server-b'),
      ];
      const topicName = uniqueName('leases');
      const topic = await kafkaTopic(kafka!, topicName, 3);
      try {
        const total = 6_000;
        const messages = Array.from({ length: total }, (_, seq) =>
          JSON.stringify({ seq, page: `/p/${seq % 7}` }),
        );
        const created = await servers[0]!.api('POST', '/streams', {
          name: 'clicks',
          table: TABLE,
          source: topic.source,
          batch: { maxIntervalMs: 200, maxRecords: 500 },
        } as never);
        expect(created.statusCode, created.body).toBe(201);
        const { id } = created.json<View>();
        const first = await holderOf(servers, 'clicks', 10_000);
        const other = servers.find((s) => s !== first)!;
        expect(other.host.statusOf(id)).toBeUndefined();
        await topic.publish(messages.slice(0, 3_000));
        await until(
          'some records committed',
          () => table(first),
          (t) => t.rows > 0,
          20_000,
          100,
        );
        // Polled many times by now: the other server still runs nothing of the stream.
        expect(other.host.statusOf(id)).toBeUndefined();
        expect((await view(other, 'clicks')).holder?.url).toBe(first.url);
        await topic.publish(messages.slice(3_000, 4_500));
        // Killed: its metastore goes first, so it neither commits nor releases the lease any more.
        await first.services.metastore.close();
        await first.close();
        await topic.publish(messages.slice(4_500));
        await until(
          'the other server to take the stream',
          () => view(other, 'clicks'),
          (v) => v.holder?.url === other.url,
          TTL_MS + 10_000,
          200,
        );
        const final = await until(
          'every message committed',
          () => table(other),
          (t) => t.rows >= total,
          40_000,
          300,
        );
        expect(final.rows).toBe(total);
        expect(final.distinct).toBe(total);
      } finally {
        await topic.close();
      }
    }, 90_000);
  },
);
