import type { FileHandle } from 'node:fs/promises';
import { open, unlink } from 'node:fs/promises';
import { makeFolders, syncDirectory } from '../../../storage/index.js';
import type { LogAppend, LogEntry, LogRecord, WriteAheadLog } from '../contract.js';
import type { Frame, FrameEntry } from './frame.js';
import {
  MAX_KEY_BYTES,
  decodeFrame,
  encodeFrame,
  entryBytes,
  frameOverheadBytes,
} from './frame.js';
import type { KeyWindowLimits } from './key-window.js';
import { DEFAULT_KEY_WINDOW, KeyWindow } from './key-window.js';
import { takeLock } from './lock-file.js';
import { logErrors } from './log-errors.js';
import { RecentFrames } from './recent-frames.js';
import { readKeys, readReleased, writeKeys, writeReleased } from './log-state.js';
import type { FrameSpan, ScannedLog, Segment } from './segments.js';
import { scanSegments, segmentPath } from './segments.js';

export interface WriteAheadLogOptions {
  /** Disk the log may use; appends past it throw Busy (STREAM_LOG_FULL). */
  quotaBytes: number;
  /** Size at which a new segment file starts. Default 64 MiB, at most a quarter of the quota. */
  segmentBytes?: number;
  /** How long idempotency keys are remembered. Default 100,000 keys / 24 h. */
  keyWindow?: KeyWindowLimits;
}

const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
/** One group commit writes at most this much, so one huge burst does not delay everyone's fsync. */
const MAX_FRAME_BYTES = 8 * 1024 * 1024;
/** Budget of decoded recent frames (see RecentFrames). */
const CACHE_BYTES = 32 * 1024 * 1024;

interface Waiting {
  entry: FrameEntry;
  bytes: number;
  resolve: (done: LogAppend) => void;
  reject: (err: unknown) => void;
}

/** Opens (creating or recovering) the write-ahead log in `dir`, which this process then owns. */
export async function openWriteAheadLog(
  dir: string,
  options: WriteAheadLogOptions,
): Promise<WriteAheadLog> {
  await makeFolders(dir);
  const unlock = await takeLock(dir);
  try {
    const keys = new KeyWindow(options.keyWindow ?? DEFAULT_KEY_WINDOW);
    for (const [key, append] of await readKeys(dir)) keys.add(key, append);
    const released = await readReleased(dir);
    const scanned = await scanSegments(dir);
    for (const [key, append] of scanned.keys) keys.add(key, append);
    const log = new FileWriteAheadLog(dir, options, scanned, released, keys, unlock);
    await log.openActive();
    return log;
  } catch (err) {
    await unlock();
    throw err;
  }
}

class FileWriteAheadLog implements WriteAheadLog {
  private readonly segmentBytes: number;
  private readonly segments: Segment[];
  private frames: FrameSpan[];
  private last: bigint;
  private diskBytes: number;
  private active: FileHandle | undefined;
  private waiting: Waiting[] = [];
  private waitingBytes = 0;
  private readonly keysInFlight = new Map<string, Promise<LogAppend>>();
  private draining: Promise<void> | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly recent = new RecentFrames(CACHE_BYTES);
  private freed: Array<{ at: number; bytes: number }> = [];
  private closed = false;
  private broken: unknown;

  constructor(
    private readonly dir: string,
    private readonly options: WriteAheadLogOptions,
    scanned: ScannedLog,
    private released: bigint,
    private readonly keys: KeyWindow,
    private readonly unlock: () => Promise<void>,
  ) {
    this.segmentBytes =
      options.segmentBytes ?? Math.min(DEFAULT_SEGMENT_BYTES, Math.floor(options.quotaBytes / 4));
    this.segments = scanned.segments;
    this.frames = scanned.frames;
    const newest = this.segments.at(-1)?.last ?? 0n;
    this.last = [scanned.last, released, newest].reduce((a, b) => (b > a ? b : a));
    this.diskBytes = this.segments.reduce((sum, s) => sum + s.size, 0);
  }

  async openActive(): Promise<void> {
    const newest = this.segments.at(-1);
    if (newest !== undefined) this.active = await open(newest.path, 'r+');
  }

  append(entry: LogEntry): Promise<LogAppend> {
    if (this.closed) return Promise.reject(logErrors.closed(this.dir));
    if (this.broken !== undefined) return Promise.reject(logErrors.failed(this.dir, this.broken));
    if (entry.records.length === 0) return Promise.reject(logErrors.emptyEntry());
    const key = entry.key;
    if (key !== undefined) {
      const keyBytes = Buffer.byteLength(key);
      if (keyBytes > MAX_KEY_BYTES)
        return Promise.reject(logErrors.keyTooLong(keyBytes, MAX_KEY_BYTES));
      const seen = this.keys.find(key, Date.now());
      if (seen !== undefined) {
        return Promise.resolve({
          firstSequence: seen.first.toString(),
          lastSequence: seen.last.toString(),
          duplicate: true,
        });
      }
      const inFlight = this.keysInFlight.get(key);
      if (inFlight !== undefined) return inFlight.then((done) => ({ ...done, duplicate: true }));
    }
    const frameEntry: FrameEntry = { key, records: entry.records };
    const bytes = entryBytes(frameEntry);
    const needed = bytes + frameOverheadBytes();
    if (needed > this.options.quotaBytes)
      return Promise.reject(logErrors.entryTooLarge(needed, this.options.quotaBytes));
    const used = this.diskBytes + this.waitingBytes;
    if (used + needed > this.options.quotaBytes) {
      return Promise.reject(
        logErrors.full(used, this.options.quotaBytes, this.retryAfterSeconds(used + needed)),
      );
    }
    const done = new Promise<LogAppend>((resolve, reject) => {
      this.waiting.push({ entry: frameEntry, bytes, resolve, reject });
    });
    this.waitingBytes += bytes;
    if (key !== undefined) {
      this.keysInFlight.set(key, done);
      const forget = () => this.keysInFlight.delete(key);
      done.then(forget, forget);
    }
    this.draining ??= this.drain();
    return done;
  }

  /** Group commit: whatever arrived while the previous write was being synced goes out in one frame. */
  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      let bytes = 0;
      let count = 0;
      while (
        count < this.waiting.length &&
        (count === 0 || bytes + (this.waiting[count]?.bytes ?? 0) <= MAX_FRAME_BYTES)
      ) {
        bytes += this.waiting[count]?.bytes ?? 0;
        count++;
      }
      const batch = this.waiting.splice(0, count);
      await this.exclusive(() => this.writeFrame(batch));
      this.waitingBytes -= bytes;
    }
    // No await between the emptiness check and this line: an append either saw us draining or starts anew.
    this.draining = undefined;
  }

  private async writeFrame(batch: Waiting[]): Promise<void> {
    if (this.broken !== undefined) {
      for (const w of batch) w.reject(logErrors.failed(this.dir, this.broken));
      return;
    }
    const frame: Frame = {
      firstSequence: this.last + 1n,
      appendedAt: Date.now(),
      entries: batch.map((w) => w.entry),
    };
    const buf = encodeFrame(frame);
    let segment: Segment | undefined;
    try {
      segment = await this.segmentFor(buf.length, frame.firstSequence);
      await this.active?.write(buf, 0, buf.length, segment.size);
      await this.active?.datasync();
    } catch (err) {
      await this.undoPartialWrite(segment, err);
      for (const w of batch) w.reject(logErrors.failed(this.dir, err));
      return;
    }
    const span: FrameSpan = {
      segment,
      offset: segment.size,
      length: buf.length,
      first: frame.firstSequence,
      last: frame.firstSequence,
      cached: undefined,
    };
    segment.size += buf.length;
    this.diskBytes += buf.length;
    let next = frame.firstSequence;
    for (const w of batch) {
      const first = next;
      next += BigInt(w.entry.records.length);
      if (w.entry.key !== undefined)
        this.keys.add(w.entry.key, { first, last: next - 1n, at: frame.appendedAt });
      w.resolve({
        firstSequence: first.toString(),
        lastSequence: (next - 1n).toString(),
        duplicate: false,
      });
    }
    span.last = next - 1n;
    segment.last = span.last;
    this.last = span.last;
    this.frames.push(span);
    this.recent.remember(span, buf);
  }

  /** A failed write may have left part of a frame; cut it so later frames do not follow garbage. */
  private async undoPartialWrite(segment: Segment | undefined, err: unknown): Promise<void> {
    if (segment === undefined || this.active === undefined) return;
    try {
      await this.active.truncate(segment.size);
      await this.active.datasync();
    } catch {
      this.broken = err;
    }
  }

  private async segmentFor(bytes: number, first: bigint): Promise<Segment> {
    const newest = this.segments.at(-1);
    if (
      newest !== undefined &&
      this.active !== undefined &&
      (newest.size === 0 || newest.size + bytes <= this.segmentBytes)
    ) {
      return newest;
    }
    await this.active?.close();
    this.active = undefined;
    const segment: Segment = { path: segmentPath(this.dir, first), size: 0, last: first - 1n };
    this.active = await open(segment.path, 'wx');
    // The new file's directory entry must be durable before anything in it is acknowledged.
    await syncDirectory(this.dir);
    this.segments.push(segment);
    return segment;
  }

  async read(after: string, limit: { records: number; maxBytes: number }): Promise<LogRecord[]> {
    const requested = BigInt(after);
    const from = (requested > this.released ? requested : this.released) + 1n;
    const out: LogRecord[] = [];
    let bytes = 0;
    for (let i = this.firstSpanHolding(from); i < this.frames.length; i++) {
      const span = this.frames[i];
      if (span === undefined) break;
      const frame = span.cached ?? (await this.exclusive(() => this.load(span)));
      const appendedAt = new Date(frame.appendedAt);
      let sequence = frame.firstSequence;
      for (const entry of frame.entries) {
        for (const value of entry.records) {
          if (sequence >= from) {
            if (
              out.length >= limit.records ||
              (out.length > 0 && bytes + value.length > limit.maxBytes)
            )
              return out;
            out.push({ sequence: sequence.toString(), value, appendedAt });
            bytes += value.length;
          }
          sequence++;
        }
      }
    }
    return out;
  }

  private firstSpanHolding(sequence: bigint): number {
    let lo = 0;
    let hi = this.frames.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.frames[mid]?.last ?? 0n) < sequence) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private async load(span: FrameSpan): Promise<Frame> {
    const handle = await open(span.segment.path, 'r');
    try {
      const buf = Buffer.allocUnsafe(span.length);
      await handle.read(buf, 0, span.length, span.offset);
      const read = decodeFrame(buf, 0);
      if (!read.ok)
        throw logErrors.corrupt(
          span.segment.path,
          span.offset,
          'a frame changed after it was written',
        );
      return read.frame;
    } finally {
      await handle.close();
    }
  }

  lastSequence(): string {
    return this.last.toString();
  }

  async release(sequence: string): Promise<void> {
    const upTo = BigInt(sequence);
    if (upTo > this.last) throw logErrors.releaseAhead(sequence, this.last.toString());
    if (upTo <= this.released) return;
    await this.exclusive(() => this.forget(upTo));
  }

  /** Crash-safe order: keys of the doomed segments, then the released point, then the deletes. */
  private async forget(upTo: bigint): Promise<void> {
    if (upTo <= this.released) return;
    const doomed = this.segments.filter((s) => s.size > 0 && s.last <= upTo);
    if (doomed.length > 0) await writeKeys(this.dir, this.keys.upTo(doomed.at(-1)?.last ?? 0n));
    await writeReleased(this.dir, upTo);
    this.released = upTo;
    for (const segment of doomed) {
      if (segment === this.segments.at(-1)) {
        await this.active?.close();
        this.active = undefined;
      }
      await unlink(segment.path);
      this.segments.splice(this.segments.indexOf(segment), 1);
      this.diskBytes -= segment.size;
      this.freed.push({ at: Date.now(), bytes: segment.size });
    }
    if (doomed.length > 0) await syncDirectory(this.dir);
    const keep = this.firstSpanHolding(upTo + 1n);
    this.recent.forget(this.frames.slice(0, keep));
    this.frames = this.frames.slice(keep);
  }

  /** How long until the committer has likely freed enough: from the rate it freed disk lately. */
  private retryAfterSeconds(neededTotal: number): number {
    const now = Date.now();
    this.freed = this.freed.filter((f) => f.at > now - 60_000);
    const rate = this.freed.reduce((sum, f) => sum + f.bytes, 0) / 60;
    if (rate === 0) return 5;
    return Math.min(5, Math.max(1, Math.ceil((neededTotal - this.options.quotaBytes) / rate)));
  }

  usedBytes(): number {
    return this.diskBytes;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.draining;
    await this.exclusive(async () => {
      await this.active?.close();
      this.active = undefined;
    });
    await this.unlock();
  }

  /** Writes, segment deletes and disk reads take turns, so a read never meets a half-deleted segment. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.then(work);
    this.chain = run.catch(() => undefined);
    return run;
  }
}
