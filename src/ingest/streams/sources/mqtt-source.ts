import { createHash } from 'node:crypto';
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { Unavailable } from '../../../errors/index.js';
import type { Positions, StreamRecord, StreamSource, WriteAheadLog } from '../contract.js';
import { BackOff, describeError, pause } from './back-off.js';
import type { SourceLogger } from './source-logger.js';
import { WAL_PARTITION, WalSource } from './wal-source.js';

export interface MqttSourceConfig {
  url: string;
  topic: string;
  /** Client id of the persistent session; `lakeward-<stream name>`. */
  clientId: string;
  dedupKey?: string;
  /** The position key of the log's records (WalSourceOptions.partition). */
  logPartition?: string;
}

/** Keep the broker's session (and the QoS 1 messages queued in it) while the stream is away. */
const SESSION_EXPIRY_SECONDS = 0xffffffff;

/**
 * Subscribes to an MQTT topic with QoS 1 and a persistent session, writes each message to the
 * stream's write-ahead log (durable, fsynced) BEFORE its PUBACK goes out, and delivers from
 * the log through a WalSource: once the broker has forgotten a message, the log has it.
 *
 * MQTT is at-least-once: a message whose PUBACK was lost comes again. With `dedupKey` the
 * log entry's idempotency key is `mqtt:<value of that field>`, so a repeat within the log's
 * key window is not appended twice. Without it there is no dedup: the MQTT packet id is NOT
 * an identity (16-bit, reused as soon as it is acknowledged, and per session), so keying on
 * it would drop distinct messages.
 */
export class MqttSource implements StreamSource {
  private readonly inner: WalSource;
  private readonly stopping = new AbortController();
  private client: MqttClient | undefined;
  private reportError: (error: Error) => void = () => {};

  constructor(
    private readonly config: MqttSourceConfig,
    private readonly log: WriteAheadLog,
    private readonly logger?: SourceLogger,
  ) {
    this.inner = new WalSource(log, { partition: config.logPartition ?? WAL_PARTITION });
  }

  async start(
    from: Positions,
    deliver: (records: StreamRecord[]) => Promise<void>,
    onError: (error: Error) => void,
  ): Promise<void> {
    if (this.client) throw new Error('MqttSource.start called twice');
    this.reportError = onError;
    await this.inner.start(from, deliver, onError);
    const backOff = new BackOff(1_000, 30_000);
    const client = mqtt.connect(this.config.url, {
      protocolVersion: 5,
      clientId: this.config.clientId,
      clean: false,
      properties: { sessionExpiryInterval: SESSION_EXPIRY_SECONDS },
      connectTimeout: 5_000,
      reconnectPeriod: backOff.next(),
      // mqtt.js waits for the callback before it answers this message and reads the next one.
      customHandleAcks: (_topic, message, _packet, done) => {
        this.append(message).then(
          () => done(0),
          // Closed before the message was durable: no PUBACK, so the broker keeps it.
          () => {},
        );
      },
    });
    this.client = client;
    client.on('connect', (connack) => {
      backOff.reset();
      client.options.reconnectPeriod = backOff.next();
      this.logger?.info(`${this.where()}: connected (session present: ${connack.sessionPresent})`);
      // Subscribing again on a present session is harmless, and it is what picks up a
      // topic changed since the session was made (a stream created again under its name).
      client.subscribe(this.config.topic, { qos: 1 }, (error) => {
        if (error) this.report('subscribing failed', error);
      });
    });
    client.on('error', (error) => this.report('connection error', error));
    client.on('offline', () => {
      client.options.reconnectPeriod = backOff.next();
      this.report('lost the connection to the broker');
    });
  }

  async acknowledge(committed: Positions): Promise<void> {
    await this.inner.acknowledge(committed);
  }

  async close(): Promise<void> {
    this.stopping.abort();
    await this.client?.endAsync(true);
    await this.inner.close();
  }

  private where(): string {
    return `MQTT (${this.config.url}, topic ${this.config.topic}, client ${this.config.clientId})`;
  }

  private report(what: string, error?: unknown): void {
    this.reportError(
      new Unavailable(
        'STREAM_SOURCE_UNAVAILABLE',
        `${this.where()}: ${what}${error === undefined ? '' : `: ${describeError(error)}`}; retrying`,
        {
          hint: 'Check that the MQTT broker is running and reachable; messages wait in the persistent session meanwhile.',
          cause: error,
        },
      ),
    );
  }

  /** Appends until it succeeds: a full log waits for commits to free space (the broker holds back meanwhile). */
  private async append(message: Buffer): Promise<void> {
    const key = this.keyOf(message);
    const backOff = new BackOff(100, 5_000);
    for (;;) {
      if (this.stopping.signal.aborted) throw new Error('the stream source was closed');
      try {
        await this.log.append(
          key === undefined ? { records: [message] } : { records: [message], key },
        );
        this.inner.wake();
        return;
      } catch (error) {
        this.report('writing a message to the write-ahead log failed', error);
        await pause(backOff.next(), this.stopping.signal);
      }
    }
  }

  /**
   * The message's dedup key: the field's value, or for a JSON array of records the
   * values of all its items (a repeated array is the same message).
   */
  private keyOf(message: Buffer): string | undefined {
    const field = this.config.dedupKey;
    if (field === undefined) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(message.toString('utf8'));
    } catch {
      // Not JSON: the writer dead-letters it; without a key it is appended as it is.
      return undefined;
    }
    const items = Array.isArray(parsed) ? parsed : [parsed];
    const values = items.map((item) => identity(item, field));
    if (values.length === 0 || values.some((v) => v === undefined)) return undefined;
    const key = `mqtt:${values.join('\u0000')}`;
    // The log keeps keys of at most 1 KiB; a longer value is keyed by its digest.
    return key.length <= 256 && values.length === 1
      ? key
      : `mqtt:sha256:${createHash('sha256').update(key).digest('hex')}`;
  }
}

function identity(item: unknown, field: string): string | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const value = (item as Record<string, unknown>)[field];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
