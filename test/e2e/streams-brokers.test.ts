import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerUrl, uniqueName } from '../ingest/streams/sources/collector.js';
import { kafkaTopic, mqttTopic, natsStream, type BrokerTopic } from './broker-topics.js';
import { hostedStreams, until, type HostedStreams } from './hosted-streams.js';
import { retailEvents } from './retail-events.js';

const TABLE = 'bronze.retail.sales';

/** A broker the stream reads from: how to make a topic of its own on it. */
interface Broker {
  kind: 'kafka' | 'nats' | 'mqtt';
  url: string | undefined;
  /** Exactly once (Kafka, NATS); MQTT is at least once (no dedup key here): nothing lost. */
  exactlyOnce: boolean;
  /** How many events, all when unset (MQTT's one-message-per-append log is the slow one). */
  count?: number;
  topic(url: string, name: string): Promise<BrokerTopic>;
}

const brokers: Broker[] = [
  {
    kind: 'kafka',
    url: brokerUrl('kafka'),
    exactlyOnce: true,
    topic: (url, name) => kafkaTopic(url, name, 3),
  },
  { kind: 'nats', url: brokerUrl('nats'), exactlyOnce: true, topic: natsStream },
  {
    kind: 'mqtt',
    url: brokerUrl('mqtt'),
    exactlyOnce: false,
    count: 600,
    topic: (url, name) => mqttTopic(url, name),
  },
];

describe.each(brokers)('a $kind stream, end to end through the server', (broker) => {
  let server: HostedStreams;
  /** Retail sales numbered in time order, so every event can be found in the table. */
  let allEvents: { json: string; quantity: number }[];

  beforeAll(async () => {
    if (!broker.url) return;
    allEvents = (await retailEvents(2)).events.map((event, n) => {
      const parsed = JSON.parse(event) as { Quantity: number };
      return { json: JSON.stringify({ ...parsed, n }), quantity: parsed.Quantity };
    });
    server = await hostedStreams(`streams-${broker.kind}`);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  const table = async () => {
    if ((await server.count(TABLE)) === 0)
      return { rows: 0, events: 0, quantity: 0, duplicates: 0 };
    const [row] = await server.query(
      `SELECT count(*), count(DISTINCT n), coalesce(sum(Quantity), 0),
              count(*) - count(DISTINCT (_partition, _offset)) FROM ${TABLE}`,
    );
    const [rows, distinct, quantity, duplicates] = row!.map(Number);
    return { rows: rows!, events: distinct!, quantity: quantity!, duplicates: duplicates! };
  };
  const eventsUntil = (count: number, ms: number) =>
    until(`${count} events in ${TABLE}`, table, (t) => t.events >= count, ms);

  it.skipIf(!broker.url)(
    'lands every retail event, across a server restart, without duplicates',
    async () => {
      const events = allEvents.slice(0, broker.count);
      const half = Math.floor(events.length / 2);
      const expectedQuantity = events.reduce((sum, e) => sum + e.quantity, 0);
      const name = uniqueName(`lw_e2e_${broker.kind}`).toLowerCase();
      const topic = await broker.topic(broker.url!, name);
      try {
        const created = await server.createStream({
          name: 'retail_sales',
          table: TABLE,
          source: topic.source,
          batch: { maxIntervalMs: 300 },
        });
        expect(created.state).toBe('running');

        await topic.publish(events.slice(0, half).map((e) => e.json));
        expect((await eventsUntil(half, 30_000)).events).toBe(half);

        // The server goes away; producers carry on; a new server takes over from the table.
        await server.restart(() => topic.publish(events.slice(half).map((e) => e.json)));
        const end = await eventsUntil(events.length, 60_000);
        expect(end.events).toBe(events.length);
        if (broker.exactlyOnce) {
          expect(end).toEqual({
            rows: events.length,
            events: events.length,
            quantity: expectedQuantity,
            duplicates: 0,
          });
        }
        const shown = await server.stream('retail_sales');
        expect(shown.status).toMatchObject({ state: 'running', bufferedRecords: 0 });
      } finally {
        await topic.close();
      }
    },
    180_000,
  );
});
