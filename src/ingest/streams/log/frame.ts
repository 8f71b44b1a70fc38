import { crc32 } from 'node:zlib';

/**
 * One frame is one group commit: every entry written by one write + fdatasync. Because
 * the next frame is only written after this one is on disk, a damaged frame followed by
 * a good one cannot be a crash during a write: that is how recovery tells a torn tail
 * (cut off) from real corruption (refuse to open).
 *
 * Layout (little endian):
 *   magic u32 | body length u32 | crc32 of (length, body) u32 | body
 *   body: first sequence u64 | appended at (ms) f64 | entry count u32 | entries
 *   entry: key length u16 (0xffff = no key) | key utf8 | record count u32 | records
 *   record: length u32 | bytes (one JSON object)
 */
export const FRAME_MAGIC = Buffer.from('LWL1', 'latin1');
export const FRAME_HEADER_BYTES = 12;
const BODY_FIXED_BYTES = 8 + 8 + 4;
const NO_KEY = 0xffff;
/** Longest idempotency key in UTF-8 bytes (u16 length, one value reserved for "no key"). */
export const MAX_KEY_BYTES = 1024;

export interface FrameEntry {
  key: string | undefined;
  records: Buffer[];
}

export interface Frame {
  firstSequence: bigint;
  appendedAt: number;
  entries: FrameEntry[];
}

/** Bytes an entry adds to a frame: used for quota checks before the frame exists. */
export function entryBytes(entry: FrameEntry): number {
  let size = 2 + (entry.key === undefined ? 0 : Buffer.byteLength(entry.key)) + 4;
  for (const record of entry.records) size += 4 + record.length;
  return size;
}

export function frameOverheadBytes(): number {
  return FRAME_HEADER_BYTES + BODY_FIXED_BYTES;
}

export function encodeFrame(frame: Frame): Buffer {
  let bodyLength = BODY_FIXED_BYTES;
  for (const entry of frame.entries) bodyLength += entryBytes(entry);
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + bodyLength);
  FRAME_MAGIC.copy(out, 0);
  out.writeUInt32LE(bodyLength, 4);
  let at = FRAME_HEADER_BYTES;
  out.writeBigUInt64LE(frame.firstSequence, at);
  out.writeDoubleLE(frame.appendedAt, at + 8);
  out.writeUInt32LE(frame.entries.length, at + 16);
  at += BODY_FIXED_BYTES;
  for (const entry of frame.entries) {
    if (entry.key === undefined) {
      out.writeUInt16LE(NO_KEY, at);
      at += 2;
    } else {
      const written = out.write(entry.key, at + 2, 'utf8');
      out.writeUInt16LE(written, at);
      at += 2 + written;
    }
    out.writeUInt32LE(entry.records.length, at);
    at += 4;
    for (const record of entry.records) {
      out.writeUInt32LE(record.length, at);
      record.copy(out, at + 4);
      at += 4 + record.length;
    }
  }
  out.writeUInt32LE(crc32(out.subarray(FRAME_HEADER_BYTES), crc32(out.subarray(4, 8))), 8);
  return out;
}

export type FrameRead = { ok: true; frame: Frame; end: number } | { ok: false };

/** Decodes the frame at `offset`; `ok: false` when it is incomplete, damaged or not a frame. */
export function decodeFrame(buf: Buffer, offset: number): FrameRead {
  if (offset + FRAME_HEADER_BYTES > buf.length) return { ok: false };
  if (!buf.subarray(offset, offset + 4).equals(FRAME_MAGIC)) return { ok: false };
  const bodyLength = buf.readUInt32LE(offset + 4);
  const bodyStart = offset + FRAME_HEADER_BYTES;
  const end = bodyStart + bodyLength;
  if (bodyLength < BODY_FIXED_BYTES || end > buf.length) return { ok: false };
  const body = buf.subarray(bodyStart, end);
  const expected = crc32(body, crc32(buf.subarray(offset + 4, offset + 8)));
  if (expected !== buf.readUInt32LE(offset + 8)) return { ok: false };
  const frame = parseBody(body);
  return frame === undefined ? { ok: false } : { ok: true, frame, end };
}

function parseBody(body: Buffer): Frame | undefined {
  const firstSequence = body.readBigUInt64LE(0);
  const appendedAt = body.readDoubleLE(8);
  const count = body.readUInt32LE(16);
  const entries: FrameEntry[] = [];
  let at = BODY_FIXED_BYTES;
  for (let i = 0; i < count; i++) {
    if (at + 6 > body.length) return undefined;
    const keyLength = body.readUInt16LE(at);
    at += 2;
    let key: string | undefined;
    if (keyLength !== NO_KEY) {
      if (at + keyLength + 4 > body.length) return undefined;
      key = body.toString('utf8', at, at + keyLength);
      at += keyLength;
    }
    const recordCount = body.readUInt32LE(at);
    at += 4;
    const records: Buffer[] = [];
    for (let r = 0; r < recordCount; r++) {
      if (at + 4 > body.length) return undefined;
      const length = body.readUInt32LE(at);
      if (at + 4 + length > body.length) return undefined;
      records.push(body.subarray(at + 4, at + 4 + length));
      at += 4 + length;
    }
    entries.push({ key, records });
  }
  return at === body.length ? { firstSequence, appendedAt, entries } : undefined;
}

/** Records in a frame: its last sequence is firstSequence + recordCount - 1. */
export function recordCount(frame: Frame): number {
  let n = 0;
  for (const entry of frame.entries) n += entry.records.length;
  return n;
}
