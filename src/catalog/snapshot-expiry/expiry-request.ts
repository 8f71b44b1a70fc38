import { InvalidInput } from '../../errors/index.js';

/** What a caller asks of an expiry; everything left out comes from the table or the defaults. */
export interface ExpireSnapshotsRequest {
  /** A duration back from now ("7d", "12h", "30m", "90s", "500ms", "2w") or an ISO time. */
  olderThan?: string;
  /** The current snapshot and its newest ancestors, this many in all, are kept (≥ 1). */
  retainLast?: number;
  /** Report what would be removed; change nothing. */
  dryRun?: boolean;
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

function invalid(message: string, hint: string): InvalidInput {
  return new InvalidInput('INVALID_EXPIRY_OPTIONS', message, { hint });
}

/** The cut-off instant of `olderThan`: snapshots committed before it may be removed. */
export function parseOlderThan(text: string, now: number): number {
  const trimmed = text.trim();
  const duration = /^(\d+)\s*(ms|s|m|h|d|w)$/i.exec(trimmed);
  if (duration) {
    const ms = Number(duration[1]) * (UNIT_MS[duration[2]!.toLowerCase()] ?? NaN);
    if (Number.isSafeInteger(ms)) return now - ms;
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
    const at = Date.parse(trimmed);
    if (!Number.isNaN(at)) {
      if (at > now) {
        throw invalid(
          `olderThan ${trimmed} is in the future: every snapshot but the newest would go.`,
          'give a time in the past, or a duration such as 7d',
        );
      }
      return at;
    }
  }
  throw invalid(
    `olderThan "${text}" is neither a duration nor an ISO time.`,
    'write a duration such as 7d, 12h, 30m, 90s (ms, s, m, h, d, w) or a time such as 2026-11-01T00:00:00Z',
  );
}

export function checkRetainLast(value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw invalid(
      `retainLast ${value} is not a whole number of at least 1.`,
      'the current snapshot always stays: retain at least 1, e.g. --retain-last 10',
    );
  }
  return value;
}
