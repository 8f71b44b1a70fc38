import { open, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Frame } from './frame.js';
import { FRAME_MAGIC, decodeFrame, recordCount } from './frame.js';
import type { KeyedAppend } from './key-window.js';
import { logErrors } from './log-errors.js';

/** A segment file, named after the sequence of its first record so names sort in log order. */
export interface Segment {
  path: string;
  /** Bytes written (and synced) so far. */
  size: number;
  /** Sequence of its newest record; first - 1 while it is empty. */
  last: bigint;
}

/** Where one frame lives, so a read can find records by sequence without scanning. */
export interface FrameSpan {
  segment: Segment;
  offset: number;
  length: number;
  first: bigint;
  last: bigint;
  /** The decoded frame while it is in the recent-frames cache. */
  cached: Frame | undefined;
}

const SEGMENT_NAME = /^segment-(\d{20})\.log$/;

export function segmentPath(dir: string, first: bigint): string {
  return path.join(dir, `segment-${first.toString().padStart(20, '0')}.log`);
}

export interface ScannedLog {
  segments: Segment[];
  frames: FrameSpan[];
  keys: Array<[string, KeyedAppend]>;
  /** Newest good sequence in the segments, 0 when they hold none. */
  last: bigint;
}

/** True when a good frame starts anywhere after `from`: the damage is not a torn tail. */
function goodFrameAfter(buf: Buffer, from: number): boolean {
  for (
    let at = buf.indexOf(FRAME_MAGIC, from + 1);
    at >= 0;
    at = buf.indexOf(FRAME_MAGIC, at + 1)
  ) {
    if (decodeFrame(buf, at).ok) return true;
  }
  return false;
}

async function cutTail(file: string, offset: number): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.truncate(offset);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Reads every segment, checking each frame. Only the newest segment may end in a
 * damaged frame (a crash during its write, never acknowledged): it is cut off. Any
 * other damage means acknowledged records are lost, so opening fails and says where.
 */
export async function scanSegments(dir: string): Promise<ScannedLog> {
  const names = (await readdir(dir)).filter((n) => SEGMENT_NAME.test(n)).sort();
  const segments: Segment[] = [];
  const frames: FrameSpan[] = [];
  const keys: Array<[string, KeyedAppend]> = [];
  let expected: bigint | undefined;
  for (const [index, name] of names.entries()) {
    const file = path.join(dir, name);
    const buf = await readFile(file);
    const segment: Segment = {
      path: file,
      size: 0,
      last: BigInt(SEGMENT_NAME.exec(name)?.[1] ?? '1') - 1n,
    };
    let offset = 0;
    while (offset < buf.length) {
      const read = decodeFrame(buf, offset);
      if (!read.ok) {
        if (index < names.length - 1)
          throw logErrors.corrupt(file, offset, 'a damaged frame in a full segment');
        if (goodFrameAfter(buf, offset))
          throw logErrors.corrupt(file, offset, 'a damaged frame before good ones');
        await cutTail(file, offset);
        break;
      }
      const { frame } = read;
      if (expected !== undefined && frame.firstSequence !== expected) {
        throw logErrors.corrupt(
          file,
          offset,
          `sequence ${frame.firstSequence} where ${expected} was expected`,
        );
      }
      const last = frame.firstSequence + BigInt(recordCount(frame)) - 1n;
      frames.push({
        segment,
        offset,
        length: read.end - offset,
        first: frame.firstSequence,
        last,
        cached: undefined,
      });
      let next = frame.firstSequence;
      for (const entry of frame.entries) {
        const entryLast = next + BigInt(entry.records.length) - 1n;
        if (entry.key !== undefined)
          keys.push([entry.key, { first: next, last: entryLast, at: frame.appendedAt }]);
        next = entryLast + 1n;
      }
      expected = last + 1n;
      segment.last = last;
      offset = read.end;
    }
    segment.size = offset;
    segments.push(segment);
  }
  return { segments, frames, keys, last: expected === undefined ? 0n : expected - 1n };
}
