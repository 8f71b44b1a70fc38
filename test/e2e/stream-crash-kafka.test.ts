// Issue 6: a Kafka stream whose server is SIGKILLed at random moments while a producer
// publishes retail events: the table ends with every event exactly once.
import { Kafka, logLevel } from 'kafkajs';
import { describe } from 'vitest';
import { brokerUrl } from '../ingest/streams/sources/collector.js';
import { itSurvivesKills, type Topic } from './stream-crash-harness.js';

const brokers = brokerUrl('kafka');

async function kafkaTopic(name: string, brokerList: string[]): Promise<Topic> {
  const kafka = new Kafka({ clientId: name, brokers: brokerList, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  // Idempotent: a retried send is not written twice to the topic, so a doubled row is the stream's.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await Promise.all([admin.connect(), producer.connect()]);
  await admin.createTopics({ topics: [{ topic: name, numPartitions: 3 }], waitForLeaders: true });
  return {
    // A group of its own: the brokers are shared by test files running at the same time.
    source: { kind: 'kafka', brokers: brokerList, topic: name, groupId: name },
    async publish(events) {
      for (let i = 0; i < events.length; i += 1000) {
        await producer.send({
          topic: name,
          messages: events.slice(i, i + 1000).map((value) => ({ value })),
        });
      }
    },
    async close() {
      await admin.deleteTopics({ topics: [name] }).catch(() => undefined);
      await Promise.all([admin.disconnect(), producer.disconnect()]);
    },
  };
}

describe('a Kafka stream whose server is killed again and again', () => {
  itSurvivesKills('lands every published event exactly once', {
    prefix: 'crash_kafka',
    url: brokers,
    topic: (name, url) => kafkaTopic(name, url.split(',')),
    seed: 60_602,
    exactlyOnce: true,
  });
});
