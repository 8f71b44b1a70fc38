import { Conflict, Unavailable } from '../../../errors/index.js';
import type { Positions, StreamRecord, StreamSource, WriteAheadLog } from '../contract.js';
import { BackOff, delivered, describeError, pause } from './back-off.js';

/** The partition name of records read from a stream's write-ahead log. */
export const WAL_PARTITION = 'wal';

export interface WalSourceOptions {
  /** How long an idle reader waits before looking for new records again. Default 25 ms. */
  idlePollMs?: number;
  /** One read (one delivery) at most. Default 10,000 records or 8 MiB. */
  readLimit?: { records: number; maxBytes: number };
  /**
   * The position key of this log's records. Default 'wal'; the log of a server that took
   * the stream over from another home has its own ('wal@<home>'): each log counts its own sequences.
   */
  partition?: string;
}

/**
 * Delivers what a stream's write-ahead log holds after the table's position (HTTP pushes,
 * MQTT messages). Reads again at once while records flow, polls while idle, and never reads
 * more while a delivery is waiting (the runner's backpressure reaches the log, whose quota
 * then makes producers wait). The log is released only up to what the table has committed.
 */
export class WalSource implements StreamSource {
  private readonly idlePollMs: number;
  private readonly readLimit: { records: number; maxBytes: number };
  private readonly partition: string;
  private readonly stopping = new AbortController();
  private idleWait: AbortController | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly log: WriteAheadLog,
    options: WalSourceOptions = {},
  ) {
    this.idlePollMs = options.idlePollMs ?? 25;
    this.readLimit = options.readLimit ?? { records: 10_000, maxBytes: 8 * 1024 * 1024 };
    this.partition = options.partition ?? WAL_PARTITION;
  }

  async start(
    from: Positions,
    deliver: (records: StreamRecord[]) => Promise<void>,
    onError: (error: Error) => void,
  ): Promise<void> {
    if (this.loop) throw new Error('WalSource.start called twice');
    const after = from[this.partition] ?? '0';
    // Sequences never restart, so a table ahead of the log means the log folder was replaced:
    // reading on would silently skip the new records whose sequences the table already holds.
    if (BigInt(after) > BigInt(this.log.lastSequence())) {
      throw new Conflict(
        'STREAM_LOG_BEHIND_TABLE',
        `The stream's table has committed write-ahead log sequence ${after}, but the log ends at ${this.log.lastSequence()}.`,
        {
          hint: 'The stream folder was replaced or restored from an older copy; delete and create the stream again to start fresh.',
        },
      );
    }
    // Records committed before a crash that came before their release are freed now.
    if (after !== '0') await this.log.release(after);
    this.loop = this.run(after, deliver, onError);
  }

  /** Wakes an idle reader now (an append just happened), instead of at its next poll. */
  wake(): void {
    this.idleWait?.abort();
  }

  async acknowledge(committed: Positions): Promise<void> {
    const sequence = committed[this.partition];
    if (sequence !== undefined) await this.log.release(sequence);
  }

  async close(): Promise<void> {
    this.stopping.abort();
    this.wake();
    await this.loop;
  }

  private async run(
    from: string,
    deliver: (records: StreamRecord[]) => Promise<void>,
    onError: (error: Error) => void,
  ): Promise<void> {
    const backOff = new BackOff(100, 5_000);
    let after = from;
    while (!this.stopping.signal.aborted) {
      let records;
      try {
        records = await this.log.read(after, this.readLimit);
        backOff.reset();
      } catch (error) {
        onError(
          new Unavailable(
            'STREAM_SOURCE_UNAVAILABLE',
            `Reading the stream's write-ahead log failed: ${describeError(error)}`,
            {
              hint: 'Check the disk of the Lakeward home; the stream retries by itself.',
              cause: error,
            },
          ),
        );
        await pause(backOff.next(), this.stopping.signal);
        continue;
      }
      if (records.length === 0) {
        this.idleWait = new AbortController();
        await pause(this.idlePollMs, AbortSignal.any([this.idleWait.signal, this.stopping.signal]));
        this.idleWait = undefined;
        continue;
      }
      try {
        const delivery = deliver(
          records.map((record) => ({
            value: record.value,
            partition: this.partition,
            offset: record.sequence,
            receivedAt: record.appendedAt,
          })),
        );
        if (!(await delivered(delivery, this.stopping.signal))) return;
      } catch (error) {
        // Not taken: the same records are read and offered again after a pause.
        onError(error instanceof Error ? error : new Error(String(error)));
        await pause(backOff.next(), this.stopping.signal);
        continue;
      }
      after = records[records.length - 1]!.sequence;
    }
  }
}
