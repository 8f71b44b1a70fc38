// A topic (Kafka), JetStream stream (NATS) or topic filter (MQTT) of its own on the shared test
// brokers, with a producer for it and the `source` a stream reads it with: what the streaming
// end-to-end tests publish through. Messages are JSON text as a producer would send it.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Kafka, logLevel } from 'kafkajs';
import mqtt from 'mqtt';

export interface BrokerTopic {
  /** The stream's `source` in POST /api/v1/streams. */
  source: Record<string, unknown>;
  /** Publishes the messages in order; resolves once the broker has acknowledged them all. */
  publish(messages: string[], key?: (message: string) => string): Promise<void>;
  close(): Promise<void>;
}

export async function kafkaTopic(
  brokers: string,
  topic: string,
  partitions: number,
): Promise<BrokerTopic> {
  const list = brokers.split(',');
  const kafka = new Kafka({ clientId: 'lakeward-e2e', brokers: list, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer();
  await Promise.all([admin.connect(), producer.connect()]);
  await admin.createTopics({
    topics: [{ topic, numPartitions: partitions }],
    waitForLeaders: true,
  });
  await admin.disconnect();
  return {
    source: { kind: 'kafka', brokers: list, topic },
    async publish(messages, key) {
      for (let i = 0; i < messages.length; i += 1000) {
        await producer.send({
          topic,
          messages: messages
            .slice(i, i + 1000)
            .map((value) => (key === undefined ? { value } : { key: key(value), value })),
        });
      }
    },
    close: () => producer.disconnect(),
  };
}

/**
 * A new Kafka topic holding `count` messages, message(i) the i-th: what the Kafka benches
 * read. Built and sent 10,000 at a time, so a million messages never sit in memory at once.
 */
export async function filledKafkaTopic(
  brokers: string,
  topic: string,
  count: number,
  message: (i: number) => string,
): Promise<void> {
  const filled = await kafkaTopic(brokers, topic, 3);
  try {
    for (let i = 0; i < count; i += 10_000) {
      await filled.publish(
        Array.from({ length: Math.min(10_000, count - i) }, (_, j) => message(i + j)),
      );
    }
  } finally {
    await filled.close();
  }
}

export async function natsStream(url: string, name: string): Promise<BrokerTopic> {
  const stream = name.toUpperCase();
  // Reconnects for as long as it takes: a test may take the server away for a while.
  const connection = await connect({ servers: url, maxReconnectAttempts: -1 });
  await (
    await jetstreamManager(connection)
  ).streams.add({ name: stream, subjects: [`${stream}.>`] });
  const js = jetstream(connection);
  let sent = 0;
  // A producer as it should be written: each message has an id, so a publish retried after a
  // lost answer (the server away, the client reconnecting) is stored once (JetStream dedup).
  const publishOne = async (message: string, msgID: string): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await js.publish(`${stream}.events`, message, { msgID });
        return;
      } catch (error) {
        if (attempt === 30) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  };
  return {
    source: { kind: 'nats', servers: [url], stream },
    async publish(messages) {
      // Published in order on one connection; at most 500 wait for their acknowledgement.
      for (let i = 0; i < messages.length; i += 500) {
        await Promise.all(
          messages.slice(i, i + 500).map((m) => publishOne(m, `${stream}-${sent++}`)),
        );
      }
    },
    async close() {
      await connection.close();
    },
  };
}

/** Keep the broker's session (and the QoS 1 messages queued in it) while nobody is connected. */
const SESSION_EXPIRY_SECONDS = 0xffffffff;

/**
 * An MQTT topic whose stream session exists before the stream connects: the test makes the
 * persistent session (client id and QoS 1 subscription) first, so the broker queues every
 * message for the stream whenever it connects, instead of the test guessing when the stream
 * has subscribed (MQTT drops messages for which no session is subscribed).
 */
export async function mqttTopic(
  url: string,
  name: string,
  dedupKey?: string,
): Promise<BrokerTopic> {
  const clientId = name;
  const session = await mqtt.connectAsync(url, {
    protocolVersion: 5,
    clientId,
    clean: false,
    properties: { sessionExpiryInterval: SESSION_EXPIRY_SECONDS },
  });
  await session.subscribeAsync(`${name}/#`, { qos: 1 });
  await session.endAsync();
  const client = await mqtt.connectAsync(url, { protocolVersion: 5 });
  return {
    source: {
      kind: 'mqtt',
      url,
      topic: `${name}/#`,
      clientId,
      ...(dedupKey === undefined ? {} : { dedupKey }),
    },
    async publish(messages) {
      for (let i = 0; i < messages.length; i += 100) {
        await Promise.all(
          messages
            .slice(i, i + 100)
            .map((m) => client.publishAsync(`${name}/events`, m, { qos: 1 })),
        );
      }
    },
    close: () => client.endAsync(),
  };
}
