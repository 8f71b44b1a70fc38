import { join } from 'node:path';
import { expect } from 'vitest';
import { parseTableName } from '../../src/catalog/index.js';
import { appendQuery, openSession } from '../../src/engine/index.js';
import { multipart, startTempServer, type TempServer } from '../server/temp-server.js';

/** An answer from app.inject, as the tests read it. */
export interface Answer {
  statusCode: number;
  body: string;
  headers: Record<string, unknown>;
  json(): unknown;
}

export interface AuditRecord {
  seq: number;
  action: string;
  decision: 'allow' | 'deny' | 'error';
  reason: string | null;
  status: number | null;
  requestId: string | null;
  resource: string | null;
  principal: { name: string } | null;
  groups: string[];
  policies: { grants: string[]; filters: string[]; masks: string[] };
  queryText: string | null;
  querySha256: string | null;
  rowsReturned: number | null;
}

export interface QueryAnswer {
  columns: { name: string }[];
  rows: unknown[][];
  rowCount: number;
}

/**
 * A server on a fresh home, driven only through its HTTP API with real tokens. Each
 * call carries its own x-request-id so the test can find the call's audit events.
 */
export class GovernedApi {
  #calls = 0;

  private constructor(readonly server: TempServer) {}

  static async start(): Promise<GovernedApi> {
    return new GovernedApi(await startTempServer());
  }

  get adminToken(): string {
    return this.server.token;
  }

  nextRequestId(label: string): string {
    this.#calls += 1;
    return `e2e-${this.#calls}-${label.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}`;
  }

  async call(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    options: { token?: string; payload?: object; requestId?: string } = {},
  ): Promise<Answer & { requestId: string }> {
    const requestId = options.requestId ?? this.nextRequestId(`${method}-${url}`);
    const answer = await this.server.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: {
        authorization: `Bearer ${options.token ?? this.server.token}`,
        'x-request-id': requestId,
        'user-agent': 'lakeward-e2e',
      },
      ...(options.payload === undefined ? {} : { payload: options.payload }),
    });
    return Object.assign(answer, { requestId });
  }

  /** An admin call that must succeed; returns the parsed answer. */
  async admin<T = unknown>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: object,
  ): Promise<T> {
    const answer = await this.call(method, url, payload === undefined ? {} : { payload });
    expect(answer.statusCode, `${method} ${url}: ${answer.body}`).toBeLessThan(300);
    return (answer.body === '' ? undefined : answer.json()) as T;
  }

  query(token: string, sql: string, requestId?: string): ReturnType<GovernedApi['call']> {
    return this.call('POST', '/query', {
      token,
      payload: { sql },
      ...(requestId === undefined ? {} : { requestId }),
    });
  }

  /** A user in the given groups (created on first use), with a token issued by the admin. */
  async user(name: string, groups: string[] = []): Promise<{ token: string; tokenId: string }> {
    await this.admin('POST', '/principals', { name });
    const existing = (await this.admin<{ groups: { name: string }[] }>('GET', '/groups')).groups;
    for (const group of groups) {
      if (!existing.some((g) => g.name === group)) {
        await this.admin('POST', '/groups', { name: group });
      }
      await this.admin('POST', `/groups/${group}/members`, { kind: 'user', name });
    }
    const issued = await this.admin<{ token: string; id: string }>('POST', '/tokens', {
      name: `${name}-e2e`,
      principal: name,
    });
    return { token: issued.token, tokenId: issued.id };
  }

  async grant(
    privileges: string[],
    securable: { kind: 'catalog' | 'namespace' | 'table'; name: string },
    grantee: { kind: 'user' | 'group'; name: string },
  ): Promise<void> {
    await this.admin('POST', '/grants', { privileges, securable, grantee });
  }

  /** Uploads CSV text through POST /ingest (bronze only, as the product wants). */
  async ingestCsv(table: string, fileName: string, csv: string): Promise<{ snapshotId: string }> {
    const body = await multipart({ table }, [{ name: fileName, content: csv }]);
    const answer = await this.server.app.inject({
      method: 'POST',
      url: '/api/v1/ingest',
      headers: { ...this.server.auth, ...body.headers },
      payload: body.payload,
    });
    expect(answer.statusCode, answer.body).toBe(200);
    return answer.json() as { snapshotId: string };
  }

  /**
   * Gold tables are not batch-ingested (the API refuses it by design): a job writes them
   * from the layers below. This is that job, run as the service itself.
   */
  async appendAsJob(table: string, select: string): Promise<void> {
    const tempDir = join(this.server.home, 'tmp');
    const session = await openSession({ memoryLimit: '512MB', tempDir });
    try {
      const loaded = await this.server.services.catalog.loadTable(parseTableName(table));
      await appendQuery(session, loaded, select, { tempDir, targetFileSizeBytes: 1024 ** 2 });
    } finally {
      session.close();
    }
  }

  /** Audit events as the admin reads them over HTTP (after the answer-side hooks ran). */
  async audit(filter: Record<string, string> = {}): Promise<AuditRecord[]> {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const query = new URLSearchParams({ limit: '10000', ...filter }).toString();
    return (await this.admin<{ events: AuditRecord[] }>('GET', `/audit?${query}`)).events;
  }

  async close(): Promise<void> {
    await this.server.close();
  }
}

export function rowsOf(answer: Answer): unknown[][] {
  expect(answer.statusCode, answer.body).toBe(200);
  return (answer.json() as QueryAnswer).rows;
}

/** Customers in three regions; ssn values are what a leak would show. */
export const CUSTOMERS_CSV = [
  'id,name,region,ssn,email',
  '1,Ann Lee,US,123-45-6789,ann@example.com',
  '2,Bob Roy,EU,987-65-4321,bob@example.com',
  '3,Cy Park,US,555-12-3456,cy@example.com',
  '4,Dee Moss,APAC,321-54-9876,dee@example.com',
  '5,Eve Tan,EU,222-33-4444,eve@example.com',
  '',
].join('\n');

export const RAW_SSNS = ['123-45-6789', '987-65-4321', '555-12-3456', '321-54-9876', '222-33-4444'];
export const US_IDS = [1, 3];
