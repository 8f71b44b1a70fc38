// The message brokers of .ci/run (test/services/{kafka,nats,mosquitto}.sh) answer real clients:
// one message produced and consumed on each. Skipped where a broker's variable is unset, except
// in CI (CI=true), where .ci/run must have started all three and a missing one fails.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { connect as connectNats } from '@nats-io/transport-node';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import mqtt from 'mqtt';
import { brokerUrls } from './broker-control.js';

const inCi = process.env.CI === 'true';
const urls = brokerUrls();

function required(kind: 'kafka' | 'nats' | 'mqtt', variable: string, script: string): string {
  const url = urls[kind];
  if (!url) {
    throw new Error(
      `${variable} is not set: .ci/run must start the broker (bash test/services/${script})`,
    );
  }
  return url;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe.skipIf(!urls.kafka && !inCi)('Kafka (LAKEWARD_TEST_KAFKA_BROKERS)', () => {
  it('produces and consumes a message', async () => {
    const brokers = required('kafka', 'LAKEWARD_TEST_KAFKA_BROKERS', 'kafka.sh').split(',');
    const kafka = new Kafka({ clientId: 'lakeward-test', brokers, logLevel: logLevel.ERROR });
    const topic = `lakeward-test-${randomUUID()}`;
    const value = `hello ${randomUUID()}`;

    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });

    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    const consumer = kafka.consumer({ groupId: `lakeward-test-${randomUUID()}` });
    try {
      await producer.connect();
      await producer.send({ topic, acks: -1, messages: [{ key: 'k', value }] });

      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = new Promise<string>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => resolve(message.value?.toString() ?? ''),
        });
      });
      expect(await withTimeout(received, 30_000, 'Kafka consumer')).toBe(value);
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});

describe.skipIf(!urls.nats && !inCi)('NATS JetStream (LAKEWARD_TEST_NATS_URL)', () => {
  it('stores a message in a stream and delivers it to a durable consumer with explicit ack', async () => {
    const nc = await connectNats({
      servers: required('nats', 'LAKEWARD_TEST_NATS_URL', 'nats.sh'),
      timeout: 10_000,
    });
    const id = randomUUID().replaceAll('-', '');
    const stream = `LAKEWARD_TEST_${id}`;
    const subject = `lakeward.test.${id}`;
    const value = `hello ${id}`;
    const jsm = await jetstreamManager(nc);
    try {
      await jsm.streams.add({ name: stream, subjects: [`${subject}.>`] });
      const ack = await jetstream(nc).publish(`${subject}.one`, value);
      expect(ack.seq).toBe(1);

      await jsm.consumers.add(stream, { durable_name: 'lakeward', ack_policy: AckPolicy.Explicit });
      const consumer = await jetstream(nc).consumers.get(stream, 'lakeward');
      const msg = await consumer.next({ expires: 10_000 });
      expect(msg?.string()).toBe(value);
      expect(await msg?.ackAck()).toBe(true);

      const info = await jsm.consumers.info(stream, 'lakeward');
      expect(info.num_ack_pending).toBe(0);
      expect(info.ack_floor.stream_seq).toBe(1);
    } finally {
      await jsm.streams.delete(stream).catch(() => undefined);
      await nc.close();
    }
  });
});

describe.skipIf(!urls.mqtt && !inCi)('MQTT (LAKEWARD_TEST_MQTT_URL)', () => {
  it('delivers a QoS 1 message to a subscriber', async () => {
    const url = required('mqtt', 'LAKEWARD_TEST_MQTT_URL', 'mosquitto.sh');
    const id = randomUUID();
    const topic = `lakeward/test/${id}`;
    const value = `hello ${id}`;
    const subscriber = await mqtt.connectAsync(url, {
      clientId: `lakeward-sub-${id}`,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    });
    const publisher = await mqtt.connectAsync(url, {
      clientId: `lakeward-pub-${id}`,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    });
    try {
      const received = new Promise<{ payload: string; qos: number }>((resolve) => {
        subscriber.on('message', (t, payload, packet) => {
          if (t === topic) resolve({ payload: payload.toString(), qos: packet.qos });
        });
      });
      const [grant] = await subscriber.subscribeAsync(topic, { qos: 1 });
      expect(grant?.qos).toBe(1);
      await publisher.publishAsync(topic, value, { qos: 1 });
      expect(await withTimeout(received, 10_000, 'MQTT subscriber')).toEqual({
        payload: value,
        qos: 1,
      });
    } finally {
      await publisher.endAsync();
      await subscriber.endAsync();
    }
  });
});
