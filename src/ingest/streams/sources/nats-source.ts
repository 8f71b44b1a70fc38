import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import { connect, nanos } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { Unavailable } from '../../../errors/index.js';
import type { Positions, StreamRecord, StreamSource } from '../contract.js';
import { BackOff, delivered, describeError, pause } from './back-off.js';
import type { SourceLogger } from './source-logger.js';

export const NATS_PARTITION = 'nats';

export interface NatsSourceConfig {
  servers: string[];
  stream: string;
  subject?: string;
  /** Durable consumer name; `lakeward-<stream name>`. */
  consumer: string;
}

/** Records waiting between the consumer and the runner before the reader stops pulling. */
const BUFFERED_MAX = 5_000;
/**
 * Unacknowledged messages the server lets the consumer hold: records are acknowledged only
 * after the table commit, so this must cover a whole micro-batch (100,000 records by default).
 */
const MAX_ACK_PENDING = 1_000_000;
/** Longer than a slow commit; a redelivery before that is dropped here anyway. */
const ACK_WAIT_MS = 60_000;

/**
 * Consumes a NATS JetStream stream through a durable consumer with explicit, per-message
 * acknowledgement. Per-message rather than `ack_policy: all`: each message's redelivery is
 * tracked on its own, and a message skipped at start (already in the table) is acknowledged
 * at once without acknowledging the ones before it that the runner still holds.
 *
 * Records must reach the runner in stream order, since the table keeps only the highest
 * sequence: messages in flight when the connection drops are lost client-side and the server
 * redelivers them only after ack_wait, AFTER newer ones. So whenever the consumer's server
 * side is ahead of what this source received (at start: ahead of the table; after a
 * reconnect: ahead of the last message received), the durable consumer is created again to
 * start right after that position. Messages at or below the table's position that still come
 * (redeliveries after a crash) are acknowledged and skipped.
 */
export class NatsSource implements StreamSource {
  private readonly stopping = new AbortController();
  private connection: NatsConnection | undefined;
  private messages: ConsumerMessages | undefined;
  /** Highest stream sequence received (the table's position before the first message). */
  private highest = 0n;
  /** Everything at or below this is in the table. */
  private committed = 0n;
  /** Received, waiting for the runner. */
  private buffered: JsMsg[] = [];
  /** Delivered to the runner, acknowledged once committed; in sequence order. */
  private unacked: JsMsg[] = [];
  private wakeDeliverer: (() => void) | undefined;
  private wakeReader: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private reportError: (error: Error) => void = () => {};

  constructor(
    private readonly config: NatsSourceConfig,
    private readonly logger?: SourceLogger,
  ) {}

  async start(
    from: Positions,
    deliver: (records: StreamRecord[]) => Promise<void>,
    onError: (error: Error) => void,
  ): Promise<void> {
    if (this.running) throw new Error('NatsSource.start called twice');
    this.highest = this.committed = BigInt(from[NATS_PARTITION] ?? '0');
    this.reportError = onError;
    this.running = Promise.all([this.consume(), this.deliverAll(deliver)]).then(() => {});
  }

  async acknowledge(committed: Positions): Promise<void> {
    const sequence = committed[NATS_PARTITION];
    if (sequence === undefined) return;
    const upTo = BigInt(sequence);
    if (upTo > this.committed) this.committed = upTo;
    let acked = 0;
    while (acked < this.unacked.length && sequenceOf(this.unacked[acked]!) <= upTo) {
      this.unacked[acked]!.ack();
      acked += 1;
    }
    this.unacked.splice(0, acked);
  }

  async close(): Promise<void> {
    this.stopping.abort();
    this.messages?.stop();
    this.wakeDeliverer?.();
    this.wakeReader?.();
    await this.running;
    await this.connection?.close();
  }

  private where(): string {
    const { servers, stream, consumer } = this.config;
    return `NATS (servers ${servers.join(',')}, stream ${stream}, consumer ${consumer})`;
  }

  private report(what: string, error?: unknown): void {
    this.reportError(
      new Unavailable(
        'STREAM_SOURCE_UNAVAILABLE',
        `${this.where()}: ${what}${error === undefined ? '' : `: ${describeError(error)}`}; retrying`,
        {
          hint: 'Check that the NATS server is running with JetStream and that the stream exists; the stream resumes by itself without losing records.',
          cause: error,
        },
      ),
    );
  }

  private async consume(): Promise<void> {
    const backOff = new BackOff(500, 30_000);
    while (!this.stopping.signal.aborted) {
      try {
        const connection = await this.connected();
        await this.placeConsumer(connection, this.highest);
        const consumer = await jetstream(connection).consumers.get(
          this.config.stream,
          this.config.consumer,
        );
        this.messages = await consumer.consume({ max_messages: 1_000 });
        if (this.stopping.signal.aborted) this.messages.stop();
        backOff.reset();
        for await (const message of this.messages) {
          this.receive(message);
          while (this.buffered.length >= BUFFERED_MAX && !this.stopping.signal.aborted) {
            await new Promise<void>((resolve) => (this.wakeReader = resolve));
          }
        }
      } catch (error) {
        if (this.stopping.signal.aborted) break;
        this.report('consuming failed', error);
        await pause(backOff.next(), this.stopping.signal);
      }
    }
  }

  private receive(message: JsMsg): void {
    const sequence = sequenceOf(message);
    if (sequence <= this.highest) {
      // A redelivery: of a record in the table (acknowledge it now), or of one the runner
      // holds (acknowledged with it after the commit).
      if (sequence <= this.committed) message.ack();
      return;
    }
    this.highest = sequence;
    this.buffered.push(message);
    this.wakeDeliverer?.();
  }

  private async deliverAll(deliver: (records: StreamRecord[]) => Promise<void>): Promise<void> {
    while (!this.stopping.signal.aborted) {
      if (this.buffered.length === 0) {
        await new Promise<void>((resolve) => (this.wakeDeliverer = resolve));
        continue;
      }
      const batch = this.buffered;
      this.buffered = [];
      this.wakeReader?.();
      const records = batch.map((message) => ({
        value: Buffer.from(message.data),
        partition: NATS_PARTITION,
        offset: String(message.seq),
        receivedAt: new Date(message.info.timestampNanos / 1_000_000),
      }));
      try {
        if (!(await delivered(deliver(records), this.stopping.signal))) return;
        this.unacked.push(...batch);
      } catch (error) {
        // Not taken: offered again first after a pause.
        this.buffered = batch.concat(this.buffered);
        this.reportError(error instanceof Error ? error : new Error(String(error)));
        await pause(1_000, this.stopping.signal);
      }
    }
  }

  /** Connects (retrying with back-off while the server is away), then reconnects forever by itself. */
  private async connected(): Promise<NatsConnection> {
    if (this.connection && !this.connection.isClosed()) return this.connection;
    const connection = await connect({
      servers: this.config.servers,
      name: this.config.consumer,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1_000,
      reconnectJitter: 500,
    });
    this.connection = connection;
    void this.watch(connection);
    return connection;
  }

  private async watch(connection: NatsConnection): Promise<void> {
    for await (const status of connection.status()) {
      if (status.type === 'disconnect') {
        this.report(`lost the connection to ${status.server}`);
      } else if (status.type === 'reconnect') {
        this.logger?.info(`${this.where()}: reconnected to ${status.server}`);
        // Messages in flight were lost: consume again from the last one received.
        this.messages?.stop();
      }
    }
  }

  /**
   * Keeps the durable consumer when it has delivered nothing past `after` (and has the right
   * filter); otherwise creates it again to start at `after + 1` (see the class comment).
   */
  private async placeConsumer(connection: NatsConnection, after: bigint): Promise<void> {
    const manager = await jetstreamManager(connection);
    const { stream, consumer, subject } = this.config;
    const existing = await manager.consumers.info(stream, consumer).catch(() => undefined);
    if (
      existing &&
      BigInt(existing.delivered.stream_seq) <= after &&
      (existing.config.filter_subject ?? '') === (subject ?? '') &&
      existing.config.ack_policy === AckPolicy.Explicit
    ) {
      return;
    }
    if (existing) {
      this.logger?.info(`${this.where()}: starting the consumer again after sequence ${after}`);
      await manager.consumers.delete(stream, consumer);
    }
    await manager.consumers.add(stream, {
      durable_name: consumer,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(ACK_WAIT_MS),
      max_ack_pending: MAX_ACK_PENDING,
      ...(subject === undefined ? {} : { filter_subject: subject }),
      ...(after === 0n
        ? { deliver_policy: DeliverPolicy.All }
        : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: Number(after + 1n) }),
    });
  }
}

function sequenceOf(message: JsMsg): bigint {
  return BigInt(message.seq);
}
