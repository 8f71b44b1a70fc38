import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openWriteAheadLog } from '../../../../src/ingest/streams/index.js';
import { decodeFrame, recordCount } from '../../../../src/ingest/streams/log/frame.js';
import { records, segmentFiles, tempLogDir } from './temp-log.js';

const MiB = 1024 * 1024;
let removeAll: Array<() => void> = [];
afterEach(() => {
  for (const remove of removeAll) remove();
  removeAll = [];
});

/** A closed log of `frames` appends of 1–5 records each; returns the folder and every value in order. */
async function writtenLog(
  frames: number,
  segmentBytes?: number,
): Promise<{ dir: string; values: string[] }> {
  const { dir, remove } = tempLogDir();
  removeAll.push(remove);
  const log = await openWriteAheadLog(dir, { quotaBytes: 64 * MiB, segmentBytes });
  const values: string[] = [];
  for (let i = 0; i < frames; i++) {
    const batch = records(`f${i}`, 1 + (i % 5), 50 + (i % 13) * 17);
    await log.append({ records: batch, key: `k${i}` });
    values.push(...batch.map(String));
  }
  await log.close();
  return { dir, values };
}

async function readAll(dir: string): Promise<string[]> {
  const log = await openWriteAheadLog(dir, { quotaBytes: 64 * MiB });
  try {
    const out = await log.read('0', { records: 1_000_000, maxBytes: 1024 * MiB });
    expect(out.map((r) => r.sequence)).toEqual(out.map((_, i) => String(i + 1)));
    expect(log.lastSequence()).toBe(String(out.length));
    return out.map((r) => r.value.toString());
  } finally {
    await log.close();
  }
}

describe('opening a write-ahead log after a crash', () => {
  it('cuts a torn tail at any byte and keeps every whole frame before it', async () => {
    const { dir, values } = await writtenLog(40);
    const [segment] = segmentFiles(dir);
    if (segment === undefined) throw new Error('no segment written');
    const whole = fs.readFileSync(segment);
    // Where each frame ends, and how many records are whole up to there.
    const ends: Array<{ end: number; records: number }> = [];
    for (let at = 0, n = 0; at < whole.length;) {
      const read = decodeFrame(whole, at);
      if (!read.ok) throw new Error('the written log does not decode');
      n += recordCount(read.frame);
      ends.push({ end: read.end, records: n });
      at = read.end;
    }
    for (let round = 0; round < 60; round++) {
      const cut = Math.floor(Math.random() * whole.length);
      fs.writeFileSync(segment, whole.subarray(0, cut));
      const kept = await readAll(dir);
      // Whatever survives is a prefix of what was written, and a cut can lose at most the last frame it touched.
      expect(kept).toEqual(values.slice(0, kept.length));
      const intact = ends.filter((e) => e.end <= cut).at(-1) ?? { end: 0, records: 0 };
      expect(kept.length).toBe(intact.records);
      expect(fs.statSync(segment).size).toBe(intact.end);
      // Appending after recovery continues right after the last good record.
      const log = await openWriteAheadLog(dir, { quotaBytes: 64 * MiB });
      expect((await log.append({ records: records('after', 1) })).firstSequence).toBe(
        String(kept.length + 1),
      );
      await log.close();
    }
    // A tail of zeros (a file extended but never written) is also a torn tail.
    fs.writeFileSync(segment, Buffer.concat([whole, Buffer.alloc(4096)]));
    expect(await readAll(dir)).toEqual(values);
  });

  it('refuses to open when a frame in the middle is damaged, naming the file and offset', async () => {
    const { dir } = await writtenLog(30);
    const [segment] = segmentFiles(dir);
    if (segment === undefined) throw new Error('no segment written');
    const bytes = fs.readFileSync(segment);
    const at = Math.floor(bytes.length / 3);
    bytes[at] = (bytes[at] ?? 0) ^ 0xff;
    fs.writeFileSync(segment, bytes);
    const err = await openWriteAheadLog(dir, { quotaBytes: 64 * MiB }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'STREAM_LOG_CORRUPT', details: { file: segment } });
    const { offset } = (err as { details: { offset: number } }).details;
    expect(offset).toBeLessThanOrEqual(at);
    expect((err as Error).message).toContain(segment);
    expect((err as { hint: string }).hint).toContain(`truncate -s ${offset}`);
    // Nothing was cut: the damaged file is left as it was for the operator.
    expect(fs.statSync(segment).size).toBe(bytes.length);
    // And the failed open released its lock.
    expect(fs.existsSync(path.join(dir, 'lock'))).toBe(false);
  });

  it('refuses to open when an older segment is damaged', async () => {
    const { dir } = await writtenLog(60, 2048);
    const files = segmentFiles(dir);
    expect(files.length).toBeGreaterThan(2);
    const first = files[0] ?? '';
    fs.truncateSync(first, fs.statSync(first).size - 3);
    await expect(openWriteAheadLog(dir, { quotaBytes: 64 * MiB })).rejects.toMatchObject({
      code: 'STREAM_LOG_CORRUPT',
      details: { file: first },
    });
  });

  it('takes over the lock of a process that died', async () => {
    const { dir } = await writtenLog(2);
    fs.writeFileSync(path.join(dir, 'lock'), '999999999');
    expect(await readAll(dir)).toHaveLength(3);
  });
});
