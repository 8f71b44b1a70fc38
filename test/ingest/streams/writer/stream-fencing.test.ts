import { describe, expect, it } from 'vitest';
import { Conflict, type LakewardError } from '../../../../src/errors/index.js';
import { StreamRunner } from '../../../../src/ingest/index.js';
import { fencedCommitter } from '../../../../src/ingest/streams/fenced-committer.js';
import { batchOf, DEAD, definition, records, SALES, streamHomeForEachTest } from './stream-home.js';

const s = streamHomeForEachTest();
const moved = expect.objectContaining({ code: 'STREAM_POSITIONS_MOVED' });
const sales = (from: number, count: number) =>
  records(
    Array.from({ length: count }, (_, i) => ({ id: from + i })),
    { from },
  );

describe('StreamWriter fencing: two writers of one stream', () => {
  it('refuses the commit of a writer whose positions another writer moved, writing nothing', async () => {
    const stale = s.writer(definition());
    expect(await stale.committedPositions()).toEqual({});
    // Another server took the stream over and committed the same records first.
    const current = s.writer(definition());
    await current.commit(batchOf(sales(0, 3)));
    await expect(stale.commit(batchOf(sales(0, 3)))).rejects.toEqual(moved);
    expect(await s.query(`SELECT count(*), count(DISTINCT id) FROM ${SALES}`)).toEqual([[3, 3]]);
    // The winner carries on; a writer that reads the positions again does too.
    await current.commit(batchOf(sales(3, 2)));
    const fresh = s.writer(definition());
    expect(await fresh.committedPositions()).toEqual({ '0': '4' });
    await fresh.commit(batchOf(sales(5, 1)));
    expect(await s.query(`SELECT count(*), count(DISTINCT id) FROM ${SALES}`)).toEqual([[6, 6]]);
  });

  it('lets one of two writers racing to commit the same records win; the loser is refused after its retry', async () => {
    await s.writer(definition()).commit(batchOf(sales(0, 1)));
    const [one, two] = [s.writer(definition()), s.writer(definition())];
    await Promise.all([one.committedPositions(), two.committedPositions()]);
    const results = await Promise.allSettled([
      one.commit(batchOf(sales(1, 50))),
      two.commit(batchOf(sales(1, 50))),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((refused.reason as LakewardError).code).toBe('STREAM_POSITIONS_MOVED');
    expect(await s.query(`SELECT count(*), count(DISTINCT id) FROM ${SALES}`)).toEqual([[51, 51]]);
  });

  it('fences the dead-letter table the same way', async () => {
    await s.writer(definition()).commit(batchOf(sales(0, 1)));
    const stale = s.writer(definition());
    await stale.committedPositions();
    const bad = () => records(['not json', { id: 2 }], { from: 1 });
    await s.writer(definition()).commit(batchOf(bad()));
    await expect(stale.commit(batchOf(bad()))).rejects.toEqual(moved);
    expect(await s.query(`SELECT count(*) FROM ${DEAD}`)).toEqual([[1]]);
    expect(await s.query(`SELECT count(*) FROM ${SALES}`)).toEqual([[2]]);
  });

  it('keeps a runner from retrying a refused batch: the writer stays refused', async () => {
    const seen: string[] = [];
    let commits = 0;
    const writer = fencedCommitter(
      {
        committedPositions: async () => ({}),
        commit: async () => {
          commits++;
          throw new Conflict('STREAM_POSITIONS_MOVED', 'moved');
        },
        close: async () => undefined,
      },
      (error) => seen.push(error.message),
    );
    const runner = new StreamRunner({
      definition: definition({
        batch: { maxRecords: 100, maxBytes: 1024 ** 2, maxIntervalMs: 10 },
      }),
      writer,
      source: {
        async start(_from, deliver) {
          void deliver(sales(0, 2)).catch(() => undefined);
        },
        acknowledge: async () => undefined,
        close: async () => undefined,
      },
      onFailed: () => undefined,
    });
    await runner.start();
    // The runner retries a failed commit after 0.5 s, 1 s, …: none of them reaches the table.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await runner.stop(1_000, { flush: false });
    expect(seen).toEqual(['moved']);
    expect(commits).toBe(1);
    expect(runner.status().lastError).toContain('STREAM_POSITIONS_MOVED');
  });
});
