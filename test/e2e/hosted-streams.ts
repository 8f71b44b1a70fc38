// A home served in this process as `lakeward serve` serves it (the API plus the stream host),
// driven through the HTTP API as its admin: what the streaming end-to-end tests share. The
// home outlives a restart of the server, so a test can take the server away and bring it back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createServices, initHome, type Services } from '../../src/app.js';
import type { LakewardConfig } from '../../src/config/index.js';
import { buildServer } from '../../src/server/index.js';
import { hostStreams } from '../../src/server/stream-host.js';
import { testBrokerSources } from '../services/allowed-sources.js';

export interface StreamView {
  name: string;
  state: string;
  error: string | null;
  table: string;
  deadLetterTable: string;
  status: {
    state: string;
    lag: number;
    bufferedRecords: number;
    committedRecords: number;
    recordsPerSecond: number;
    lastSnapshotId: string | null;
    deadLettered: number;
    lastError: string | null;
    lastErrorAt: string | null;
    retrying: boolean;
    positions: Record<string, string>;
  } | null;
}

export interface HostedStreams {
  home: string;
  services: Services;
  /** Calls the API (under /api/v1) as the admin; a string body is sent as it is. */
  api(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
  /** Creates a stream through the API and returns what the API answered. */
  createStream(request: Record<string, unknown>): Promise<StreamView>;
  stream(name: string): Promise<StreamView>;
  /** The rows of a query through the governed SQL endpoint. */
  query(sql: string): Promise<unknown[][]>;
  /** Rows of a table, 0 while the stream has not created it yet. */
  count(table: string): Promise<number>;
  /**
   * Stops the server (runners commit what they hold), runs `whileDown` (producers carrying
   * on, say) and starts a new one on the same home.
   */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

interface Server {
  app: FastifyInstance;
  services: Services;
}

async function serve(config: LakewardConfig): Promise<Server> {
  const services = await createServices(config);
  const app = await buildServer(services);
  hostStreams(app, services, { pollMs: 300, statusEveryMs: 500 });
  await app.ready();
  return { app, services };
}

async function shutDown(server: Server): Promise<void> {
  await server.app.close();
  await server.services.close();
}

export async function hostedStreams(prefix: string): Promise<HostedStreams> {
  const home = mkdtempSync(join(tmpdir(), `lakeward-${prefix}-`));
  const init = await initHome({
    home,
    overrides: { logLevel: 'silent', streams: { allowedSources: testBrokerSources() } },
  });
  const token = init.adminToken!.token;
  let server = await serve(init.config);
  const api: HostedStreams['api'] = (method, path, body, headers = {}) =>
    server.app.inject({
      method,
      url: `/api/v1${path}`,
      headers: { authorization: `Bearer ${token}`, ...headers },
      ...(body === undefined
        ? {}
        : typeof body === 'string'
          ? { payload: body }
          : { payload: body as object }),
    });
  const hosted: HostedStreams = {
    home,
    get services() {
      return server.services;
    },
    api,
    async createStream(request) {
      const created = await api('POST', '/streams', request);
      if (created.statusCode !== 201) {
        throw new Error(`creating stream failed: ${created.statusCode} ${created.body}`);
      }
      return created.json<StreamView>();
    },
    async stream(name) {
      const shown = await api('GET', `/streams/${name}`);
      if (shown.statusCode !== 200) throw new Error(`GET stream ${name}: ${shown.body}`);
      return shown.json<StreamView>();
    },
    async query(sql) {
      const answer = await api('POST', '/query', { sql });
      if (answer.statusCode !== 200) throw new Error(`query failed: ${answer.body}\n${sql}`);
      return answer.json<{ rows: unknown[][] }>().rows;
    },
    async count(table) {
      const answer = await api('POST', '/query', { sql: `SELECT count(*) FROM ${table}` });
      if (answer.statusCode === 404) return 0;
      if (answer.statusCode !== 200) throw new Error(`count ${table}: ${answer.body}`);
      return Number(answer.json<{ rows: unknown[][] }>().rows[0]![0]);
    },
    async restart(whileDown) {
      await shutDown(server);
      await whileDown?.();
      server = await serve(init.config);
    },
    async close() {
      await shutDown(server);
      rmSync(home, { recursive: true, force: true });
    },
  };
  return hosted;
}

/**
 * Reads until `done` holds and returns the last value read; throws with `what` and the
 * last value when `ms` passes first.
 */
export async function until<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  ms: number,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${ms} ms waiting for ${what}; last: ${JSON.stringify(value)}`,
      );
    }
    await sleep(everyMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
