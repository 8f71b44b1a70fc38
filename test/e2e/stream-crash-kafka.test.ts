// Issue 6: a Kafka stream whose server is SIGKILLed at random moments while a producer
// publishes retail events: the table ends with every event exactly once.
import { Kafka, logLevel } from 'kafkajs';
import { describe, it } from 'vitest';
import { brokerUrl, uniqueName } from '../ingest/streams/sources/collector.js';
import { crashWhilePublishing, expectSurvived, type Topic } from './stream-crash-harness.js';

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
  it.skipIf(brokers === undefined)(
    'lands every published event exactly once',
    async () => {
      const name = uniqueName('crash_kafka').toLowerCase();
      const topic = await kafkaTopic(name, brokers!.split(','));
      try {
        const run = await crashWhilePublishing({
          name,
          topic,
          days: 20,
          kills: 20,
          seed: 60_602,
          upMs: [200, 2_500],
          exactlyOnce: true,
        });
        expectSurvived(run, 20, true);
      } finally {
        await topic.close();
      }
    },
    540_000,
  );
});
