import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { openSession } from '../../../../src/engine/index.js';
import type { MicroBatch, StreamDefinition, StreamRecord } from '../../../../src/ingest/index.js';
import { StreamWriter, type StreamWriterDeps } from '../../../../src/ingest/index.js';
import { governedHome, type GovernedHome } from '../../../catalog/governed-home.js';

/** A real home and what a stream writer of it needs. */
export interface StreamHome {
  home: GovernedHome;
  deps: StreamWriterDeps;
  writer(definition: StreamDefinition, id?: string): StreamWriter;
  /** Rows of a governed query as the admin runs it. */
  query(sql: string): Promise<unknown[][]>;
  close(): Promise<void>;
}

export async function streamHome(): Promise<StreamHome> {
  const home = await governedHome();
  const { services } = home;
  const deps: StreamWriterDeps = {
    catalog: services.catalog,
    openSession,
    config: services.config,
    tempDir: path.join(home.dir, 'tmp', 'streams'),
  };
  const writers: StreamWriter[] = [];
  return {
    home,
    deps,
    writer(definition, id = 'stream-1') {
      const writer = new StreamWriter(deps, { id, definition });
      writers.push(writer);
      return writer;
    },
    async query(sql) {
      return (await services.query.execute(home.admin, sql)).rows as unknown[][];
    },
    async close() {
      for (const writer of writers) await writer.close();
      await home.close();
    },
  };
}

/**
 * A fresh stream home for each test of the calling file (made before it, closed after it);
 * the object stands for the current test's home.
 */
export function streamHomeForEachTest(): StreamHome {
  let current: StreamHome | undefined;
  beforeEach(async () => {
    current = await streamHome();
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  const now = (): StreamHome => {
    if (current === undefined) throw new Error('the stream home exists only while a test runs');
    return current;
  };
  return {
    get home() {
      return now().home;
    },
    get deps() {
      return now().deps;
    },
    writer: (definition, id) => now().writer(definition, id),
    query: (sql) => now().query(sql),
    close: () => now().close(),
  };
}

/** The table and dead-letter table of definition(). */
export const SALES = 'bronze.shop.sales';
export const DEAD = 'bronze.shop.sales__dead_letter';

export function definition(overrides: Partial<StreamDefinition> = {}): StreamDefinition {
  return {
    name: 'sales',
    table: { namespace: ['bronze', 'shop'], name: 'sales' },
    source: { kind: 'http' },
    format: 'json',
    batch: { maxRecords: 100_000, maxBytes: 64 * 1024 ** 2, maxIntervalMs: 1000 },
    drift: 'evolve',
    deadLetterTable: { namespace: ['bronze', 'shop'], name: 'sales__dead_letter' },
    maxRecordBytes: 1024 ** 2,
    memoryLimitBytes: 256 * 1024 ** 2,
    logQuotaBytes: 1024 ** 3,
    sourceSystem: 'shop',
    ...overrides,
  };
}

/** Records at consecutive offsets of one partition; objects are sent as JSON text. */
export function records(
  values: (object | string | Buffer)[],
  options: { partition?: string | null; from?: number } = {},
): StreamRecord[] {
  const { partition = '0', from = 0 } = options;
  return values.map((value, i) => ({
    value: Buffer.isBuffer(value)
      ? value
      : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
    partition,
    offset: String(from + i),
    receivedAt: new Date('2024-05-01T10:00:00Z'),
  }));
}

/** A batch whose positions are the last offset of each partition in it. */
export function batchOf(list: StreamRecord[]): MicroBatch {
  const positions: Record<string, string> = {};
  for (const r of list) positions[r.partition ?? 'wal'] = r.offset;
  return { records: list, positions };
}
