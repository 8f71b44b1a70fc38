/**
 * Exponential back-off with jitter for reconnecting to a broker: a broker that went away is
 * not hammered, and several streams that lost it at the same moment do not retry in step.
 */
export class BackOff {
  private attempt = 0;

  constructor(
    private readonly initialMs = 250,
    private readonly maxMs = 30_000,
  ) {}

  /** The next delay: initial, doubled after each failure up to max, ±20 % jitter. */
  next(): number {
    const base = Math.min(this.maxMs, this.initialMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  /** After a success the next failure starts from the initial delay again. */
  reset(): void {
    this.attempt = 0;
  }
}

/** Waits `ms`, or less when `signal` aborts (a source being closed must not wait out a back-off). */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The message of anything thrown, for an error report (never the record contents). */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

/**
 * Waits for a delivery, or until the source is closed: a runner that is stopping may never
 * take the records, and closing must not hang on it. False when closed first.
 */
export async function delivered(delivery: Promise<void>, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) {
    delivery.catch(() => {});
    return false;
  }
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<false>((resolve) => {
    onAbort = () => resolve(false);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([delivery.then(() => true as const), aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort!);
    delivery.catch(() => {});
  }
}
