import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectErrorJson, multipart, startTempServer, type TempServer } from './temp-server.js';

const TABLE = 'bronze.crm.signups';
let server: TempServer;

function signupsCsv(): string {
  const cards = ['4111111111111111', '5500000000000004', '378282246310005'];
  const lines = ['id,email,card,comment'];
  for (let i = 0; i < 60; i++) {
    lines.push(`${i},person${i}@example.org,${cards[i % cards.length]},came from the newsletter`);
  }
  return `${lines.join('\n')}\n`;
}

function call(method: 'GET' | 'POST', url: string, payload?: object, token?: string) {
  return server.app.inject({
    method,
    url,
    headers: token === undefined ? server.auth : { authorization: `Bearer ${token}` },
    ...(payload === undefined ? {} : { payload }),
  });
}

type Suggestion = { id: string; column: string; classification: string; status: string };

async function suggestions(query: string): Promise<Suggestion[]> {
  const response = await call('GET', `/api/v1/classifications${query}`);
  expect(response.statusCode).toBe(200);
  return (response.json() as { suggestions: Suggestion[] }).suggestions;
}

beforeAll(async () => {
  server = await startTempServer();
  const body = await multipart({ table: TABLE }, [{ name: 'signups.csv', content: signupsCsv() }]);
  const loaded = await server.app.inject({
    method: 'POST',
    url: '/api/v1/ingest',
    headers: { ...server.auth, ...body.headers },
    payload: body.payload,
  });
  expect(loaded.statusCode).toBe(200);
});

afterAll(async () => {
  await server?.close();
});

describe('classifications over HTTP', () => {
  it('an upload that creates a table is classified on ingest', async () => {
    const found = await suggestions(`?table=${TABLE}`);
    expect(found.map((s) => [s.column, s.classification, s.status])).toEqual([
      ['card', 'credit_card', 'pending'],
      ['email', 'email', 'pending'],
    ]);
  });

  it('runs detection on request with a sample size', async () => {
    const response = await call('POST', `/api/v1/tables/${TABLE}/classify`, { sampleSize: 10 });
    expect(response.statusCode).toBe(200);
    const result = response.json() as {
      table: string;
      sampled: { column: string; values: number }[];
      suggestions: { column: string; sampleSize: number; confidence: number }[];
    };
    expect(result.table).toBe(TABLE);
    expect(result.sampled.map((s) => [s.column, s.values])).toEqual([
      ['id', 10],
      ['email', 10],
      ['card', 10],
      ['comment', 10],
      // Bronze's own columns are text too; they hold nothing sensitive.
      ['_source_file', 10],
      ['_source_system', 10],
      ['_batch_id', 10],
    ]);
    expect(result.suggestions.map((s) => [s.column, s.sampleSize, s.confidence])).toEqual([
      ['card', 10, 1],
      ['email', 10, 1],
    ]);
    const plain = await call('POST', `/api/v1/tables/${TABLE}/classify`);
    expect(plain.statusCode).toBe(200);
    const bad = await call('POST', `/api/v1/tables/${TABLE}/classify`, { sampleSize: 0 });
    expect(bad.statusCode).toBe(400);
  });

  it('accepting tags the column; rejecting keeps the reason', async () => {
    const [card, email] = await suggestions(`?table=${TABLE}`);
    const accepted = await call('POST', `/api/v1/classifications/${email!.id}/accept`);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ status: 'accepted', decidedBy: 'admin' });
    const tags = await call('GET', `/api/v1/tags?securable=column:${TABLE}.email`);
    expect(tags.json()).toMatchObject({ tags: [{ key: 'classification', value: 'email' }] });

    const noReason = await call('POST', `/api/v1/classifications/${card!.id}/reject`, {});
    expect(noReason.statusCode).toBe(400);
    const rejected = await call('POST', `/api/v1/classifications/${card!.id}/reject`, {
      reason: 'test card numbers',
    });
    expect(rejected.json()).toMatchObject({
      status: 'rejected',
      rejectReason: 'test card numbers',
    });
    expect((await suggestions('?status=rejected')).map((s) => s.column)).toEqual(['card']);
    expect((await suggestions('?status=pending')).map((s) => s.column)).toEqual([]);
  });

  it('unknown ids and tables a user may not see are not found', async () => {
    expectErrorJson(
      await call('POST', '/api/v1/classifications/nope/accept'),
      404,
      'CLASSIFICATION_NOT_FOUND',
    );
    const { services } = server;
    const admin = {
      principal: await services.auth.localAdmin(),
      context: { channel: 'api' as const },
    };
    const user = await services.directory.createPrincipal(admin, { name: 'uma', kind: 'user' });
    const { token } = await services.auth.issueToken(user.id, 'test');
    expectErrorJson(
      await call('POST', `/api/v1/tables/${TABLE}/classify`, {}, token),
      404,
      'TABLE_NOT_FOUND',
    );
    const listed = await call('GET', '/api/v1/classifications', undefined, token);
    expect(listed.json()).toEqual({ suggestions: [] });
  });
});
