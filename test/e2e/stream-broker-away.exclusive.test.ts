// Issue 6: a broker that goes away and comes back. While it is away the stream shows the error
// (and keeps running, retrying by itself); once it is back the stream resumes where the table
// says it is, and the table holds every record published before, during-the-outage-queued, and
// after, exactly once (Kafka, NATS) or at least once with its dedup key (MQTT).
// Stops the SHARED test brokers: runs alone, after the main suite (vitest.exclusive.config.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, stopBroker, type BrokerKind } from '../services/broker-control.js';
import { brokerUrl, uniqueName } from '../ingest/streams/sources/collector.js';
import { kafkaTopic, mqttTopic, natsStream, type BrokerTopic } from './broker-topics.js';
import { hostedStreams, sleep, until, type HostedStreams } from './hosted-streams.js';

const OUTAGE_MS = 6_000;

let server: HostedStreams;
beforeAll(async () => {
  server = await hostedStreams('stream-broker-away');
}, 60_000);
afterAll(async () => {
  await server?.close();
});

/** Events numbered in order, so each can be found in the table. */
function events(count: number): string[] {
  return Array.from({ length: count }, (_, n) =>
    JSON.stringify({ n, device: `d${n % 17}`, reading: (n % 100) / 4 }),
  );
}

interface Case {
  kind: BrokerKind;
  open(url: string, name: string): Promise<BrokerTopic>;
  count: number;
}

const cases: Case[] = [
  { kind: 'kafka', open: (url, name) => kafkaTopic(url, name, 3), count: 20_000 },
  { kind: 'nats', open: natsStream, count: 20_000 },
  // One message per event (its `n` is the dedup key): MQTT's log takes one append per message.
  { kind: 'mqtt', open: (url, name) => mqttTopic(url, name, 'n'), count: 1_000 },
];

describe.each(cases)('a $kind broker that goes away and comes back', ({ kind, open, count }) => {
  const url = brokerUrl(kind);
  it.skipIf(url === undefined)(
    'shows the error while it is away, then resumes without losing or doubling a record',
    async () => {
      const topic = await open(url!, uniqueName(`away_${kind}`));
      const stream = `away_${kind}`;
      const table = `bronze.away.${kind}_events`;
      const all = events(count);
      const half = count / 2;
      let brokerDown = false;
      try {
        await server.createStream({
          name: stream,
          table,
          source: topic.source,
          // Small batches: the first half takes many commits, so the broker goes away mid-way.
          batch: { maxIntervalMs: 300, maxRecords: 250 },
        });
        await topic.publish(all.slice(0, half));
        // Taken away mid-stream: some records committed, others delivered but not yet
        // committed or acknowledged (the broker gives those again; the table says they are done).
        await until(
          'a first commit',
          () => server.count(table),
          (n) => n > 0,
          60_000,
          50,
        );

        const stoppedAt = new Date().toISOString();
        await stopBroker(kind);
        brokerDown = true;
        const away = await until(
          'the stream to report the broker away',
          () => server.stream(stream),
          (s) => (s.status?.lastErrorAt ?? '') > stoppedAt,
          60_000,
        );
        // An outage is not a failure: the stream keeps running and retries by itself.
        expect(away.state).toBe('running');
        expect(away.status?.lastError).toMatch(/STREAM_SOURCE_UNAVAILABLE|broker|connect/i);

        // Away long enough for the stream to try again more than once.
        await sleep(Math.max(0, Date.parse(stoppedAt) + OUTAGE_MS - Date.now()));
        await startBroker(kind);
        brokerDown = false;
        // The producer reconnects by itself too.
        await topic.publish(all.slice(half));
        await until(
          'every event committed',
          () => server.count(table),
          (n) => n >= count,
          120_000,
          500,
        );
        const [[rows, distinct, lowest, highest]] = (await server.query(
          `SELECT count(*), count(DISTINCT n), min(n), max(n) FROM ${table}`,
        )) as [[unknown, unknown, unknown, unknown]];
        expect([rows, distinct, lowest, highest].map(Number)).toEqual([count, count, 0, count - 1]);
        const shown = await until(
          'the stream to settle',
          () => server.stream(stream),
          (s) => s.status?.bufferedRecords === 0 && s.status.committedRecords >= half,
          10_000,
        );
        expect(shown.state).toBe('running');
      } finally {
        // Never leave a shared broker down for the next test file.
        if (brokerDown) await startBroker(kind);
        await topic.close();
        await server.api('DELETE', `/streams/${stream}`);
      }
    },
    300_000,
  );
});
