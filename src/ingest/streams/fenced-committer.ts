import type { LakewardError } from '../../errors/index.js';
import type { StreamCommitter } from './stream-runner.js';

/** The writer's fencing refusal (see positionsStill in writer/stream-positions.ts). */
export const POSITIONS_MOVED = 'STREAM_POSITIONS_MOVED';

export function isPositionsMoved(err: unknown): err is LakewardError {
  return (err as { code?: unknown } | undefined)?.code === POSITIONS_MOVED;
}

/**
 * A stream's writer that stays refused once another writer of the stream committed past it:
 * the positions it started from and the records its runner holds are stale, so a retry of
 * the same batch (the runner's way with a failed commit) must not reach the table either.
 * `onMoved` is told once; the host then starts the stream again from the table's positions.
 */
export function fencedCommitter(
  writer: StreamCommitter,
  onMoved: (error: LakewardError) => void,
): StreamCommitter {
  let moved: LakewardError | undefined;
  return {
    committedPositions: () => writer.committedPositions(),
    prepare: (records) => writer.prepare?.(records),
    async commit(batch, options) {
      if (moved !== undefined) throw moved;
      try {
        return await writer.commit(batch, options);
      } catch (err) {
        if (isPositionsMoved(err)) {
          moved = err;
          onMoved(err);
        }
        throw err;
      }
    },
    close: () => writer.close(),
  };
}
