import { Conflict } from '../../../errors/index.js';
import type { IcebergTable, Snapshot } from '../../../iceberg/index.js';
import { STREAM_SUMMARY_KEYS } from '../contract.js';
import type { Positions, StreamRecord } from '../contract.js';

export interface StreamIdentity {
  name: string;
  id: string;
}

/**
 * The positions of the newest commit of this stream in the table's ancestry (newest
 * first). Commits of other writers and rewrites (compaction) carry no positions of
 * this stream and are passed over; a rolled-back commit is not an ancestor.
 */
export function positionsInTable(
  table: IcebergTable | undefined,
  stream: StreamIdentity,
): Positions {
  return positionsInHistory(table?.history() ?? [], stream);
}

/**
 * Fencing, as a commit requirement (WriteOptions.requires): the stream's newest positions
 * in the table the commit goes onto must still be `expected`, those this writer last read
 * or committed. When another writer of the stream committed since (a second server that
 * took the stream over while this one stalled), the commit fails instead of writing the
 * same records twice; checked atomically with the commit, again after every lost race.
 */
export function positionsStill(
  stream: StreamIdentity,
  expected: Positions,
): (history: Snapshot[]) => void {
  return (history) => {
    const found = positionsInHistory(history, stream);
    if (samePositions(found, expected)) return;
    throw new Conflict(
      'STREAM_POSITIONS_MOVED',
      `Another writer committed stream "${stream.name}" since this one read its positions (table at ${JSON.stringify(found)}, expected ${JSON.stringify(expected)}); nothing was written.`,
      {
        hint: 'The stream restarts from the positions in the table by itself. If this repeats, two servers run the stream: check that they share one metastore and that their clocks agree.',
        details: { stream: stream.name, found, expected },
      },
    );
  };
}

function samePositions(a: Positions, b: Positions): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

function positionsInHistory(history: Snapshot[], stream: StreamIdentity): Positions {
  for (const snapshot of history) {
    const summary = snapshot.summary;
    if (summary[STREAM_SUMMARY_KEYS.stream] !== stream.name) continue;
    if (summary[STREAM_SUMMARY_KEYS.writer] !== stream.id) continue;
    const text = summary[STREAM_SUMMARY_KEYS.positions];
    if (text === undefined) continue;
    return JSON.parse(text) as Positions;
  }
  return {};
}

/** A partition the batch did not touch keeps its previous position. */
export function mergePositions(previous: Positions, batch: Positions): Positions {
  return { ...previous, ...batch };
}

export function positionsAdvance(previous: Positions, next: Positions): boolean {
  return Object.entries(next).some(([key, value]) => previous[key] !== value);
}

/**
 * The position key of a record: its partition, or for a source without partitions
 * the batch's single position key (e.g. 'wal', 'nats').
 */
export function positionKey(record: StreamRecord, batch: Positions): string {
  if (record.partition !== null) return record.partition;
  const keys = Object.keys(batch);
  return keys.length === 1 ? (keys[0] as string) : '';
}

/** Whether a record's position is at or before the position committed for its key. */
export function isCovered(positions: Positions, key: string, offset: string): boolean {
  const committed = positions[key];
  return committed !== undefined && BigInt(offset) <= BigInt(committed);
}

export function streamSummary(
  stream: StreamIdentity,
  positions: Positions,
): Record<string, string> {
  return {
    [STREAM_SUMMARY_KEYS.stream]: stream.name,
    [STREAM_SUMMARY_KEYS.writer]: stream.id,
    [STREAM_SUMMARY_KEYS.positions]: JSON.stringify(positions),
  };
}
