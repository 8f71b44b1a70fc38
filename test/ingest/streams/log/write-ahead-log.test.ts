import { afterEach, describe, expect, it } from 'vitest';
import { openWriteAheadLog } from '../../../../src/ingest/streams/index.js';
import type { WriteAheadLog, WriteAheadLogOptions } from '../../../../src/ingest/streams/index.js';
import { records, segmentFiles, tempLogDir } from './temp-log.js';

const MiB = 1024 * 1024;
let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function openTemp(
  options: WriteAheadLogOptions = { quotaBytes: 64 * MiB },
): Promise<{ dir: string; log: WriteAheadLog }> {
  const { dir, remove } = tempLogDir();
  const log = await openWriteAheadLog(dir, options);
  cleanup.push(remove);
  cleanup.push(() => log.close());
  return { dir, log };
}

const text = (rs: Array<{ value: Buffer }>) => rs.map((r) => r.value.toString());

describe('the stream write-ahead log', () => {
  it('reads back what was appended, in order, after a sequence and within limits', async () => {
    const { log } = await openTemp();
    expect(log.lastSequence()).toBe('0');
    const a = await log.append({ records: records('a', 3) });
    const b = await log.append({ records: records('b', 2) });
    expect(a).toEqual({ firstSequence: '1', lastSequence: '3', duplicate: false });
    expect(b).toEqual({ firstSequence: '4', lastSequence: '5', duplicate: false });
    const all = await log.read('0', { records: 100, maxBytes: MiB });
    expect(all.map((r) => r.sequence)).toEqual(['1', '2', '3', '4', '5']);
    expect(text(all)).toEqual([...records('a', 3), ...records('b', 2)].map(String));
    expect(all[0]?.appendedAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect((await log.read('3', { records: 1, maxBytes: MiB })).map((r) => r.sequence)).toEqual([
      '4',
    ]);
    expect((await log.read('0', { records: 100, maxBytes: 300 })).length).toBe(1);
    expect(await log.read('5', { records: 100, maxBytes: MiB })).toEqual([]);
  });

  it('keeps records, sequences and the released point across close and reopen', async () => {
    const { dir, log } = await openTemp();
    await log.append({ records: records('a', 10) });
    await log.release('4');
    await log.close();
    const again = await openWriteAheadLog(dir, { quotaBytes: 64 * MiB });
    cleanup.push(() => again.close());
    expect(again.lastSequence()).toBe('10');
    const rest = await again.read('0', { records: 100, maxBytes: MiB });
    expect(rest.map((r) => r.sequence)).toEqual(['5', '6', '7', '8', '9', '10']);
    expect(text(rest)).toEqual(records('a', 10).slice(4).map(String));
    expect((await again.append({ records: records('b', 1) })).firstSequence).toBe('11');
  });

  it('deletes segments once released, frees their bytes, and keeps counting after everything is gone', async () => {
    const { dir, log } = await openTemp({ quotaBytes: 64 * MiB, segmentBytes: 4096 });
    for (let i = 0; i < 20; i++) await log.append({ records: records(`r${i}`, 5) });
    expect(segmentFiles(dir).length).toBeGreaterThan(3);
    const before = log.usedBytes();
    await log.release('50');
    expect(log.usedBytes()).toBeLessThan(before);
    expect((await log.read('0', { records: 1, maxBytes: MiB }))[0]?.sequence).toBe('51');
    await log.release('100');
    expect(segmentFiles(dir)).toEqual([]);
    expect(log.usedBytes()).toBe(0);
    await log.close();
    const again = await openWriteAheadLog(dir, { quotaBytes: 64 * MiB });
    cleanup.push(() => again.close());
    expect(again.lastSequence()).toBe('100');
    expect((await again.append({ records: records('next', 1) })).firstSequence).toBe('101');
    expect(await again.read('0', { records: 10, maxBytes: MiB })).toHaveLength(1);
    await expect(again.release('500')).rejects.toMatchObject({ code: 'STREAM_LOG_RELEASE_AHEAD' });
  });

  it('answers a repeated key with the first append, in the same process, after reopen and after release', async () => {
    const { dir, log } = await openTemp();
    const first = await log.append({ records: records('k', 3), key: 'req-1' });
    const [same, concurrent] = await Promise.all([
      log.append({ records: records('other', 9), key: 'req-1' }),
      Promise.all([
        log.append({ records: records('c', 2), key: 'req-2' }),
        log.append({ records: records('c', 2), key: 'req-2' }),
      ]),
    ]);
    expect(same).toEqual({ ...first, duplicate: true });
    expect(concurrent[0].duplicate).toBe(false);
    expect(concurrent[1]).toEqual({ ...concurrent[0], duplicate: true });
    expect(log.lastSequence()).toBe('5');
    await log.close();

    const reopened = await openWriteAheadLog(dir, { quotaBytes: 64 * MiB });
    expect(await reopened.append({ records: records('k', 3), key: 'req-1' })).toEqual({
      ...first,
      duplicate: true,
    });
    await reopened.append({ records: records('filler', 1) });
    await reopened.release(reopened.lastSequence());
    expect(segmentFiles(dir)).toEqual([]);
    expect(await reopened.append({ records: records('k', 3), key: 'req-2' })).toEqual({
      ...concurrent[0],
      duplicate: true,
    });
    await reopened.close();

    const afterRelease = await openWriteAheadLog(dir, { quotaBytes: 64 * MiB });
    cleanup.push(() => afterRelease.close());
    expect(await afterRelease.append({ records: records('k', 3), key: 'req-1' })).toEqual({
      ...first,
      duplicate: true,
    });
    expect((await afterRelease.append({ records: records('k', 1), key: 'req-3' })).duplicate).toBe(
      false,
    );
  });

  it('forgets keys beyond the window', async () => {
    const { dir, remove } = tempLogDir();
    cleanup.push(remove);
    const log = await openWriteAheadLog(dir, {
      quotaBytes: 64 * MiB,
      keyWindow: { keys: 2, seconds: 3600 },
    });
    cleanup.push(() => log.close());
    for (const key of ['a', 'b', 'c']) await log.append({ records: records(key, 1), key });
    expect((await log.append({ records: records('a', 1), key: 'a' })).duplicate).toBe(false);
    expect((await log.append({ records: records('c', 1), key: 'c' })).duplicate).toBe(true);
  });

  it('says the log is full (Busy, retry later) past the quota, and too large for a request bigger than it', async () => {
    const { log } = await openTemp({ quotaBytes: 20_000 });
    await log.append({ records: records('a', 40) });
    const full = await log.append({ records: records('b', 60) }).catch((e: unknown) => e);
    expect(full).toMatchObject({ code: 'STREAM_LOG_FULL', kind: 'busy' });
    const retry = (full as { retryAfterSeconds: number }).retryAfterSeconds;
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(5);
    expect(String((full as Error).message)).toMatch(/log is full.*committer is behind/);
    await expect(log.append({ records: records('c', 200) })).rejects.toMatchObject({
      code: 'STREAM_LOG_ENTRY_TOO_LARGE',
      kind: 'too_large',
    });
    await log.release(log.lastSequence());
    expect((await log.append({ records: records('b', 60) })).firstSequence).toBe('41');
  });

  it('rejects empty entries and refuses appends after close', async () => {
    const { log } = await openTemp();
    await expect(log.append({ records: [] })).rejects.toMatchObject({
      code: 'STREAM_LOG_EMPTY_ENTRY',
    });
    await log.close();
    await expect(log.append({ records: records('a', 1) })).rejects.toMatchObject({
      code: 'STREAM_LOG_CLOSED',
    });
  });

  it('keeps sequences dense and ordered under many concurrent appends, with few fsyncs', async () => {
    const { log } = await openTemp({ quotaBytes: 256 * MiB });
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) => log.append({ records: records(`p${i}`, 1 + (i % 7)) })),
    );
    const spans = results.map((r) => [BigInt(r.firstSequence), BigInt(r.lastSequence)] as const);
    spans.sort((x, y) => (x[0] < y[0] ? -1 : 1));
    let next = 1n;
    for (const [first, last] of spans) {
      expect(first).toBe(next);
      next = last + 1n;
    }
    // Order of calls is the order of sequences.
    expect(results.map((r) => BigInt(r.firstSequence))).toEqual(spans.map((s) => s[0]));
    const read = await log.read('0', { records: 10_000, maxBytes: 64 * MiB });
    expect(read.map((r) => r.sequence)).toEqual(
      Array.from({ length: read.length }, (_, i) => String(i + 1)),
    );
    expect(String(read.length)).toBe(log.lastSequence());
  });

  it('is held by one process at a time', async () => {
    const { dir, log } = await openTemp();
    await expect(openWriteAheadLog(dir, { quotaBytes: MiB })).rejects.toMatchObject({
      code: 'STREAM_LOG_LOCKED',
      details: { pid: process.pid },
    });
    await log.close();
    const again = await openWriteAheadLog(dir, { quotaBytes: MiB });
    await again.close();
  });
});
