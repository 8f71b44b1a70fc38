// Raw consume rate of KafkaSource beside a bare kafkajs consumer (no deliver logic) on the
// same topic of small records: the Kafka bench compares the stream's rate with the
// raw rate of the same client. Run: LAKEWARD_TEST_KAFKA_BROKERS=… npx tsx <this file> [count]
import { Kafka, logLevel } from 'kafkajs';
import { KafkaSource } from '../../../../src/ingest/streams/index.js';
import { filledKafkaTopic } from '../../../e2e/broker-topics.js';
import { uniqueName } from './collector.js';

const brokers = (process.env.LAKEWARD_TEST_KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
const count = Number(process.argv[2] ?? 1_000_000);
const kafka = new Kafka({ clientId: 'lakeward-bench', brokers, logLevel: logLevel.NOTHING });

/** `count` records of about 200 bytes. */
const fill = (topic: string) =>
  filledKafkaTopic(brokers.join(','), topic, count, (i) =>
    JSON.stringify({ id: i, device: `d${i % 100}`, temperature: 21.5, note: 'x'.repeat(150) }),
  );

async function bare(topic: string): Promise<number> {
  const consumer = kafka.consumer({ groupId: uniqueName('bench-bare') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  const started = Date.now();
  await new Promise<void>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        seen += batch.messages.length;
        if (seen >= count) resolve();
      },
    });
  });
  const seconds = (Date.now() - started) / 1000;
  await consumer.disconnect();
  return seconds;
}

async function viaSource(topic: string): Promise<number> {
  const source = new KafkaSource({
    brokers,
    topic,
    groupId: uniqueName('bench-source'),
    clientId: 'lakeward-bench',
  });
  let seen = 0;
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    void source.start(
      {},
      async (records) => {
        seen += records.length;
        if (seen >= count) resolve();
      },
      reject,
    );
  });
  const seconds = (Date.now() - started) / 1000;
  await source.close();
  return seconds;
}

const topic = uniqueName('lw_bench');
const filling = Date.now();
await fill(topic);
console.log(
  `produced ${count} records (~200 B) in ${((Date.now() - filling) / 1000).toFixed(1)} s`,
);
for (const [name, run] of [
  ['bare kafkajs consumer', bare],
  ['KafkaSource', viaSource],
  ['bare kafkajs consumer', bare],
  ['KafkaSource', viaSource],
] as const) {
  const seconds = await run(topic);
  console.log(
    `${name}: ${seconds.toFixed(2)} s, ${Math.round(count / seconds).toLocaleString('en')} records/s, rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`,
  );
}
