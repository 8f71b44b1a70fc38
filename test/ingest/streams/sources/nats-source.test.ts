import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsSource } from '../../../../src/ingest/streams/index.js';
import { brokerUrl, collector, uniqueName, waitFor } from './collector.js';

const url = brokerUrl('nats');

describe.skipIf(!url)('NatsSource on a real JetStream server', () => {
  let connection: NatsConnection;

  beforeAll(async () => {
    connection = await connect({ servers: url! });
  });
  afterAll(async () => {
    await connection.close();
  });

  async function streamWith(count: number): Promise<string> {
    const stream = uniqueName('LW');
    const manager = await jetstreamManager(connection);
    await manager.streams.add({ name: stream, subjects: [`${stream}.>`] });
    await publish(stream, 0, count);
    return stream;
  }

  async function publish(stream: string, first: number, count: number): Promise<void> {
    const js = jetstream(connection);
    for (let i = first; i < first + count; i += 500) {
      const acks = [];
      for (let n = i; n < Math.min(first + count, i + 500); n++) {
        acks.push(js.publish(`${stream}.${n % 2 === 0 ? 'even' : 'odd'}`, JSON.stringify({ n })));
      }
      await Promise.all(acks);
    }
  }

  const source = (stream: string, subject?: string): NatsSource =>
    new NatsSource({
      servers: [url!],
      stream,
      consumer: `c-${stream}`,
      ...(subject ? { subject } : {}),
    });
  const numbers = (values: string[]): number[] =>
    values.map((value) => (JSON.parse(value) as { n: number }).n).sort((a, b) => a - b);
  const range = (first: number, count: number, step = 1): number[] =>
    Array.from({ length: count }, (_, i) => first + i * step);

  it('delivers every message once in sequence order, acknowledges after commit, and resumes from the table position', async () => {
    const stream = await streamWith(500);
    const first = collector();
    const one = source(stream);
    await one.start({}, first.deliver, first.onError);
    await waitFor('500 messages', () => first.records.length >= 500);
    const offsets = first.records.map((record) => Number(record.offset));
    expect(offsets).toEqual(range(1, 500));
    expect(first.records.every((record) => record.partition === 'nats')).toBe(true);
    await one.acknowledge(first.positions());
    await one.close();
    expect(numbers(first.values())).toEqual(range(0, 500));

    const manager = await jetstreamManager(connection);
    const info = await manager.consumers.info(stream, `c-${stream}`);
    expect(info.ack_floor.stream_seq).toBe(500);

    const second = collector();
    const two = source(stream);
    await two.start(first.positions(), second.deliver, second.onError);
    await publish(stream, 500, 40);
    await waitFor('40 new messages', () => second.records.length >= 40);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await two.close();
    expect(numbers(second.values())).toEqual(range(500, 40));
    expect(first.errors.concat(second.errors)).toEqual([]);
  });

  it('redelivers what was delivered but never committed (a crash), and starts after a position in the middle', async () => {
    const stream = await streamWith(300);
    const crashed = collector();
    const one = source(stream);
    await one.start({}, crashed.deliver, crashed.onError);
    await waitFor('300 messages', () => crashed.records.length >= 300);
    await one.acknowledge({ nats: '100' }); // the table committed up to 100, then the process died
    await one.close();

    const rest = collector();
    const two = source(stream);
    await two.start({ nats: '200' }, rest.deliver, rest.onError); // the table says 200
    await waitFor('100 messages', () => rest.records.length >= 100);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await two.acknowledge(rest.positions());
    await two.close();
    expect(rest.records.map((record) => Number(record.offset))).toEqual(range(201, 100));
  });

  it('reads only the subject filter, and loses nothing when deliver is slow (backpressure)', async () => {
    const stream = await streamWith(12_000);
    const slow = collector({ delayMs: 100 });
    const one = source(stream, `${stream}.even`);
    await one.start({}, slow.deliver, slow.onError);
    await waitFor('6,000 messages', () => slow.records.length >= 6_000, 40_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await one.close();
    expect(numbers(slow.values())).toEqual(range(0, 6_000, 2));
  });
});
