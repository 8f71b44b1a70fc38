import type { Positions, StreamState } from './contract.js';

/** What a running stream reports: kept in memory by its runner, saved about once a second. */
export interface StreamStatus {
  /** running, paused or failed as stored; `starting` until the source has started. */
  state: StreamState | 'starting';
  /** Records buffered in memory, plus those in the log not yet read where the source can tell. */
  lag: number;
  bufferedRecords: number;
  bufferedBytes: number;
  /** Committed to the table over the last minute. */
  recordsPerSecond: number;
  bytesPerSecond: number;
  committedRecords: number;
  deadLettered: number;
  lastCommitAt: string | null;
  lastSnapshotId: string | null;
  /** The last source or commit error, kept after recovery so a user sees what happened. */
  lastError: string | null;
  lastErrorAt: string | null;
  /** True while a failed commit is being retried with back-off. */
  retrying: boolean;
  /** The positions committed to the table, per partition. */
  positions: Positions;
  /** When this status was taken. */
  at: string;
}

const WINDOW_MS = 60_000;

/** Records and bytes committed per second over the last minute (or since the start). */
export class CommitRates {
  readonly #commits: { at: number; records: number; bytes: number }[] = [];

  constructor(private readonly startedAt: number) {}

  add(at: number, records: number, bytes: number): void {
    this.#commits.push({ at, records, bytes });
    this.#forget(at);
  }

  rates(now: number): { recordsPerSecond: number; bytesPerSecond: number } {
    this.#forget(now);
    const seconds = Math.max(1, Math.min(WINDOW_MS, now - this.startedAt) / 1000);
    let records = 0;
    let bytes = 0;
    for (const c of this.#commits) {
      records += c.records;
      bytes += c.bytes;
    }
    return {
      recordsPerSecond: Math.round(records / seconds),
      bytesPerSecond: Math.round(bytes / seconds),
    };
  }

  #forget(now: number): void {
    while (this.#commits.length > 0 && this.#commits[0]!.at < now - WINDOW_MS)
      this.#commits.shift();
  }
}
