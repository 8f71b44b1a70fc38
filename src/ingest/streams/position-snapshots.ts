import type { SnapshotKeeper } from '../../iceberg/index.js';
import { STREAM_SUMMARY_KEYS } from './contract.js';

/** The streams that exist now; their ids are the writer ids stream commits record. */
export interface ExistingStreams {
  list(): Promise<readonly { id: string }[]>;
}

/**
 * What snapshot expiry must keep for streams: for each (stream, writer) in the table's
 * ancestry whose stream still exists, the newest snapshot carrying its positions, which
 * is where a restarted writer resumes (positionsInTable reads the same ancestry, skipping
 * compactions and other writers). A deleted stream's writer never resumes (a stream made
 * again under the name gets a new id), so its snapshot may go and no longer pins history.
 */
export function streamPositionKeeper(streams: ExistingStreams): SnapshotKeeper {
  return async (ancestry) => {
    const existing = new Set((await streams.list()).map((s) => s.id));
    const seen = new Set<string>();
    const keep: bigint[] = [];
    for (const snapshot of ancestry) {
      const summary: Record<string, string | undefined> = snapshot.summary;
      const stream = summary[STREAM_SUMMARY_KEYS.stream];
      const writer = summary[STREAM_SUMMARY_KEYS.writer];
      if (stream === undefined || writer === undefined || !existing.has(writer)) continue;
      if (summary[STREAM_SUMMARY_KEYS.positions] === undefined) continue;
      const pair = JSON.stringify([stream, writer]);
      if (seen.has(pair)) continue;
      seen.add(pair);
      keep.push(snapshot['snapshot-id']);
    }
    return keep;
  };
}
