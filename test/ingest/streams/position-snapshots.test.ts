import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableIdent } from '../../../src/catalog/index.js';
import { STREAM_SUMMARY_KEYS } from '../../../src/ingest/index.js';
import {
  batchOf,
  definition,
  records,
  SALES,
  streamHome,
  type StreamHome,
} from './writer/stream-home.js';

const sales: TableIdent = { namespace: ['bronze', 'shop'], name: 'sales' };
let s: StreamHome;

beforeAll(async () => {
  s = await streamHome();
}, 60_000);

afterAll(async () => {
  await s?.close();
});

const rowsOf = (from: number, count: number) =>
  records(
    Array.from({ length: count }, (_, i) => ({ n: from + i })),
    { partition: '0', from },
  );

describe('snapshot expiry and stream positions', () => {
  it('keeps the newest positions of each existing stream, so a restarted writer continues after them', async () => {
    const { services, admin } = s.home;
    const stream = await services.metastore.streams.create({
      name: 'sales',
      definition: {},
      state: 'paused',
      runAs: admin.principal.id,
    });
    // A writer of a stream that no longer exists (deleted, or made again under a new id).
    await s.writer(definition(), 'deleted-stream').commit(batchOf(rowsOf(0, 3)));
    const writer = s.writer(definition(), stream.id);
    for (const from of [0, 5, 10]) await writer.commit(batchOf(rowsOf(from, 5)));
    const compacted = await services.compaction.compact(admin, sales, {
      minFiles: 2,
      smallFileBytes: 64 * 1024 ** 2,
      targetFileSizeBytes: 256 * 1024 ** 2,
    });
    expect(compacted.filesOut).toBe(1);

    const result = await services.snapshotExpiry.expire(admin, sales, {
      olderThan: '0s',
      retainLast: 1,
    });
    // Kept: the compaction (newest) and the stream's last commit under it; gone: the
    // stream's two earlier commits and the deleted stream's commit.
    expect(result).toMatchObject({ snapshotsRemoved: 3, snapshotsKept: 2 });
    const table = await services.catalog.loadTable(sales);
    const kept = table.history().map((h) => h.summary[STREAM_SUMMARY_KEYS.positions] ?? null);
    expect(kept).toEqual([null, '{"0":"14"}']);

    const restarted = s.writer(definition(), stream.id);
    expect(await restarted.committedPositions()).toEqual({ '0': '14' });
    // The runner starts the source after these positions: the stream goes on from 15.
    const resumed = await restarted.commit(batchOf(rowsOf(15, 5)));
    expect(resumed.rowsWritten).toBe(5);
    expect(await s.writer(definition(), stream.id).committedPositions()).toEqual({ '0': '19' });
    expect(await s.query(`SELECT count(*), count(DISTINCT n) FROM ${SALES}`)).toEqual([[23, 20]]);
    // The deleted stream's positions were not kept: it would start over, but it never runs.
    expect(await s.writer(definition(), 'deleted-stream').committedPositions()).toEqual({});
  });
});
