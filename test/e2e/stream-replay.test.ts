// Issue 6: the retail sales of ../shared/data/retail/by-day, replayed in time order as events
// through each source (HTTP push, Kafka, NATS JetStream, MQTT), end in the bronze table as
// exactly the source rows: same count, same checksum over every column.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerUrl, uniqueName } from '../ingest/streams/sources/collector.js';
import { kafkaTopic, mqttTopic, natsStream, type BrokerTopic } from './broker-topics.js';
import { chunks, hostedStreams, until, type HostedStreams } from './hosted-streams.js';
import { checksumSql, retailEvents, type RetailEvents } from './retail-events.js';

/** 20 days: ~42,000 sales. */
const DAYS = 20;
const TIMEOUT_MS = 150_000;

let server: HostedStreams;
let retail: RetailEvents;

beforeAll(async () => {
  retail = await retailEvents(DAYS);
  server = await hostedStreams('stream-replay');
}, 60_000);
afterAll(async () => {
  await server?.close();
});

/** The table holds exactly the source rows, and the stream saw each record once. */
async function expectSourceRows(stream: string, table: string): Promise<void> {
  await until(
    `${retail.count} rows in ${table}`,
    () => server.count(table),
    (n) => n >= retail.count,
    TIMEOUT_MS - 30_000,
    500,
  );
  const [[count, checksum]] = (await server.query(checksumSql(table))) as [[unknown, unknown]];
  expect({ count: Number(count), checksum: String(checksum) }).toEqual({
    count: retail.count,
    checksum: retail.checksum,
  });
  const shown = await until(
    'the stream to show everything committed',
    () => server.stream(stream),
    (s) => s.status?.committedRecords === retail.count && s.status.bufferedRecords === 0,
    10_000,
  );
  expect(shown).toMatchObject({ state: 'running', status: { deadLettered: 0, lag: 0 } });
}

describe('replaying retail sales through HTTP pushes', () => {
  it(
    'ends with exactly the source rows (NDJSON requests of 500 events, each with an idempotency key)',
    async () => {
      await server.createStream({
        name: 'replay_http',
        table: 'bronze.replay.http_sales',
        source: { kind: 'http' },
      });
      for (const [i, part] of chunks(retail.events, 500).entries()) {
        const answer = await server.api(
          'POST',
          '/streams/replay_http/records',
          part.join('\n') + '\n',
          { 'content-type': 'application/x-ndjson', 'idempotency-key': `replay-${i}` },
        );
        expect(answer.statusCode, answer.body).toBe(200);
        expect(answer.json()).toMatchObject({ accepted: part.length, duplicate: false });
      }
      await expectSourceRows('replay_http', 'bronze.replay.http_sales');
    },
    TIMEOUT_MS,
  );
});

/** A broker stream: the source's events published in time order, then the table checked. */
function replayThrough(
  kind: 'kafka' | 'nats' | 'mqtt',
  open: (url: string, name: string) => Promise<BrokerTopic>,
  messagesOf: (events: string[]) => string[],
  key?: (message: string) => string,
): void {
  const url = brokerUrl(kind);
  describe.skipIf(url === undefined)(`replaying retail sales through ${kind}`, () => {
    it(
      'ends with exactly the source rows',
      async () => {
        const topic = await open(url!, uniqueName(`replay_${kind}`));
        try {
          const stream = `replay_${kind}`;
          const table = `bronze.replay.${kind}_sales`;
          await server.createStream({ name: stream, table, source: topic.source });
          await topic.publish(messagesOf(retail.events), key);
          await expectSourceRows(stream, table);
        } finally {
          await topic.close();
        }
      },
      TIMEOUT_MS,
    );
  });
}

const oneEach = (events: string[]) => events;

// Three partitions; an invoice's lines share a key, so each invoice stays in time order.
replayThrough(
  'kafka',
  (url, name) => kafkaTopic(url, name, 3),
  oneEach,
  (message) => (JSON.parse(message) as { InvoiceNo: string }).InvoiceNo,
);
replayThrough('nats', natsStream, oneEach);
// MQTT: each message a JSON array of 100 sales, as a device gateway would batch them. MQTT is
// at-least-once; the sales have no id of their own to deduplicate on, so this checks what a
// healthy connection gives: every message once.
replayThrough('mqtt', mqttTopic, (events) =>
  chunks(events, 100).map((part) => `[${part.join(',')}]`),
);
