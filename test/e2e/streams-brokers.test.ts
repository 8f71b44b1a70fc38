import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { FastifyInstance } from 'fastify';
import { Kafka, logLevel } from 'kafkajs';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, initHome, type Services } from '../../src/app.js';
import type { LakewardConfig } from '../../src/config/index.js';
import type { Caller } from '../../src/governance/index.js';
import { buildServer } from '../../src/server/index.js';
import { hostStreams } from '../../src/server/stream-host.js';
import { retailEvents, type RetailEvent } from '../ingest/streams/retail-events.js';
import { brokerUrl, uniqueName } from '../ingest/streams/sources/collector.js';

interface Served {
  app: FastifyInstance;
  services: Services;
  close(): Promise<void>;
}

async function serve(config: LakewardConfig): Promise<Served> {
  const services = await createServices(config);
  const app = await buildServer(services);
  hostStreams(app, services, { pollMs: 300 });
  await app.ready();
  return {
    app,
    services,
    async close() {
      await app.close();
      await services.close();
    },
  };
}

/** Retail sales numbered in time order, so every event can be found in the table. */
const allEvents: (RetailEvent & { n: number })[] = retailEvents(2)
  .flat()
  .map((e, n) => ({ ...e, n }));

/** A broker the stream reads from: how to make its topic, publish to it, and the stream's source. */
interface Broker {
  kind: 'kafka' | 'nats' | 'mqtt';
  url: string | undefined;
  /** Exactly once (Kafka, NATS); MQTT is at least once (no dedup key here): nothing lost. */
  exactlyOnce: boolean;
  /** How many events (MQTT's one-message-per-append log is the slow one on busy cores). */
  count: number;
  setUp(name: string): Promise<{
    source: Record<string, unknown>;
    publish(batch: object[]): Promise<void>;
    close(): Promise<void>;
  }>;
}

const brokers: Broker[] = [
  {
    kind: 'kafka',
    url: brokerUrl('kafka'),
    exactlyOnce: true,
    count: allEvents.length,
    async setUp(name) {
      const brokerList = this.url!.split(',');
      const kafka = new Kafka({
        clientId: 'lakeward-e2e',
        brokers: brokerList,
        logLevel: logLevel.NOTHING,
      });
      const admin = kafka.admin();
      const producer = kafka.producer();
      await Promise.all([admin.connect(), producer.connect()]);
      await admin.createTopics({
        topics: [{ topic: name, numPartitions: 3 }],
        waitForLeaders: true,
      });
      return {
        source: { kind: 'kafka', brokers: brokerList, topic: name },
        publish: async (batch) => {
          for (let i = 0; i < batch.length; i += 1000) {
            await producer.send({
              topic: name,
              messages: batch.slice(i, i + 1000).map((e) => ({ value: JSON.stringify(e) })),
            });
          }
        },
        close: async () => {
          await Promise.all([admin.disconnect(), producer.disconnect()]);
        },
      };
    },
  },
  {
    kind: 'nats',
    url: brokerUrl('nats'),
    exactlyOnce: true,
    count: allEvents.length,
    async setUp(name) {
      const stream = name.toUpperCase();
      const connection = await connect({ servers: this.url! });
      await (
        await jetstreamManager(connection)
      ).streams.add({ name: stream, subjects: [`${stream}.>`] });
      const js = jetstream(connection);
      return {
        source: { kind: 'nats', servers: [this.url!], stream },
        publish: async (batch) => {
          for (let i = 0; i < batch.length; i += 500) {
            await Promise.all(
              batch.slice(i, i + 500).map((e) => js.publish(`${stream}.sales`, JSON.stringify(e))),
            );
          }
        },
        close: () => connection.close(),
      };
    },
  },
  {
    kind: 'mqtt',
    url: brokerUrl('mqtt'),
    exactlyOnce: false,
    count: 600,
    async setUp(name) {
      const client = await mqtt.connectAsync(this.url!, { protocolVersion: 5 });
      return {
        // A client id of its own: a persistent session of an earlier run keeps its old subscription.
        source: { kind: 'mqtt', url: this.url!, topic: `${name}/#`, clientId: name },
        publish: async (batch) => {
          for (let i = 0; i < batch.length; i += 200) {
            await Promise.all(
              batch
                .slice(i, i + 200)
                .map((e) => client.publishAsync(`${name}/sales`, JSON.stringify(e), { qos: 1 })),
            );
          }
        },
        close: () => client.endAsync(),
      };
    },
  },
];

describe.each(brokers)('a $kind stream, end to end through the server', (broker) => {
  let home: string;
  let config: LakewardConfig;
  let server: Served;
  let admin: Caller;

  beforeAll(async () => {
    if (!broker.url) return;
    home = mkdtempSync(join(tmpdir(), `lakeward-streams-${broker.kind}-`));
    config = (await initHome({ home, overrides: { logLevel: 'silent' } })).config;
    server = await serve(config);
    admin = { principal: await server.services.auth.localAdmin(), context: { channel: 'cli' } };
  });
  afterAll(async () => {
    await server?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  const table = async () => {
    if (
      !(await server.services.catalog.tableExists({
        namespace: ['bronze', 'retail'],
        name: 'sales',
      }))
    ) {
      return { rows: 0, events: 0, quantity: 0, duplicates: 0 };
    }
    const result = await server.services.query.execute(
      admin,
      `SELECT count(*), count(DISTINCT n), coalesce(sum(quantity), 0),
              count(*) - count(DISTINCT (_partition, _offset)) FROM bronze.retail.sales`,
    );
    const [rows, distinct, quantity, duplicates] = result.rows[0]!.map(Number);
    return { rows: rows!, events: distinct!, quantity: quantity!, duplicates: duplicates! };
  };
  const until = async (done: (t: Awaited<ReturnType<typeof table>>) => boolean, ms: number) => {
    const deadline = Date.now() + ms;
    let seen = await table();
    while (!done(seen) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      seen = await table();
    }
    return seen;
  };

  it.skipIf(!broker.url)(
    'lands every retail event, across a server restart, without duplicates',
    async () => {
      const events = allEvents.slice(0, broker.count);
      const half = Math.floor(events.length / 2);
      const expectedQuantity = events.reduce((sum, e) => sum + e.quantity, 0);
      const name = uniqueName(`lw_e2e_${broker.kind}`).toLowerCase();
      const topic = await broker.setUp(name);
      try {
        const created = await server.services.streams.create(admin, {
          name: 'retail_sales',
          table: 'bronze.retail.sales',
          source: topic.source as never,
          batch: { maxIntervalMs: 300 },
        });
        expect(created.state).toBe('running');
        // MQTT delivers only to a subscribed session: let the stream subscribe first.
        await until(() => server.services.streams.served, 1000);
        if (broker.kind === 'mqtt') await new Promise((resolve) => setTimeout(resolve, 2_000));

        await topic.publish(events.slice(0, half));
        const stream = async () =>
          JSON.stringify(await server.services.streams.get(admin, 'retail_sales'));
        expect((await until((t) => t.events >= half, 30_000)).events, await stream()).toBe(half);

        // The server goes away; producers carry on; a new server takes over from the table.
        await server.close();
        await topic.publish(events.slice(half));
        server = await serve(config);
        const end = await until((t) => t.events >= events.length, 60_000);
        expect(end.events).toBe(events.length);
        if (broker.exactlyOnce) {
          expect(end).toEqual({
            rows: events.length,
            events: events.length,
            quantity: expectedQuantity,
            duplicates: 0,
          });
        }
        const status = (await server.services.streams.get(admin, 'retail_sales')).status;
        expect(status).toMatchObject({ state: 'running', bufferedRecords: 0 });
      } finally {
        await topic.close();
      }
    },
    180_000,
  );
});
