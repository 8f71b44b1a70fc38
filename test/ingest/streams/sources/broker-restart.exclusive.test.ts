// Takes the shared Kafka and NATS brokers away in the middle of consumption: run this file
// alone (test/services/broker-control.ts), never beside other broker tests.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { KafkaSource, NatsSource } from '../../../../src/ingest/streams/index.js';
import { kafkaTopic } from '../../../e2e/broker-topics.js';
import { startBroker, stopBroker } from '../../../services/broker-control.js';
import { brokerUrl, collector, uniqueName, waitFor } from './collector.js';

const kafkaBrokers = brokerUrl('kafka')?.split(',');
const natsUrl = brokerUrl('nats');
const numbers = (values: string[]): number[] =>
  values.map((v) => (JSON.parse(v) as { n: number }).n).sort((a, b) => a - b);
const range = (count: number): number[] => Array.from({ length: count }, (_, i) => i);

describe('a broker that goes away and comes back', () => {
  it.skipIf(!kafkaBrokers)(
    'Kafka: the error is reported and every record arrives once after the broker returns',
    { timeout: 240_000 },
    async () => {
      const topic = uniqueName('lw_restart');
      const messages = (first: number, count: number) =>
        Array.from({ length: count }, (_, i) => JSON.stringify({ n: first + i }));
      let producer = await kafkaTopic(kafkaBrokers!.join(','), topic, 3);
      await producer.publish(messages(0, 1_000));

      const got = collector({ delayMs: 20 });
      const source = new KafkaSource({
        brokers: kafkaBrokers!,
        topic,
        groupId: `g-${topic}`,
        clientId: 'lakeward-test',
      });
      await source.start({}, got.deliver, got.onError);
      await waitFor('the first records', () => got.records.length > 0);
      await producer.close();
      await stopBroker('kafka');
      try {
        await waitFor('an error report', () => got.errors.length > 0, 60_000);
      } finally {
        await startBroker('kafka');
      }
      expect(got.errors[0]!.message).toMatch(/Kafka \(brokers .*topic .*\): .*retrying|restarting/);
      // The topic is there already: kafkaTopic only connects a new producer to it.
      producer = await kafkaTopic(kafkaBrokers!.join(','), topic, 3);
      await producer.publish(messages(1_000, 500));
      await producer.close();
      await waitFor('1,500 records', () => got.records.length >= 1_500, 120_000);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await source.close();
      expect(numbers(got.values())).toEqual(range(1_500));
    },
  );

  it.skipIf(!natsUrl)(
    'NATS: the error is reported and every message arrives once after the server returns',
    { timeout: 120_000 },
    async () => {
      const stream = uniqueName('LWR');
      const publishAll = async (first: number, count: number) => {
        const connection = await connect({ servers: natsUrl! });
        const manager = await jetstreamManager(connection);
        if (first === 0) await manager.streams.add({ name: stream, subjects: [`${stream}.>`] });
        const js = jetstream(connection);
        await Promise.all(
          Array.from({ length: count }, (_, i) =>
            js.publish(`${stream}.x`, JSON.stringify({ n: first + i })),
          ),
        );
        await connection.close();
      };
      await publishAll(0, 3_000);
      const got = collector({ delayMs: 20 });
      const source = new NatsSource({ servers: [natsUrl!], stream, consumer: `c-${stream}` });
      await source.start({}, got.deliver, got.onError);
      await waitFor('the first messages', () => got.records.length > 0);
      await stopBroker('nats');
      try {
        await waitFor('an error report', () => got.errors.length > 0, 30_000);
      } finally {
        await startBroker('nats');
      }
      expect(got.errors[0]!.message).toMatch(/NATS \(servers .*stream .*\): .*retrying/);
      await publishAll(3_000, 500);
      await waitFor('3,500 messages', () => got.records.length >= 3_500, 60_000);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await source.close();
      expect(numbers(got.values())).toEqual(range(3_500));
    },
  );
});
