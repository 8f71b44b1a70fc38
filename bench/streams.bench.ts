// Streaming ingestion, measured against a real `lakeward serve` process:
// - HTTP: the retail rows (541,909 records of ~200 bytes) pushed as NDJSON in batches of
//   500 by concurrent producers; sustained records/s and freshness (acknowledged →
//   visible to a query), beside DuckDB writing the same batches to Parquet files.
// - Kafka: a topic of 1,000,000 records into a table, beside the raw consume rate of the
//   same client (kafkajs) reading the topic without writing.
// Peak RSS is the server process's own (VmHWM).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { filledKafkaTopic } from '../test/e2e/broker-topics.js';
import { retailEvents } from '../test/e2e/retail-events.js';
import { serveHome, type ServedHome } from '../test/e2e/served-home.js';
import { rawDuckdb } from './baseline.js';
import { fmt, percentile, timed } from './stats.js';

const BATCH = 500;
const PRODUCERS = Number(process.env.LAKEWARD_BENCH_STREAM_PRODUCERS ?? 8);
const PACED_RECORDS_PER_SEC = 50_000;
const KAFKA_RECORDS = Number(process.env.LAKEWARD_BENCH_KAFKA_RECORDS ?? 1_000_000);

export interface HttpStreamFigures {
  records: number;
  lakewardRecordsPerSec: number;
  duckdbRecordsPerSec: number;
  freshnessP50Ms: number;
  freshnessP99Ms: number;
  /** The second half of the records pushed at the issue's rate (50,000 records/s). */
  pacedRecordsPerSec: number;
  pacedFreshnessP50Ms: number;
  pacedFreshnessP99Ms: number;
  /** One batch of 500 pushed to an idle stream: acknowledgement and visibility (fixed cost). */
  singleAckMs: number;
  singleVisibleMs: number;
  peakRssBytes: number;
}

export interface KafkaStreamFigures {
  records: number;
  lakewardRecordsPerSec: number;
  rawConsumeRecordsPerSec: number;
  peakRssBytes: number;
}

export interface StreamFigures {
  http: HttpStreamFigures;
  kafka: KafkaStreamFigures | null;
}

async function queryScalar(served: ServedHome, sql: string): Promise<number> {
  const response = await served.api('/api/v1/query', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sql }),
  });
  if (!response.ok) return -1;
  const { rows } = (await response.json()) as { rows: unknown[][] };
  const value = rows[0]?.[0];
  return value === null || value === undefined ? -1 : Number(value);
}

async function createStream(served: ServedHome, body: object): Promise<void> {
  const response = await served.api('/api/v1/streams', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`create stream: ${response.status} ${await response.text()}`);
}

async function push(served: ServedHome, stream: string, lines: string[]): Promise<number> {
  for (;;) {
    const response = await served.api(`/api/v1/streams/${stream}/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: `${lines.join('\n')}\n`,
    });
    if (response.status === 429) {
      const wait = Number(response.headers.get('retry-after') ?? 1);
      await new Promise((r) => setTimeout(r, wait * 1000));
      continue;
    }
    if (!response.ok) throw new Error(`push: ${response.status} ${await response.text()}`);
    const { lastOffset } = (await response.json()) as { lastOffset: string };
    return Number(lastOffset);
  }
}

/** Polls max(_offset) and resolves each waiter when the offset it waits for is visible. */
function visibilityWatcher(served: ServedHome, table: string) {
  const waiting: { offset: number; ackedAt: number; done: (ms: number) => void }[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped || waiting.length > 0) {
      const visible = await queryScalar(served, `SELECT max(_offset) FROM ${table}`);
      const now = performance.now();
      for (let i = waiting.length - 1; i >= 0; i--) {
        const w = waiting[i]!;
        if (visible >= w.offset) {
          w.done(now - w.ackedAt);
          waiting.splice(i, 1);
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    wait(offset: number, ackedAt: number): Promise<number> {
      return new Promise((done) => waiting.push({ offset, ackedAt, done }));
    },
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

async function benchHttp(events: string[]): Promise<HttpStreamFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'lakeward-bench-stream-'));
  const served = await serveHome(join(dir, 'home'));
  try {
    const table = 'bronze.bench.events';
    await createStream(served, {
      name: 'bench_http',
      table,
      source: { kind: 'http' },
      format: 'ndjson',
    });
    const single = await timed(() => push(served, 'bench_http', events.slice(0, BATCH)));
    const watcher = visibilityWatcher(served, table);
    const singleVisibleMs = await watcher.wait(single.value, performance.now());
    const batches: string[][] = [];
    for (let i = BATCH; i < events.length; i += BATCH) batches.push(events.slice(i, i + BATCH));
    const half = Math.floor(batches.length / 2);
    const flatOut = await pushAll(served, watcher, batches.slice(0, half));
    const paced = await pushAll(served, watcher, batches.slice(half), PACED_RECORDS_PER_SEC);
    await watcher.stop();
    const count = await queryScalar(served, `SELECT count(*) FROM ${table}`);
    if (count !== events.length) throw new Error(`table has ${count} rows, sent ${events.length}`);
    const baseline = await duckdbBatches(batches, dir);
    return {
      records: events.length,
      lakewardRecordsPerSec: ((half * BATCH) / flatOut.ms) * 1000,
      duckdbRecordsPerSec: ((events.length - BATCH) / baseline) * 1000,
      freshnessP50Ms: percentile(flatOut.delays, 50),
      freshnessP99Ms: percentile(flatOut.delays, 99),
      pacedRecordsPerSec: (((batches.length - half) * BATCH) / paced.ms) * 1000,
      pacedFreshnessP50Ms: percentile(paced.delays, 50),
      pacedFreshnessP99Ms: percentile(paced.delays, 99),
      singleAckMs: single.ms,
      singleVisibleMs,
      peakRssBytes: served.peakRss(),
    };
  } finally {
    await served.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Pushes the batches with concurrent producers, as fast as the server answers or at a
 * given pace, and collects each batch's freshness (acknowledged → visible).
 */
async function pushAll(
  served: ServedHome,
  watcher: ReturnType<typeof visibilityWatcher>,
  batches: string[][],
  paceRecordsPerSec?: number,
): Promise<{ ms: number; delays: number[] }> {
  const freshness: Promise<number>[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: PRODUCERS }, async () => {
      while (next < batches.length) {
        const index = next++;
        if (paceRecordsPerSec !== undefined) {
          const due = started + ((index * BATCH) / paceRecordsPerSec) * 1000;
          await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
        }
        const offset = await push(served, 'bench_http', batches[index]!);
        freshness.push(watcher.wait(offset, performance.now()));
      }
    }),
  );
  const ms = performance.now() - started;
  return { ms, delays: (await Promise.all(freshness)).sort((a, b) => a - b) };
}

/** DuckDB alone writing each batch of NDJSON records to its own Parquet file. */
async function duckdbBatches(batches: string[][], dir: string): Promise<number> {
  return rawDuckdb(async (run) => {
    const input = join(dir, 'batch.ndjson');
    const { ms } = await timed(async () => {
      for (const [i, lines] of batches.entries()) {
        writeFileSync(input, `${lines.join('\n')}\n`);
        await run(
          `COPY (SELECT * FROM read_json('${input}', format = 'newline_delimited'))
           TO '${join(dir, `batch-${i}.parquet`)}' (FORMAT parquet)`,
        );
      }
    });
    return ms;
  });
}

async function benchKafka(events: string[], brokers: string): Promise<KafkaStreamFigures> {
  const topic = `lakeward-bench-${Date.now()}`;
  await filledKafkaTopic(brokers, topic, KAFKA_RECORDS, (i) => events[i % events.length]!);
  const kafka = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const raw = await rawConsume(kafka, topic);
  const dir = mkdtempSync(join(tmpdir(), 'lakeward-bench-kafka-'));
  const served = await serveHome(join(dir, 'home'));
  try {
    const table = 'bronze.bench.kafka_events';
    const { ms } = await timed(async () => {
      await createStream(served, {
        name: 'bench_kafka',
        table,
        source: { kind: 'kafka', brokers: brokers.split(','), topic },
        format: 'json',
      });
      while ((await queryScalar(served, `SELECT count(*) FROM ${table}`)) < KAFKA_RECORDS) {
        await new Promise((r) => setTimeout(r, 100));
      }
    });
    return {
      records: KAFKA_RECORDS,
      lakewardRecordsPerSec: (KAFKA_RECORDS / ms) * 1000,
      rawConsumeRecordsPerSec: raw,
      peakRssBytes: served.peakRss(),
    };
  } finally {
    await served.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same client reading the whole topic and doing nothing with it. */
async function rawConsume(kafka: Kafka, topic: string): Promise<number> {
  const consumer = kafka.consumer({ groupId: `${topic}-raw` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  const { ms } = await timed(
    () =>
      new Promise<void>((done) => {
        void consumer.run({
          eachBatch: async ({ batch }) => {
            seen += batch.messages.length;
            if (seen >= KAFKA_RECORDS) done();
          },
        });
      }),
  );
  await consumer.disconnect();
  return (KAFKA_RECORDS / ms) * 1000;
}

export async function benchStreams(): Promise<StreamFigures> {
  const { events } = await retailEvents();
  const http = await benchHttp(events);
  const brokers = process.env.LAKEWARD_TEST_KAFKA_BROKERS;
  const kafka = brokers === undefined ? null : await benchKafka(events, brokers);
  return { http, kafka };
}

export function streamReport({ http, kafka }: StreamFigures): string[] {
  const mb = (bytes: number) => `${fmt(bytes / 1024 ** 2, 0)} MB`;
  const lines = [
    `[real] HTTP stream: ${http.records} retail records (~200 bytes) as NDJSON, batches of ${BATCH}, ${PRODUCERS} producers`,
    `  lakeward push → table     ${fmt(http.lakewardRecordsPerSec, 0)} records/s  (aim ≥ 50,000)`,
    `  duckdb batches → parquet  ${fmt(http.duckdbRecordsPerSec, 0)} records/s`,
    `  ratio ${fmt(http.lakewardRecordsPerSec / http.duckdbRecordsPerSec, 2)}`,
    `  freshness p50 ${fmt(http.freshnessP50Ms, 0)} ms, p99 ${fmt(http.freshnessP99Ms, 0)} ms at that rate (the first half of the records, flat out)`,
    `  paced at ${fmt(PACED_RECORDS_PER_SEC, 0)} records/s (second half): ${fmt(http.pacedRecordsPerSec, 0)} records/s, freshness p50 ${fmt(http.pacedFreshnessP50Ms, 0)} ms, p99 ${fmt(http.pacedFreshnessP99Ms, 0)} ms  (aim p99 ≤ 2,000)`,
    `  one batch on an idle stream: acknowledged in ${fmt(http.singleAckMs, 1)} ms, visible ${fmt(http.singleVisibleMs, 0)} ms later`,
    `  server peak RSS ${mb(http.peakRssBytes)}`,
  ];
  if (kafka === null) {
    lines.push(
      '[kafka] skipped: LAKEWARD_TEST_KAFKA_BROKERS is not set (bash test/services/kafka.sh)',
    );
  } else {
    lines.push(
      `[generated] Kafka topic of ${kafka.records} records into a table`,
      `  lakeward stream      ${fmt(kafka.lakewardRecordsPerSec, 0)} records/s`,
      `  kafkajs raw consume  ${fmt(kafka.rawConsumeRecordsPerSec, 0)} records/s`,
      `  ratio ${fmt(kafka.lakewardRecordsPerSec / kafka.rawConsumeRecordsPerSec, 2)}  (aim ≥ 0.5)`,
      `  server peak RSS ${mb(kafka.peakRssBytes)}`,
    );
  }
  return lines;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(streamReport(await benchStreams()).join('\n'));
}
