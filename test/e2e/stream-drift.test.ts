// Issue 6: a field that appears mid-stream, under each drift policy. `evolve` adds a column
// (earlier rows null in it); `dead-letter` sets those records aside in <table>__dead_letter
// with the reason and the bytes as sent, the others reach the table; `fail` stops the stream
// with STREAM_SCHEMA_DRIFT and commits nothing from the failing batch on, until the table is
// fixed and the stream resumed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostedStreams, sleep, until, type HostedStreams } from './hosted-streams.js';

let server: HostedStreams;
beforeAll(async () => {
  server = await hostedStreams('stream-drift');
}, 60_000);
afterAll(async () => {
  await server?.close();
});

interface Reading {
  id: number;
  sensor: string;
  temperature: number;
  /** The new field: sent by sensors with new firmware, from id 150 on. */
  humidity?: number;
}

function readings(from: number, to: number): Reading[] {
  const out: Reading[] = [];
  for (let id = from; id < to; id++) {
    out.push({
      id,
      sensor: `s${id % 7}`,
      temperature: 20 + (id % 10) / 4,
      ...(id >= 150 && id < 200 ? { humidity: 40 + (id % 5) } : {}),
    });
  }
  return out;
}

const lines = (records: Reading[]) => records.map((r) => JSON.stringify(r));

async function push(stream: string, records: Reading[]): Promise<void> {
  const answer = await server.api(
    'POST',
    `/streams/${stream}/records`,
    lines(records).join('\n') + '\n',
    { 'content-type': 'application/x-ndjson' },
  );
  expect(answer.statusCode, answer.body).toBe(200);
  expect(answer.json()).toMatchObject({ accepted: records.length });
}

async function create(policy: string, stream: string): Promise<void> {
  await server.createStream({
    name: stream,
    table: `bronze.drift.${stream}`,
    source: { kind: 'http' },
    drift: policy,
    batch: { maxIntervalMs: 200 },
  });
  // 150 readings of the old shape; the table's schema comes from them.
  await push(stream, readings(0, 150));
  await until(
    'the first readings committed',
    () => server.count(`bronze.drift.${stream}`),
    (n) => n === 150,
    20_000,
  );
}

async function columnsOf(table: string): Promise<string[]> {
  const answer = await server.api('POST', '/query', { sql: `SELECT * FROM ${table} LIMIT 0` });
  expect(answer.statusCode, answer.body).toBe(200);
  return answer.json<{ columns: { name: string }[] }>().columns.map((c) => c.name);
}

describe('drift policy evolve', () => {
  it('adds the new field as a column; earlier rows are null in it', async () => {
    await create('evolve', 'evolve_readings');
    // One request: 50 readings with humidity, then 100 without again.
    await push('evolve_readings', readings(150, 300));
    const table = 'bronze.drift.evolve_readings';
    await until(
      'all readings committed',
      () => server.count(table),
      (n) => n >= 300,
      20_000,
    );

    expect(await columnsOf(table)).toContain('humidity');
    const [summary] = await server.query(
      `SELECT count(*), count(DISTINCT id), count(humidity), min(id) FILTER (WHERE humidity IS NOT NULL),
              max(id) FILTER (WHERE humidity IS NOT NULL), sum(humidity)
       FROM ${table}`,
    );
    const expectedHumidity = readings(150, 200).reduce((sum, r) => sum + r.humidity!, 0);
    expect(summary!.map(Number)).toEqual([300, 300, 50, 150, 199, expectedHumidity]);
    const shown = await server.stream('evolve_readings');
    expect(shown).toMatchObject({ state: 'running', status: { deadLettered: 0 } });
    expect(await server.count(`${table}__dead_letter`)).toBe(0);
  });
});

describe('drift policy dead-letter', () => {
  it('sets records with the new field aside with the reason and raw bytes; the rest reach the table', async () => {
    await create('dead-letter', 'dl_readings');
    const later = readings(150, 300);
    await push('dl_readings', later);
    const table = 'bronze.drift.dl_readings';
    await until(
      'the other readings committed',
      () => server.count(table),
      (n) => n >= 250,
      20_000,
    );
    await until(
      'the readings with humidity set aside',
      () => server.count(`${table}__dead_letter`),
      (n) => n >= 50,
      10_000,
    );

    expect(await columnsOf(table)).not.toContain('humidity');
    const [kept] = await server.query(
      `SELECT count(*), count(DISTINCT id), count(*) FILTER (WHERE id BETWEEN 150 AND 199) FROM ${table}`,
    );
    expect(kept!.map(Number)).toEqual([250, 250, 0]);

    const dead = await server.query(
      `SELECT reason, decode(raw), _stream FROM ${table}__dead_letter ORDER BY _offset`,
    );
    expect(dead.map((row) => row[1])).toEqual(lines(later.filter((r) => r.humidity !== undefined)));
    for (const [reason, , stream] of dead) {
      expect(reason).toMatch(/humidity/);
      expect(stream).toBe('dl_readings');
    }
    const shown = await until(
      'the status to count the dead letters',
      () => server.stream('dl_readings'),
      (s) => s.status?.deadLettered === 50,
      5_000,
    );
    expect(shown).toMatchObject({ state: 'running', status: { committedRecords: 250 } });
  });
});

describe('drift policy fail', () => {
  const table = 'bronze.drift.fail_readings';
  const failed = () =>
    until(
      'the stream to fail',
      () => server.stream('fail_readings'),
      (s) => s.state === 'failed',
      20_000,
    );

  it('stops the stream with STREAM_SCHEMA_DRIFT and commits nothing from the failing batch on', async () => {
    await create('fail', 'fail_readings');
    await push('fail_readings', readings(150, 250));
    const shown = await failed();
    expect(shown.error).toMatch(/humidity/);
    expect(shown.status?.lastError).toMatch(/^STREAM_SCHEMA_DRIFT: .*humidity/);

    // Producers are still answered (records wait in the log), nothing more is committed.
    await push('fail_readings', readings(250, 300));
    await sleep(1_500);
    expect(await server.count(table)).toBe(150);
    expect((await server.stream('fail_readings')).state).toBe('failed');
  });

  it('fails again on the same record when resumed without a fix', async () => {
    const before = await server.stream('fail_readings');
    const resumed = await server.api('POST', '/streams/fail_readings/resume');
    expect(resumed.statusCode, resumed.body).toBe(200);
    expect(resumed.json()).toMatchObject({ state: 'running', error: null });
    const shown = await until(
      'the stream to fail again',
      () => server.stream('fail_readings'),
      (s) => s.state === 'failed' && s.status?.lastErrorAt !== before.status?.lastErrorAt,
      20_000,
    );
    expect(shown.status?.lastError).toMatch(/^STREAM_SCHEMA_DRIFT/);
    expect(await server.count(table)).toBe(150);
  });

  it('commits everything exactly once after the column is added and the stream resumed', async () => {
    const evolved = await server.api('POST', `/tables/${table}/schema`, {
      changes: [{ kind: 'add', name: 'humidity', type: 'double' }],
    });
    expect(evolved.statusCode, evolved.body).toBe(200);
    expect((await server.api('POST', '/streams/fail_readings/resume')).statusCode).toBe(200);
    await until(
      'every reading committed',
      () => server.count(table),
      (n) => n >= 300,
      20_000,
    );
    const [summary] = await server.query(
      `SELECT count(*), count(DISTINCT id), count(humidity) FROM ${table}`,
    );
    expect(summary!.map(Number)).toEqual([300, 300, 50]);
    expect(await server.stream('fail_readings')).toMatchObject({
      state: 'running',
      error: null,
    });
  });
});
