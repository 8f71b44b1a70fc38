import { Kafka, logLevel } from 'kafkajs';
import type { Consumer, EachBatchPayload, LogEntry, logCreator } from 'kafkajs';
import { Unavailable } from '../../../errors/index.js';
import type { Positions, StreamRecord, StreamSource } from '../contract.js';
import { BackOff, delivered, describeError, pause } from './back-off.js';
import type { SourceLogger } from './source-logger.js';

export interface KafkaSourceConfig {
  brokers: string[];
  topic: string;
  groupId: string;
  /** Names the Kafka client in broker logs; `lakeward-<stream name>`. */
  clientId: string;
}

/** Heartbeats sent while a delivery waits, well inside the 30 s session timeout. */
const HEARTBEAT_WHILE_WAITING_MS = 3_000;

/**
 * Consumes a Kafka topic for a stream, exactly once into the table: the positions come from
 * the table, never from the consumer group. Every assigned partition is sought to the
 * table's position + 1, or to the partition's earliest offset when the table holds nothing
 * for it; the group's committed offsets are written (after each table commit) only so that
 * Kafka tools show the stream's lag, and are never read back: they can be ahead of the table
 * (a stream created again under the same name, a table restored), and reading them would
 * skip records.
 *
 * After a rebalance or a consumer restart each partition is sought again to the last
 * position DELIVERED (not only committed): the runner holds delivered records and commits
 * them, so starting from the committed position would write them twice. Records at or
 * below that position that kafkajs fetched before a seek took effect are dropped.
 */
export class KafkaSource implements StreamSource {
  private readonly kafka: Kafka;
  /** Last offset handed to the runner per partition (the table's, before the first delivery). */
  private readonly delivered = new Map<number, bigint>();
  /** Next offset last committed to the group, per partition. */
  private readonly groupCommitted = new Map<number, bigint>();
  private readonly stopping = new AbortController();
  private consumer: Consumer | undefined;
  private connecting: Promise<void> | undefined;
  private reportError: (error: Error) => void = () => {};

  constructor(
    private readonly config: KafkaSourceConfig,
    private readonly logger?: SourceLogger,
  ) {
    this.kafka = new Kafka({
      clientId: config.clientId,
      brokers: config.brokers,
      connectionTimeout: 3_000,
      // Few quick retries: a broker that stays away crashes the consumer, which is reported
      // through onError and restarted (restartOnFailure) with this back-off again.
      retry: { retries: 4, initialRetryTime: 300, maxRetryTime: 10_000 },
      logLevel: logger ? logLevel.WARN : logLevel.NOTHING,
      logCreator: forwardTo(logger),
    });
  }

  async start(
    from: Positions,
    deliver: (records: StreamRecord[]) => Promise<void>,
    onError: (error: Error) => void,
  ): Promise<void> {
    if (this.connecting) throw new Error('KafkaSource.start called twice');
    for (const [partition, offset] of Object.entries(from)) {
      if (/^\d+$/.test(partition)) this.delivered.set(Number(partition), BigInt(offset));
    }
    this.reportError = onError;
    // Connecting goes on in the background: a broker that is away at start is reported and
    // waited for, like one that goes away later.
    this.connecting = this.connect(deliver);
  }

  async acknowledge(committed: Positions): Promise<void> {
    const consumer = this.consumer;
    if (!consumer) return;
    const offsets: { topic: string; partition: number; offset: string }[] = [];
    for (const [key, value] of Object.entries(committed)) {
      if (!/^\d+$/.test(key)) continue;
      const next = BigInt(value) + 1n;
      if (this.groupCommitted.get(Number(key)) === next) continue;
      offsets.push({ topic: this.config.topic, partition: Number(key), offset: String(next) });
    }
    if (offsets.length === 0) return;
    try {
      await consumer.commitOffsets(offsets);
      for (const { partition, offset } of offsets) {
        this.groupCommitted.set(partition, BigInt(offset));
      }
    } catch (error) {
      // The table holds the positions; the group's offsets only show lag. The next
      // acknowledgement carries the same (cumulative) positions and tries again.
      this.logger?.warn(
        `${this.where()}: committing group offsets failed: ${describeError(error)}`,
      );
    }
  }

  async close(): Promise<void> {
    this.stopping.abort();
    await this.connecting;
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  private where(): string {
    const { brokers, topic, groupId } = this.config;
    return `Kafka (brokers ${brokers.join(',')}, topic ${topic}, group ${groupId})`;
  }

  private report(what: string, error: unknown, retrying: string): void {
    this.reportError(
      new Unavailable(
        'STREAM_SOURCE_UNAVAILABLE',
        `${this.where()}: ${what}: ${describeError(error)}; ${retrying}`,
        {
          hint: 'Check that the Kafka brokers are running and reachable; the stream resumes by itself without losing records.',
          cause: error,
        },
      ),
    );
  }

  private async connect(deliver: (records: StreamRecord[]) => Promise<void>): Promise<void> {
    const backOff = new BackOff(500, 30_000);
    while (!this.stopping.signal.aborted) {
      const consumer = this.newConsumer(deliver);
      try {
        await this.findEarliest();
        await consumer.connect();
        await consumer.subscribe({ topic: this.config.topic, fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: true,
          eachBatch: (payload) => this.take(payload, deliver),
        });
        this.consumer = consumer;
        return;
      } catch (error) {
        await consumer.disconnect().catch(() => {});
        const delay = backOff.next();
        this.report('connecting failed', error, `retrying in ${Math.round(delay / 1000)} s`);
        await pause(delay, this.stopping.signal);
      }
    }
  }

  /** Partitions the table holds nothing for start at their earliest offset (see the class comment). */
  private async findEarliest(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      for (const { partition, low } of await admin.fetchTopicOffsets(this.config.topic)) {
        if (!this.delivered.has(partition)) this.delivered.set(partition, BigInt(low) - 1n);
      }
    } finally {
      await admin.disconnect();
    }
  }

  private newConsumer(deliver: (records: StreamRecord[]) => Promise<void>): Consumer {
    const consumer = this.kafka.consumer({
      groupId: this.config.groupId,
      // A restarted broker keeps the old member until its session expires: short, so a
      // stream resumes within seconds after a broker or server restart.
      sessionTimeout: 10_000,
      heartbeatInterval: 3_000,
      retry: {
        retries: 4,
        initialRetryTime: 300,
        maxRetryTime: 10_000,
        restartOnFailure: async () => !this.stopping.signal.aborted,
      },
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      for (const partition of payload.memberAssignment[this.config.topic] ?? []) {
        const last = this.delivered.get(partition);
        if (last !== undefined) {
          consumer.seek({ topic: this.config.topic, partition, offset: String(last + 1n) });
        }
      }
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (this.stopping.signal.aborted) return;
      this.report(
        'consuming failed',
        payload.error,
        payload.restart ? 'restarting the consumer' : 'reconnecting',
      );
      // kafkajs restarts by itself after retriable errors; after others it stays down.
      if (!payload.restart) {
        this.consumer = undefined;
        this.connecting = consumer
          .disconnect()
          .catch(() => {})
          .then(() => pause(1_000, this.stopping.signal))
          .then(() => this.connect(deliver));
      }
    });
    return consumer;
  }

  private async take(
    { batch, heartbeat }: EachBatchPayload,
    deliver: (records: StreamRecord[]) => Promise<void>,
  ): Promise<void> {
    const partition = batch.partition;
    const last = this.delivered.get(partition) ?? -1n;
    const records: StreamRecord[] = [];
    // Records wait in memory until their commit, so each object they hold is copied by the
    // garbage collector: messages sent together share one partition name and one date.
    const key = String(partition);
    let receivedAt = new Date(0);
    for (const message of batch.messages) {
      // Offsets only grow within a batch: once past the last delivered, all are.
      if (records.length === 0 && BigInt(message.offset) <= last) continue;
      const timestamp = Number(message.timestamp);
      if (timestamp !== receivedAt.getTime()) receivedAt = new Date(timestamp);
      records.push({
        value: message.value ?? Buffer.alloc(0),
        partition: key,
        offset: message.offset,
        receivedAt,
      });
    }
    if (records.length === 0) return;
    // The runner's backpressure: wait for it, heartbeating so the group keeps this member.
    const beat = setInterval(() => void heartbeat().catch(() => {}), HEARTBEAT_WHILE_WAITING_MS);
    try {
      // Closed first: end the batch without resolving its offsets.
      if (!(await delivered(deliver(records), this.stopping.signal))) {
        throw new Error('the stream source was closed');
      }
    } finally {
      clearInterval(beat);
    }
    this.delivered.set(partition, BigInt(records[records.length - 1]!.offset));
  }
}

/** kafkajs' own warnings and errors go to the source's logger (they never hold record contents). */
function forwardTo(logger: SourceLogger | undefined): logCreator {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      if (!logger || level > logLevel.WARN) return;
      logger.warn(`kafkajs ${namespace}: ${log.message}`);
    };
}
