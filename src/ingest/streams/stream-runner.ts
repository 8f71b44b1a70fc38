import { LakewardError } from '../../errors/index.js';
import type {
  CommitOptions,
  CommitResult,
  MicroBatch,
  Positions,
  PreparedRecords,
  StreamDefinition,
  StreamRecord,
  StreamSource,
  WriteAheadLog,
} from './contract.js';
import { CommitRates } from './stream-status.js';
import type { StreamStatus } from './stream-status.js';

/** What the runner needs of the StreamWriter. */
export interface StreamCommitter {
  committedPositions(): Promise<Positions>;
  /** Decodes records ahead of their commit (optional: then commit decodes). */
  prepare?(records: StreamRecord[]): PreparedRecords | undefined;
  commit(batch: MicroBatch, options?: CommitOptions): Promise<CommitResult>;
  close(): Promise<void>;
}

/** Records cut from the buffer for one commit. */
interface CutBatch {
  records: StreamRecord[];
  bytes: number;
  prepared?: PreparedRecords;
}

export interface StreamRunnerDeps {
  definition: StreamDefinition;
  writer: StreamCommitter;
  source: StreamSource;
  /** The stream's write-ahead log (HTTP, MQTT): its records not read yet count in the lag. */
  log?: Pick<WriteAheadLog, 'lastSequence'>;
  /** The position key of that log's records (default 'wal'). */
  logPartition?: string;
  /** The drift policy `fail` stopped the stream: nothing after the failed batch is acknowledged. */
  onFailed(error: Error): void;
  /** After each commit (the table may have been created or its schema changed). */
  onCommitted?(result: CommitResult): void;
  now?: () => number;
}

/** The position key of the write-ahead log's records (contract: Positions). */
const LOG_PARTITION = 'wal';
/** Records of a source without partitions. */
const NO_PARTITION = '-';
/**
 * About what a held record takes besides its bytes (its object, position text, the
 * source's buffers it keeps alive): counted against the stream's memory limit so that the
 * limit bounds what records cost the process, not only their payloads.
 */
const RECORD_OVERHEAD_BYTES = 256;
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;

class Stopped extends Error {}

/**
 * Moves records from a source through micro-batches into the table, one commit at a
 * time: records wait in memory (bounded: a full buffer makes `deliver` wait, which is the
 * backpressure) until a batch limit (records, bytes, or time since the first waiting
 * record) cuts a batch; the batch is committed with the positions it brings the stream
 * to, and only then acknowledged to the source. A failed commit is retried with back-off
 * (the same records, so nothing is lost or doubled); schema drift under the `fail`
 * policy stops the stream without acknowledging.
 */
export class StreamRunner {
  readonly #deps: StreamRunnerDeps;
  readonly #now: () => number;
  readonly #rates: CommitRates;
  #buffer: StreamRecord[] = [];
  #bufferedBytes = 0;
  #inFlightRecords = 0;
  #inFlightBytes = 0;
  #firstWaitingAt: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #draining: Promise<void> | undefined;
  #spaceWaiters: (() => void)[] = [];
  #started = false;
  #stopped = false;
  #failed = false;
  #positions: Positions = {};
  #committedRecords = 0;
  #deadLettered = 0;
  #lastCommitAt: number | undefined;
  #lastSnapshotId: string | null = null;
  #lastError: { message: string; at: number } | undefined;
  #retrying = false;
  #wakeRetry: (() => void) | undefined;
  /** Stop's wait is over: a commit still failing gives up (its records are not acknowledged). */
  #abandoned = false;

  constructor(deps: StreamRunnerDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#rates = new CommitRates(this.#now());
  }

  get name(): string {
    return this.#deps.definition.name;
  }

  /** Reads the positions already in the table and starts the source after them. */
  async start(): Promise<void> {
    this.#positions = await this.#deps.writer.committedPositions();
    await this.#deps.source.start(
      { ...this.#positions },
      (records) => this.#deliver(records),
      (error) => this.#report(error),
    );
    this.#started = true;
  }

  /**
   * Stops taking records, commits what is buffered (waiting at most `timeoutMs`: what is
   * not committed then is not acknowledged, so the source gives it again), closes the source.
   */
  async stop(timeoutMs: number, options: { flush?: boolean } = {}): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#releaseWaiters();
    // flush: false (the stream's lease was lost): what is buffered is dropped unacknowledged
    // for the stream's next holder to read again; a commit under way ends, retries do not.
    if (options.flush === false) this.#dropBuffered();
    // One commit at a time: the one under way ends first, then everything left goes.
    const flushed = this.#failed
      ? Promise.resolve()
      : (async () => {
          await this.#draining;
          await this.#drain(true);
        })();
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([
      flushed.catch(() => undefined),
      new Promise<void>((resolve) => {
        timeout = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timeout);
    this.#abandoned = true;
    this.#wakeRetry?.();
    await this.#deps.source.close().catch((err: unknown) => this.#report(err));
    await this.#deps.writer.close().catch((err: unknown) => this.#report(err));
  }

  status(): StreamStatus {
    const now = this.#now();
    const buffered = this.#buffer.length + this.#inFlightRecords;
    return {
      state: this.#failed ? 'failed' : this.#started ? 'running' : 'starting',
      lag: buffered + this.#unread(),
      bufferedRecords: buffered,
      bufferedBytes: this.#bufferedBytes + this.#inFlightBytes,
      ...this.#rates.rates(now),
      committedRecords: this.#committedRecords,
      deadLettered: this.#deadLettered,
      lastCommitAt: isoOrNull(this.#lastCommitAt),
      lastSnapshotId: this.#lastSnapshotId,
      lastError: this.#lastError?.message ?? null,
      lastErrorAt: isoOrNull(this.#lastError?.at),
      retrying: this.#retrying,
      positions: { ...this.#positions },
      at: new Date(now).toISOString(),
    };
  }

  #unread(): number {
    const { log } = this.#deps;
    if (log === undefined) return 0;
    const unread =
      BigInt(log.lastSequence()) -
      BigInt(this.#positions[this.#deps.logPartition ?? LOG_PARTITION] ?? '0');
    // Buffered records are past the committed position too: count them once.
    return Math.max(0, Number(unread) - this.#buffer.length - this.#inFlightRecords);
  }

  async #deliver(records: StreamRecord[]): Promise<void> {
    if (this.#stopped) throw new Stopped(`stream ${this.name} is stopping`);
    if (records.length === 0) return;
    for (const record of records) {
      this.#buffer.push(record);
      this.#bufferedBytes += record.value.length;
    }
    if (this.#firstWaitingAt === undefined) this.#startInterval();
    if (this.#batchIsFull()) this.#kick();
    const { memoryLimitBytes } = this.#deps.definition;
    while (!this.#stopped && this.#heldBytes() >= memoryLimitBytes) {
      this.#kick();
      await new Promise<void>((resolve) => this.#spaceWaiters.push(resolve));
    }
  }

  /** What the records held take in memory: their bytes and what each record costs besides. */
  #heldBytes(): number {
    const records = this.#buffer.length + this.#inFlightRecords;
    return this.#bufferedBytes + this.#inFlightBytes + records * RECORD_OVERHEAD_BYTES;
  }

  #startInterval(): void {
    this.#firstWaitingAt = this.#now();
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#kick(true), this.#deps.definition.batch.maxIntervalMs);
  }

  #batchIsFull(): boolean {
    const { maxRecords, maxBytes } = this.#deps.definition.batch;
    return this.#buffer.length >= maxRecords || this.#bufferedBytes >= maxBytes;
  }

  /** Starts committing unless a commit is under way (it looks at the buffer again after). */
  #kick(intervalPassed = false): void {
    if (this.#draining !== undefined || this.#failed) return;
    this.#draining = this.#drain(intervalPassed)
      .catch((err: unknown) => {
        if (!(err instanceof Stopped)) this.#report(err);
      })
      .finally(() => {
        this.#draining = undefined;
        if (!this.#stopped && this.#buffer.length > 0) this.#resumeWaiting();
      });
  }

  /**
   * After a commit: what stayed buffered is committed now if its batch is full or its
   * interval passed meanwhile (a timer that fired during the commit was not acted on),
   * else when the rest of its interval has passed.
   */
  #resumeWaiting(): void {
    if (this.#batchIsFull()) return this.#kick();
    const waited = this.#now() - (this.#firstWaitingAt ?? this.#now());
    const left = this.#deps.definition.batch.maxIntervalMs - waited;
    if (left <= 0) return this.#kick(true);
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#kick(true), left);
  }

  /**
   * Commits due batches one after the other. While DuckDB writes one batch on its own
   * threads, the next due batch is cut and decoded here, so the two overlap; it is still
   * committed only after the one before it.
   */
  async #drain(all: boolean): Promise<void> {
    let due = all;
    let next: CutBatch | undefined;
    while (!this.#abandoned && (next !== undefined || this.#hasDueBatch(due))) {
      const batch = next ?? this.#cut();
      next = undefined;
      let writing!: () => void;
      const started = new Promise<void>((resolve) => (writing = resolve));
      const committing = this.#commit(batch, writing);
      // The write is under way once the event loop turns after it began.
      await Promise.race([started.then(nextTurn), committing.catch(() => undefined)]);
      if (this.#hasDueBatch(all)) next = this.#cutAhead();
      await committing;
      due = all;
    }
  }

  #hasDueBatch(due: boolean): boolean {
    return this.#buffer.length > 0 && !this.#failed && (due || this.#batchIsFull());
  }

  #cutAhead(): CutBatch {
    const batch = this.#cut();
    const prepared = this.#deps.writer.prepare?.(batch.records);
    return prepared === undefined ? batch : { ...batch, prepared };
  }

  /** Takes the oldest records up to the batch limits; the rest wait for the next batch. */
  #cut(): CutBatch {
    const { maxRecords, maxBytes } = this.#deps.definition.batch;
    let bytes = 0;
    let count = 0;
    while (count < this.#buffer.length && count < maxRecords) {
      const size = this.#buffer[count]!.value.length;
      if (count > 0 && bytes + size > maxBytes) break;
      bytes += size;
      count++;
    }
    const records = this.#buffer.splice(0, count);
    this.#bufferedBytes -= bytes;
    this.#inFlightRecords += count;
    this.#inFlightBytes += bytes;
    clearTimeout(this.#timer);
    this.#firstWaitingAt = undefined;
    if (this.#buffer.length > 0 && !this.#stopped) this.#startInterval();
    return { records, bytes };
  }

  async #commit({ records, bytes, prepared }: CutBatch, onWriting: () => void): Promise<void> {
    const positions = advance(this.#positions, records);
    let delay = FIRST_RETRY_MS;
    let result: CommitResult;
    for (;;) {
      try {
        result = await this.#deps.writer.commit({ records, positions }, { prepared, onWriting });
        break;
      } catch (err) {
        if (isDrift(err)) {
          this.#fail(err as Error);
          throw new Stopped('schema drift');
        }
        this.#report(err);
        this.#retrying = true;
        if (this.#abandoned) throw new Stopped('stopped while retrying');
        await this.#pause(delay);
        if (this.#abandoned) throw new Stopped('stopped while retrying');
        delay = Math.min(delay * 2, MAX_RETRY_MS);
      }
    }
    this.#retrying = false;
    this.#positions = positions;
    this.#inFlightRecords -= records.length;
    this.#inFlightBytes -= bytes;
    this.#committedRecords += result.rowsWritten;
    this.#deadLettered += result.deadLettered;
    this.#lastCommitAt = this.#now();
    if (result.snapshotId !== null) this.#lastSnapshotId = result.snapshotId;
    this.#rates.add(this.#lastCommitAt, records.length, bytes);
    this.#releaseWaiters();
    this.#deps.onCommitted?.(result);
    await this.#deps.source
      .acknowledge({ ...positions })
      .catch((err: unknown) => this.#report(err));
  }

  /** Back-off between commit attempts; a stop cuts it short for one last attempt. */
  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.#stopped ? Math.min(ms, 1000) : ms);
      this.#wakeRetry = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  #fail(error: Error): void {
    this.#failed = true;
    this.#report(error);
    this.#buffer = [];
    this.#bufferedBytes = 0;
    this.#inFlightRecords = 0;
    this.#inFlightBytes = 0;
    clearTimeout(this.#timer);
    this.#releaseWaiters();
    this.#deps.onFailed(error);
  }

  #dropBuffered(): void {
    this.#buffer = [];
    this.#bufferedBytes = 0;
    this.#abandoned = true;
    this.#wakeRetry?.();
  }

  #releaseWaiters(): void {
    for (const resolve of this.#spaceWaiters.splice(0)) resolve();
  }

  #report(error: unknown): void {
    const message =
      error instanceof LakewardError
        ? `${error.code}: ${error.message}`
        : error instanceof Error
          ? error.message
          : String(error);
    this.#lastError = { message, at: this.#now() };
  }
}

/** The committed positions moved to the last record of each partition in the batch. */
function advance(committed: Positions, records: StreamRecord[]): Positions {
  const next = { ...committed };
  for (const record of records) {
    const partition = record.partition ?? NO_PARTITION;
    const current = next[partition];
    if (current === undefined || after(record.offset, current)) next[partition] = record.offset;
  }
  return next;
}

const PLAIN = /^(0|[1-9]\d*)$/;

/** Whether position a is past b: plain decimal text compares without parsing (most do). */
function after(a: string, b: string): boolean {
  if (a.length !== b.length && PLAIN.test(a) && PLAIN.test(b)) return a.length > b.length;
  if (a.length === b.length && a[0] !== '-' && b[0] !== '-') return a > b;
  return BigInt(a) > BigInt(b);
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function isDrift(err: unknown): boolean {
  return err instanceof LakewardError && err.code === 'STREAM_SCHEMA_DRIFT';
}

function isoOrNull(at: number | undefined): string | null {
  return at === undefined ? null : new Date(at).toISOString();
}
