import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunks, hostedStreams, sleep, until, type HostedStreams } from './hosted-streams.js';
import { checksumSql, retailEvents, type RetailEvents } from './retail-events.js';

const TABLE = 'bronze.retail.sales_events';

const ndjson = (events: string[]) => events.join('\n') + '\n';

describe('an HTTP stream, end to end (retail sales pushed in time order)', () => {
  let server: HostedStreams;
  let retail: RetailEvents;

  const push = (events: string[], key?: string) =>
    server.api('POST', '/streams/retail_sales/records', ndjson(events), {
      'content-type': 'application/x-ndjson',
      ...(key === undefined ? {} : { 'idempotency-key': key }),
    });

  /** What a governed query sees of the table: rows, a checksum over all columns, duplicates. */
  const table = async () => {
    if ((await server.count(TABLE)) === 0) return { rows: 0, checksum: null, duplicates: 0 };
    const [[rows, checksum]] = (await server.query(checksumSql(TABLE))) as [[unknown, unknown]];
    const [[duplicates]] = (await server.query(
      `SELECT count(*) - count(DISTINCT _offset) FROM ${TABLE}`,
    )) as [[unknown]];
    return { rows: Number(rows), checksum: String(checksum), duplicates: Number(duplicates) };
  };
  /** The table once it has at least `rows` rows (watched by count, every 50 ms). */
  const tableUntil = async (rows: number, ms: number) => {
    await until(
      `${rows} rows in ${TABLE}`,
      () => server.count(TABLE),
      (n) => n >= rows,
      ms,
      50,
    );
    return table();
  };

  beforeAll(async () => {
    retail = await retailEvents(3);
    server = await hostedStreams('streams-e2e');
  }, 60_000);

  afterAll(async () => {
    await server?.close();
  });

  it('makes pushed records queryable within about 2 s, exactly once', async () => {
    const created = await server.api('POST', '/streams', {
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
    for (const [day, events] of retail.days.slice(0, 2).entries()) {
      for (const [i, chunk] of chunks(events, 500).entries()) {
        const answer = await push(chunk, `day${day}-${i}`);
        expect(answer.statusCode, answer.body).toBe(200);
        expect(answer.json()).toMatchObject({ accepted: chunk.length, duplicate: false });
        pushed += chunk.length;
      }
    }
    const acknowledgedAt = Date.now();
    const seen = await tableUntil(pushed, 10_000);
    const freshnessMs = Date.now() - acknowledgedAt;
    expect(seen.rows).toBe(pushed);
    expect(seen.duplicates).toBe(0);
    expect(freshnessMs).toBeLessThan(2_500);

    // A client that did not get the answer sends the same request again: not written twice.
    const retried = await push(chunks(retail.days[0]!, 500)[0]!, 'day0-0');
    expect(retried.json()).toMatchObject({ accepted: 500, duplicate: true });
    await sleep(600);
    expect((await table()).rows).toBe(pushed);

    const shown = await until(
      'the stream to show everything committed',
      () => server.stream('retail_sales'),
      (s) => s.status?.committedRecords === pushed,
      3_000,
      50,
    );
    expect(shown.status).toMatchObject({
      committedRecords: pushed,
      lag: 0,
      bufferedRecords: 0,
      deadLettered: 0,
      lastError: null,
      positions: { wal: String(pushed) },
    });
    expect(shown.status!.recordsPerSecond).toBeGreaterThan(0);
    expect(shown.status!.lastSnapshotId).toMatch(/^\d+$/);
  });

  it('holds records while paused, commits them on resume, and replays its log after a restart', async () => {
    expect((await server.api('POST', '/streams/retail_sales/pause')).json()).toMatchObject({
      state: 'paused',
    });
    const before = (await table()).rows;
    const third = chunks(retail.days[2]!, 500);
    const [first, ...rest] = third;
    expect((await push(first!, 'day2-0')).statusCode).toBe(200);
    await sleep(800);
    expect((await table()).rows).toBe(before);

    expect((await server.api('POST', '/streams/retail_sales/resume')).json()).toMatchObject({
      state: 'running',
    });
    expect((await tableUntil(before + first!.length, 5_000)).rows).toBe(before + first!.length);

    // Acknowledged while paused, then the server goes away: the log has them.
    await server.api('POST', '/streams/retail_sales/pause');
    for (const [i, chunk] of rest.entries()) {
      expect((await push(chunk, `day2-${i + 1}`)).statusCode).toBe(200);
    }
    await server.restart();
    await server.api('POST', '/streams/retail_sales/resume');
    const end = await tableUntil(retail.count, 10_000);
    expect(end).toEqual({ rows: retail.count, checksum: retail.checksum, duplicates: 0 });
    // Retrying an old request after the restart is still recognised.
    expect((await push(first!, 'day2-0')).json()).toMatchObject({ duplicate: true });
  });

  it('deletes the stream and keeps its table', async () => {
    expect((await server.api('DELETE', '/streams/retail_sales')).statusCode).toBe(204);
    expect((await server.api('GET', '/streams/retail_sales')).statusCode).toBe(404);
    expect(await table()).toEqual({
      rows: retail.count,
      checksum: retail.checksum,
      duplicates: 0,
    });
  });
});
