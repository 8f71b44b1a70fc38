import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../../src/errors/index.js';
import { StreamRunner, STREAM_DEFAULTS } from '../../../src/ingest/index.js';
import type {
  CommitOptions,
  CommitResult,
  MicroBatch,
  Positions,
  StreamCommitter,
  StreamDefinition,
  StreamRecord,
  StreamSource,
} from '../../../src/ingest/index.js';

const definition = (
  batch: Partial<StreamDefinition['batch']>,
  memoryLimitBytes = 1024 ** 2,
): StreamDefinition => ({
  name: 'orders',
  table: { namespace: ['bronze', 'shop'], name: 'orders' },
  source: { kind: 'http' },
  format: 'json',
  batch: { ...STREAM_DEFAULTS.batch, ...batch },
  drift: 'fail',
  deadLetterTable: { namespace: ['bronze', 'shop'], name: 'orders__dead_letter' },
  maxRecordBytes: 1024,
  memoryLimitBytes,
  logQuotaBytes: 1024 ** 2,
  sourceSystem: 'shop',
});

/** A source the test drives: it hands over what the test gives it and records acknowledgements. */
class TestSource implements StreamSource {
  deliver!: (records: StreamRecord[]) => Promise<void>;
  from: Positions | undefined;
  acknowledged: Positions[] = [];
  async start(from: Positions, deliver: (records: StreamRecord[]) => Promise<void>) {
    this.from = from;
    this.deliver = deliver;
  }
  async acknowledge(committed: Positions) {
    this.acknowledged.push(committed);
  }
  async close() {}
}

/** A table that keeps committed batches; `failures` makes the next commits throw. */
class TestTable implements StreamCommitter {
  batches: MicroBatch[] = [];
  attempts = 0;
  failures: Error[] = [];
  gate: Promise<void> = Promise.resolve();
  constructor(private readonly positions: Positions = {}) {}
  async committedPositions() {
    return this.positions;
  }
  async commit(batch: MicroBatch): Promise<CommitResult> {
    this.attempts++;
    await this.gate;
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.batches.push(batch);
    return {
      snapshotId: String(this.batches.length),
      rowsWritten: batch.records.length,
      deadLettered: 0,
      schemaChanges: [],
    };
  }
  async close() {}
}

const records = (partition: string, from: number, count: number, bytes = 10): StreamRecord[] =>
  Array.from({ length: count }, (_, i) => ({
    value: Buffer.alloc(bytes, 'x'),
    partition,
    offset: String(from + i),
    receivedAt: new Date(),
  }));

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

describe('StreamRunner', () => {
  it('cuts batches by count, then by time, with the last position of each partition', async () => {
    const source = new TestSource();
    const table = new TestTable({ '0': '99' });
    const runner = new StreamRunner({
      definition: definition({ maxRecords: 10, maxIntervalMs: 200 }),
      writer: table,
      source,
      onFailed: () => undefined,
    });
    await runner.start();
    expect(source.from).toEqual({ '0': '99' });
    await source.deliver([...records('0', 100, 12), ...records('1', 5, 13)]);
    await until(() => table.batches.length === 3);
    expect(table.batches.map((b) => b.records.length)).toEqual([10, 10, 5]);
    expect(table.batches.map((b) => b.positions)).toEqual([
      { '0': '109' },
      { '0': '111', '1': '12' },
      { '0': '111', '1': '17' },
    ]);
    expect(source.acknowledged).toEqual(table.batches.map((b) => b.positions));
    expect(runner.status()).toMatchObject({
      committedRecords: 25,
      lag: 0,
      lastSnapshotId: '3',
      positions: { '0': '111', '1': '17' },
    });
    await runner.stop(1000);
  });

  it('commits records left after a full batch even when their interval ends during a slow commit', async () => {
    const source = new TestSource();
    const table = new TestTable();
    let open!: () => void;
    table.gate = new Promise((resolve) => (open = resolve));
    const runner = new StreamRunner({
      definition: definition({ maxRecords: 10, maxIntervalMs: 100 }),
      writer: table,
      source,
      onFailed: () => undefined,
    });
    await runner.start();
    await source.deliver(records('0', 1, 13));
    // The first batch's commit outlasts the interval of the 3 records after it.
    await new Promise((r) => setTimeout(r, 300));
    open();
    await until(() => table.batches.length === 2);
    expect(table.batches.map((b) => b.records.length)).toEqual([10, 3]);
    await runner.stop(1000);
  });

  it('retries a failed commit with back-off, reports it, and commits the same records once', async () => {
    const source = new TestSource();
    const table = new TestTable();
    table.failures.push(new Error('disk full'), new Error('disk full'));
    const runner = new StreamRunner({
      definition: definition({ maxRecords: 5 }),
      writer: table,
      source,
      onFailed: () => undefined,
    });
    await runner.start();
    await source.deliver(records('0', 1, 5));
    await until(() => table.attempts >= 2);
    expect(runner.status()).toMatchObject({
      retrying: true,
      lastError: 'disk full',
      committedRecords: 0,
      lag: 5,
    });
    expect(source.acknowledged).toEqual([]);
    await until(() => table.batches.length === 1);
    expect(table.attempts).toBe(3);
    expect(table.batches[0]!.records.map((r) => r.offset)).toEqual(['1', '2', '3', '4', '5']);
    expect(runner.status()).toMatchObject({
      retrying: false,
      committedRecords: 5,
      lastError: 'disk full',
    });
    await runner.stop(1000);
  });

  it('stops on schema drift under `fail` without acknowledging anything', async () => {
    const source = new TestSource();
    const table = new TestTable();
    table.failures.push(
      new InvalidInput('STREAM_SCHEMA_DRIFT', 'field "x" is not a column of bronze.shop.orders'),
    );
    const failures: Error[] = [];
    const runner = new StreamRunner({
      definition: definition({ maxRecords: 3 }),
      writer: table,
      source,
      onFailed: (e) => failures.push(e),
    });
    await runner.start();
    await source.deliver(records('0', 1, 3));
    await until(() => failures.length === 1);
    expect(runner.status()).toMatchObject({
      state: 'failed',
      lastError: expect.stringContaining('STREAM_SCHEMA_DRIFT'),
    });
    expect(source.acknowledged).toEqual([]);
    expect(table.attempts).toBe(1);
    await runner.stop(1000);
  });

  it('makes the source wait while its memory is full (backpressure), and commits what it holds on stop', async () => {
    const source = new TestSource();
    const table = new TestTable();
    let open!: () => void;
    table.gate = new Promise((resolve) => (open = resolve));
    const runner = new StreamRunner({
      // Each record counts its 20 bytes and 256 for its own memory: four fit, eight do not.
      definition: definition({ maxRecords: 4, maxIntervalMs: 60_000 }, 4 * (20 + 256) + 100),
      writer: table,
      source,
      onFailed: () => undefined,
    });
    await runner.start();
    await source.deliver(records('0', 1, 4, 20));
    let delivered = false;
    const waiting = source.deliver(records('0', 5, 4, 20)).then(() => (delivered = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(delivered).toBe(false);
    expect(runner.status().bufferedBytes).toBe(160);
    open();
    await waiting;
    await source.deliver(records('0', 9, 2, 20));
    await runner.stop(2_000);
    expect(table.batches.flatMap((b) => b.records.map((r) => r.offset))).toEqual(
      Array.from({ length: 10 }, (_, i) => String(i + 1)),
    );
    expect(source.acknowledged.at(-1)).toEqual({ '0': '10' });
  });

  it('decodes the next full batch while one is written, and still commits and acknowledges in order', async () => {
    const source = new TestSource();
    const events: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    /** A writer whose first write stays under way until the test lets it finish. */
    class PipelinedTable extends TestTable {
      prepare(batchRecords: StreamRecord[]) {
        events.push(`prepare ${batchRecords[0]!.offset}`);
        return { records: batchRecords };
      }
      override async commit(batch: MicroBatch, options?: CommitOptions): Promise<CommitResult> {
        const first = batch.records[0]!.offset;
        const ahead = options?.prepared?.records === batch.records;
        events.push(`commit ${first}${ahead ? ' (prepared)' : ''}`);
        options?.onWriting?.();
        if (first === '1') await held;
        return super.commit(batch);
      }
    }
    const table = new PipelinedTable();
    const runner = new StreamRunner({
      definition: definition({ maxRecords: 3, maxIntervalMs: 60_000 }),
      writer: table,
      source,
      onFailed: () => undefined,
    });
    await runner.start();
    await source.deliver(records('0', 1, 9));
    await until(() => events.includes('prepare 4'));
    // The second batch waits, decoded, for the first: nothing of it is committed yet.
    expect(events).toEqual(['commit 1', 'prepare 4']);
    expect(source.acknowledged).toEqual([]);
    release();
    await until(() => source.acknowledged.length === 3);
    expect(events).toEqual([
      'commit 1',
      'prepare 4',
      'commit 4 (prepared)',
      'prepare 7',
      'commit 7 (prepared)',
    ]);
    expect(source.acknowledged).toEqual([{ '0': '3' }, { '0': '6' }, { '0': '9' }]);
    expect(runner.status()).toMatchObject({ bufferedRecords: 0, committedRecords: 9 });
    await runner.stop(1_000);
  });
});
