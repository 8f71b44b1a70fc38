import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WalSource, openWriteAheadLog } from '../../../../src/ingest/streams/index.js';
import type { WriteAheadLog } from '../../../../src/ingest/streams/index.js';
import { collector, waitFor } from './collector.js';

describe('WalSource on a real write-ahead log', () => {
  let dir: string;
  let log: WriteAheadLog;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lakeward-wal-source-'));
    log = await openWriteAheadLog(dir, { quotaBytes: 64 * 1024 * 1024 });
  });
  afterEach(async () => {
    await log.close();
    await rm(dir, { recursive: true, force: true });
  });

  const entry = (first: number, count: number) => ({
    records: Array.from({ length: count }, (_, i) => Buffer.from(JSON.stringify({ n: first + i }))),
  });

  it('delivers what is appended after the table position, also while it runs, and releases only what is committed', async () => {
    await log.append(entry(0, 50));
    const got = collector();
    const source = new WalSource(log);
    await source.start({ wal: '20' }, got.deliver, got.onError);
    await waitFor('30 records', () => got.records.length >= 30);
    await log.append(entry(50, 10));
    await waitFor('40 records', () => got.records.length >= 40);
    expect(got.records.map((r) => Number(r.offset))).toEqual(
      Array.from({ length: 40 }, (_, i) => 21 + i),
    );
    expect(got.records.every((r) => r.partition === 'wal')).toBe(true);
    expect(got.records[0]!.value.toString()).toBe('{"n":20}');

    await source.acknowledge({ wal: '45' });
    await source.close();
    // A restart from the table's position reads on from there.
    const again = collector();
    const next = new WalSource(log);
    await next.start({ wal: '45' }, again.deliver, again.onError);
    await waitFor('15 records', () => again.records.length >= 15);
    await next.close();
    expect(again.records.map((r) => Number(r.offset))[0]).toBe(46);
    expect(got.errors.concat(again.errors)).toEqual([]);
  });

  it('does not read more while a delivery waits (backpressure), and loses nothing', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const seen: number[] = [];
    const source = new WalSource(log, { readLimit: { records: 100, maxBytes: 1 << 20 } });
    await source.start(
      {},
      async (records) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 30));
        seen.push(...records.map((r) => Number(r.offset)));
        inFlight -= 1;
      },
      () => {},
    );
    for (let i = 0; i < 20; i++) await log.append(entry(i * 100, 100));
    await waitFor('2,000 records', () => seen.length >= 2_000);
    await source.close();
    expect(maxInFlight).toBe(1);
    expect(seen).toEqual(Array.from({ length: 2_000 }, (_, i) => i + 1));
  });

  it('refuses to start when the table is ahead of the log (a replaced log would skip records)', async () => {
    await log.append(entry(0, 5));
    await expect(
      new WalSource(log).start(
        { wal: '9' },
        async () => {},
        () => {},
      ),
    ).rejects.toMatchObject({
      code: 'STREAM_LOG_BEHIND_TABLE',
    });
  });
});
