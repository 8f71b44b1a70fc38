// What the stream runner does with a source, reduced to what the source tests need: a real
// `deliver` that keeps the records (optionally slowly, to exercise backpressure), the
// positions those records bring the stream to, and the errors reported.
import type { Positions, StreamRecord } from '../../../../src/ingest/streams/index.js';
import { brokerUrls, type BrokerKind } from '../../../services/broker-control.js';

export interface Collector {
  records: StreamRecord[];
  errors: Error[];
  deliver: (records: StreamRecord[]) => Promise<void>;
  onError: (error: Error) => void;
  /** Per partition, the highest offset delivered: what a commit of everything would write. */
  positions(): Positions;
  values(): string[];
}

export function collector(options: { delayMs?: number } = {}): Collector {
  const records: StreamRecord[] = [];
  const errors: Error[] = [];
  return {
    records,
    errors,
    async deliver(batch) {
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      records.push(...batch);
    },
    onError: (error) => errors.push(error),
    positions() {
      const positions: Positions = {};
      for (const record of records) {
        const key = record.partition ?? '';
        if (positions[key] === undefined || BigInt(record.offset) > BigInt(positions[key])) {
          positions[key] = record.offset;
        }
      }
      return positions;
    },
    values: () => records.map((record) => record.value.toString()),
  };
}

export async function waitFor(
  what: string,
  condition: () => boolean,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The broker's address; undefined (skip) locally when it is not configured, a failure on CI. */
export function brokerUrl(kind: BrokerKind): string | undefined {
  const url = brokerUrls()[kind];
  if (!url && process.env.CI === 'true') {
    throw new Error(
      `CI=true but no ${kind} broker is configured (see test/services/broker-control.ts)`,
    );
  }
  return url;
}

/** A name no other test run uses (topics, streams, consumers are shared by every run). */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}
