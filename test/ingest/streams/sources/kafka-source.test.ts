import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaSource } from '../../../../src/ingest/streams/index.js';
import type { Positions } from '../../../../src/ingest/streams/index.js';
import { brokerUrl, collector, uniqueName, waitFor } from './collector.js';

const brokers = brokerUrl('kafka')?.split(',');

describe.skipIf(!brokers)('KafkaSource on a real broker', () => {
  const kafka = new Kafka({
    clientId: 'lakeward-test',
    brokers: brokers ?? [],
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer();
  const admin = kafka.admin();

  beforeAll(async () => {
    await Promise.all([producer.connect(), admin.connect()]);
  });
  afterAll(async () => {
    await Promise.all([producer.disconnect(), admin.disconnect()]);
  });

  async function topicWith(count: number): Promise<string> {
    const topic = uniqueName('lw_src');
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await produce(topic, 0, count);
    return topic;
  }

  async function produce(topic: string, first: number, count: number): Promise<void> {
    const messages = Array.from({ length: count }, (_, i) => ({
      key: `k${first + i}`,
      value: JSON.stringify({ n: first + i }),
    }));
    for (let i = 0; i < messages.length; i += 5_000) {
      await producer.send({ topic, messages: messages.slice(i, i + 5_000) });
    }
  }

  function source(topic: string): KafkaSource {
    return new KafkaSource({
      brokers: brokers!,
      topic,
      groupId: `g-${topic}`,
      clientId: 'lakeward-test',
    });
  }

  const numbers = (values: string[]): number[] =>
    values.map((value) => (JSON.parse(value) as { n: number }).n).sort((a, b) => a - b);
  const range = (first: number, count: number): number[] =>
    Array.from({ length: count }, (_, i) => first + i);

  it('delivers every record once, commits the group offsets after acknowledge, and resumes from the table positions', async () => {
    const topic = await topicWith(600);
    const first = collector();
    const one = source(topic);
    await one.start({}, first.deliver, first.onError);
    await waitFor('600 records', () => first.records.length >= 600);
    const committed = first.positions();
    expect(Object.keys(committed).sort()).toEqual(['0', '1', '2']);
    expect(first.records[0]!.receivedAt.getTime()).toBeGreaterThan(Date.now() - 120_000);
    await one.acknowledge(committed);
    await one.close();
    expect(numbers(first.values())).toEqual(range(0, 600));

    const group = await admin.fetchOffsets({ groupId: `g-${topic}`, topics: [topic] });
    for (const { partition, offset } of group[0]!.partitions) {
      expect(offset).toBe(String(BigInt(committed[String(partition)]!) + 1n));
    }

    // A new source from the table's positions: nothing again, only what comes next.
    const second = collector();
    const two = source(topic);
    await two.start(committed, second.deliver, second.onError);
    await produce(topic, 600, 30);
    await waitFor('30 new records', () => second.records.length >= 30);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await two.close();
    expect(numbers(second.values())).toEqual(range(600, 30));
    expect(first.errors.concat(second.errors)).toEqual([]);
  });

  it('starts after the table position even when the group committed more (the table is the truth)', async () => {
    const topic = await topicWith(300);
    const all = collector();
    const one = source(topic);
    await one.start({}, all.deliver, all.onError);
    await waitFor('300 records', () => all.records.length >= 300);
    await one.acknowledge(all.positions());
    await one.close();

    // The table holds only the first half of each partition: the rest comes again, once.
    const middle: Positions = {};
    const expected: string[] = [];
    for (const partition of ['0', '1', '2']) {
      const mine = all.records.filter((record) => record.partition === partition);
      const half = mine[Math.floor(mine.length / 2)]!;
      middle[partition] = half.offset;
      expected.push(
        ...mine
          .filter((r) => BigInt(r.offset) > BigInt(half.offset))
          .map((r) => r.value.toString()),
      );
    }
    const rest = collector();
    const two = source(topic);
    await two.start(middle, rest.deliver, rest.onError);
    await waitFor(`${expected.length} records`, () => rest.records.length >= expected.length);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await two.close();
    expect(numbers(rest.values())).toEqual(numbers(expected));
  });

  it('loses nothing when deliver is slow (backpressure)', async () => {
    const topic = await topicWith(20_000);
    const slow = collector({ delayMs: 200 });
    const one = source(topic);
    await one.start({}, slow.deliver, slow.onError);
    await waitFor('20,000 records', () => slow.records.length >= 20_000, 45_000);
    await one.close();
    expect(numbers(slow.values())).toEqual(range(0, 20_000));
  });
});
