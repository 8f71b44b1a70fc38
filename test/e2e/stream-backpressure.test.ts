// Issue 6: backpressure. A producer faster than the stream's disk quota is told to wait (429
// with Retry-After) instead of having records dropped; when it honours Retry-After and retries,
// every record it got an acknowledgement for is in the table in the end, exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunks, hostedStreams, sleep, until, type HostedStreams } from './hosted-streams.js';

let server: HostedStreams;
beforeAll(async () => {
  server = await hostedStreams('stream-backpressure');
}, 60_000);
afterAll(async () => {
  await server?.close();
});

const RECORDS = 2_000;
const PER_REQUEST = 50;
const PRODUCERS = 4;
/** A request is ~8 KB: the log holds a handful of them. */
const QUOTA_BYTES = 64 * 1024;

interface Rejection {
  status: number;
  code: string;
  retryAfter: string | undefined;
}

describe('a producer faster than the disk quota', () => {
  it('gets 429 with Retry-After, and every acknowledged record ends in the table once', async () => {
    await server.createStream({
      name: 'bp_events',
      table: 'bronze.backpressure.events',
      source: { kind: 'http' },
      logQuotaBytes: QUOTA_BYTES,
      // Slow commits: the log fills faster than they free it.
      batch: { maxIntervalMs: 1_500 },
    });
    const events = Array.from({ length: RECORDS }, (_, id) =>
      JSON.stringify({ id, device: `d${id % 13}`, payload: 'x'.repeat(100), at: Date.now() }),
    );
    const requests = chunks(events, PER_REQUEST).map((part, i) => ({ key: `bp-${i}`, part }));
    const acknowledged: number[] = [];
    const rejections: Rejection[] = [];

    // Producers send as fast as they are answered; a 429 is retried (same key) after Retry-After.
    const produce = async (mine: typeof requests) => {
      for (const { key, part } of mine) {
        for (;;) {
          const answer = await server.api('POST', '/streams/bp_events/records', part.join('\n'), {
            'content-type': 'application/x-ndjson',
            'idempotency-key': key,
          });
          if (answer.statusCode === 200) {
            expect(answer.json()).toMatchObject({ accepted: PER_REQUEST, duplicate: false });
            acknowledged.push(...part.map((e) => (JSON.parse(e) as { id: number }).id));
            break;
          }
          const retryAfter = answer.headers['retry-after'] as string | undefined;
          rejections.push({
            status: answer.statusCode,
            code: answer.json<{ error: { code: string } }>().error.code,
            retryAfter,
          });
          if (answer.statusCode !== 429) throw new Error(`unexpected answer: ${answer.body}`);
          await sleep(Number(retryAfter) * 1000);
        }
      }
    };
    await Promise.all(
      Array.from({ length: PRODUCERS }, (_, p) =>
        produce(requests.filter((_, i) => i % PRODUCERS === p)),
      ),
    );

    expect(rejections.length).toBeGreaterThan(0);
    for (const rejection of rejections) {
      expect(rejection).toMatchObject({ status: 429, code: 'STREAM_LOG_FULL' });
      expect(Number(rejection.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    expect(acknowledged.length).toBe(RECORDS);

    const table = 'bronze.backpressure.events';
    await until(
      'every acknowledged record',
      () => server.count(table),
      (n) => n >= RECORDS,
      20_000,
    );
    const [[rows, ids, lowest, highest]] = (await server.query(
      `SELECT count(*), count(DISTINCT id), min(id), max(id) FROM ${table}`,
    )) as [[unknown, unknown, unknown, unknown]];
    expect([rows, ids, lowest, highest].map(Number)).toEqual([RECORDS, RECORDS, 0, RECORDS - 1]);
    const shown = await until(
      'the log to drain',
      () => server.stream('bp_events'),
      (s) => s.status?.lag === 0,
      5_000,
    );
    expect(shown).toMatchObject({ state: 'running', status: { deadLettered: 0 } });
  }, 120_000);
});
