// What the stream crash tests share: a real `lakeward serve` process that is SIGKILLed at
// seeded random moments and started again on the same home, retail events numbered so
// that a lost or doubled one shows, and the table's state read through the query API.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { expect, it } from 'vitest';
import { uniqueName } from '../ingest/streams/sources/collector.js';
import { checksumSql, retailEvents } from './retail-events.js';
import { serveHome, type ServedHome } from './served-home.js';

/** A deterministic generator, so a failing run can be replayed with its seed. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function between(random: () => number, min: number, max: number): number {
  return Math.round(min + random() * (max - min));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface NumberedEvents {
  /** One JSON object per retail row, `seq` (0, 1, …) first: an identity for every event. */
  events: string[];
  count: number;
  /** Checksum over the retail columns (not `seq`), as `checksumSql` computes it. */
  checksum: string;
}

export async function numberedEvents(days: number): Promise<NumberedEvents> {
  const retail = await retailEvents(days);
  return { ...retail, events: retail.events.map((e, seq) => `{"seq":${seq},${e.slice(1)}`) };
}

/** Count and checksum of some of the events, computed apart from Lakeward (for HTTP: only the acknowledged). */
export async function checksumOf(events: string[]): Promise<{ count: number; checksum: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'lakeward-crash-expected-'));
  const file = join(dir, 'events.ndjson');
  writeFileSync(file, events.join('\n') + '\n');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const source = `read_json('${file}', format = 'newline_delimited', columns = {seq: 'BIGINT', InvoiceNo: 'VARCHAR', StockCode: 'VARCHAR', Description: 'VARCHAR', Quantity: 'DOUBLE', InvoiceDate: 'VARCHAR', UnitPrice: 'DOUBLE', CustomerID: 'DOUBLE', Country: 'VARCHAR'})`;
    const [count, checksum] = (await connection.runAndReadAll(checksumSql(source))).getRows()[0]!;
    return { count: Number(count), checksum: String(checksum) };
  } finally {
    connection.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A fresh home served by a real server process. */
export async function crashHome(prefix: string): Promise<{ served: ServedHome; remove(): void }> {
  const dir = mkdtempSync(join(tmpdir(), `lakeward-${prefix}-`));
  const served = await serveHome(join(dir, 'home'));
  return {
    served,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export async function createStream(served: ServedHome, body: object): Promise<void> {
  const answer = await served.api('/api/v1/streams', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (answer.status !== 201) {
    throw new Error(`creating the stream answered ${answer.status}: ${await answer.text()}`);
  }
}

export async function query(served: ServedHome, sql: string): Promise<unknown[][]> {
  const answer = await served.api('/api/v1/query', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sql }),
  });
  if (answer.status !== 200) throw new Error(`${answer.status}: ${await answer.text()}`);
  return ((await answer.json()) as { rows: unknown[][] }).rows;
}

export interface TableState {
  rows: number;
  /** Distinct `seq`: fewer than rows means an event was written twice. */
  events: number;
  checksum: string;
}

/** What a query sees of the table now; zero rows while it does not exist yet. */
export async function tableState(served: ServedHome, table: string): Promise<TableState> {
  try {
    const [[rows, checksum]] = (await query(served, checksumSql(table))) as [[unknown, unknown]];
    const [[events]] = (await query(served, `SELECT count(DISTINCT seq) FROM ${table}`)) as [
      [unknown],
    ];
    return { rows: Number(rows), events: Number(events), checksum: String(checksum) };
  } catch (err) {
    if (/TABLE_NOT_FOUND/.test((err as Error).message)) {
      return { rows: 0, events: 0, checksum: '0' };
    }
    throw err;
  }
}

/**
 * Waits until the table holds `expected` distinct events, then a little longer (a
 * duplicate committed late must still show), and returns what it holds then.
 */
export async function caughtUp(
  served: ServedHome,
  table: string,
  expected: number,
  timeoutMs: number,
): Promise<TableState> {
  const deadline = Date.now() + timeoutMs;
  let state = await tableState(served, table);
  while (state.events < expected && Date.now() < deadline) {
    await sleep(500);
    state = await tableState(served, table);
  }
  await sleep(2_500);
  return tableState(served, table);
}

export interface StreamStatusView {
  state: string;
  error: string | null;
  status: { lag: number; committedRecords: number; lastError: string | null } | null;
}

export async function streamStatus(served: ServedHome, name: string): Promise<StreamStatusView> {
  const answer = await served.api(`/api/v1/streams/${name}`);
  return (await answer.json()) as StreamStatusView;
}

export interface KillPlan {
  kills: number;
  random: () => number;
  /** How long the server runs before each kill, ms (drawn uniformly). */
  upMs: [number, number];
  /** How long it stays dead before the restart, ms. */
  downMs: [number, number];
  /** Called after each restart with the number of kills so far (producers pace themselves on it). */
  onRestart?: (kills: number) => void;
  beforeKill?: () => Promise<void>;
}

/** SIGKILLs the server `kills` times at random moments, starting it again each time. */
export async function killRepeatedly(served: ServedHome, plan: KillPlan): Promise<number> {
  let kills = 0;
  while (kills < plan.kills) {
    await sleep(between(plan.random, ...plan.upMs));
    await plan.beforeKill?.();
    await served.kill();
    kills++;
    await sleep(between(plan.random, ...plan.downMs));
    await served.start();
    plan.onRestart?.(kills);
  }
  return kills;
}

const began = Date.now();
/** Progress on stderr, so a slow or stuck run shows where it is. */
export function note(message: string): void {
  process.stderr.write(`[stream-crash +${((Date.now() - began) / 1000).toFixed(1)}s] ${message}\n`);
}

/** A broker topic the stream reads: its source definition and how to publish events to it. */
export interface Topic {
  source: Record<string, unknown>;
  publish(events: string[]): Promise<void>;
  close(): Promise<void>;
}

export interface BrokerCrash {
  /** Unique per run: topics, streams, groups and sessions of the shared brokers. */
  name: string;
  topic: Topic;
  days: number;
  kills: number;
  seed: number;
  upMs: [number, number];
  /** Kafka and NATS: exactly once. MQTT (at least once without a dedup key): nothing lost. */
  exactlyOnce: boolean;
  /** Before the first publish (MQTT delivers only to a session that has subscribed). */
  settleMs?: number;
}

export interface BrokerCrashResult {
  kills: number;
  /** Kills of a server that had committed records in that life. */
  afterCommit: number;
  produced: number;
  state: TableState;
  expected: NumberedEvents;
  stream: StreamStatusView;
}

/**
 * Publishes the events in slices, one per life of the server, while the server is
 * SIGKILLed `kills` times at random moments and started again; then waits for the
 * stream to catch up and reads the table.
 */
export async function crashWhilePublishing(run: BrokerCrash): Promise<BrokerCrashResult> {
  const random = seeded(run.seed);
  const expected = await numberedEvents(run.days);
  const table = `bronze.crash.${run.name}`;
  const { served, remove } = await crashHome(`stream-crash-${run.name}`);
  try {
    await createStream(served, {
      name: 'crash',
      table,
      source: run.topic.source,
      format: 'json',
      batch: { maxIntervalMs: 300 },
    });
    await sleep(run.settleMs ?? 0);
    let kills = 0;
    const slices = run.kills + 1;
    const per = Math.ceil(expected.events.length / slices);
    const publishing = (async () => {
      for (let k = 0; k < slices; k++) {
        await run.topic.publish(expected.events.slice(k * per, (k + 1) * per));
        while (kills <= k && k < slices - 1) await sleep(20);
      }
    })();
    let afterCommit = 0;
    let failed: unknown;
    publishing.catch((err: unknown) => (failed = err));
    kills = await killRepeatedly(served, {
      kills: run.kills,
      random,
      upMs: run.upMs,
      downMs: [0, 300],
      // Half the kills come a random moment after the first commit of the server's life
      // (commits, acknowledgements upstream), the others wherever the up time ends (often
      // while the stream is still starting: reading its positions, joining its consumer group).
      beforeKill: async () => {
        const committedHere = async () =>
          ((await streamStatus(served, 'crash').catch(() => undefined))?.status?.committedRecords ??
            0) > 0;
        if (random() < 0.5) {
          const deadline = Date.now() + 45_000;
          while (Date.now() < deadline && !(await committedHere())) await sleep(200);
          await sleep(between(random, 0, 1_500));
        }
        if (await committedHere()) afterCommit++;
      },
      onRestart: (k) => {
        kills = k;
        note(`${run.name}: kill ${k}`);
        if (failed !== undefined) throw failed;
      },
    });
    await publishing;
    note(
      `${run.name}: published ${expected.count} events; ${afterCommit} of ${kills} kills came after a commit; waiting for the stream`,
    );
    const state = await caughtUp(served, table, expected.count, 120_000);
    note(`${run.name}: ${JSON.stringify(state)}`);
    const stream = await streamStatus(served, 'crash');
    if (state.events < expected.count)
      note(`${run.name}: behind: ${JSON.stringify(stream.status)}`);
    return { kills, afterCommit, produced: expected.count, state, expected, stream };
  } finally {
    await served.stop().catch(() => undefined);
    remove();
  }
}

/**
 * What every broker crash run must show: all its kills happened, the commit path was hit
 * (not only the start), the stream runs again without an error, and every event landed:
 * exactly once (rows, events and checksum) or, at least once, every event.
 */
function expectSurvived(run: BrokerCrashResult, kills: number, exactlyOnce: boolean): void {
  expect(run.kills).toBe(kills);
  expect(run.afterCommit).toBeGreaterThanOrEqual(5);
  if (exactlyOnce) {
    expect(run.state).toEqual({
      rows: run.expected.count,
      events: run.expected.count,
      checksum: run.expected.checksum,
    });
  } else {
    // A message whose acknowledgement died with the server may come twice.
    expect(run.state.events).toBe(run.expected.count);
  }
  expect(run.stream).toMatchObject({ state: 'running', error: null });
}

export interface BrokerCrashTest {
  /** Names the run's topic, stream and table. */
  prefix: string;
  /** The broker's address; the test skips when it is unset (brokerUrl fails in CI instead). */
  url: string | undefined;
  /** Opens a topic of its own on the broker for a run. */
  topic: (name: string, url: string) => Promise<Topic>;
  seed: number;
  exactlyOnce: boolean;
  settleMs?: number;
}

/** The crash test every broker shares: 20 retail days published, the server killed 20 times. */
export function itSurvivesKills(title: string, test: BrokerCrashTest): void {
  it.skipIf(test.url === undefined)(
    title,
    async () => {
      const name = uniqueName(test.prefix).toLowerCase();
      const topic = await test.topic(name, test.url!);
      try {
        const run = await crashWhilePublishing({
          name,
          topic,
          days: 20,
          kills: 20,
          seed: test.seed,
          upMs: [200, 2_500],
          exactlyOnce: test.exactlyOnce,
          ...(test.settleMs === undefined ? {} : { settleMs: test.settleMs }),
        });
        expectSurvived(run, 20, test.exactlyOnce);
      } finally {
        await topic.close();
      }
    },
    540_000,
  );
}
