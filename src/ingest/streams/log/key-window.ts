/** Where an idempotency key's entry landed, kept so a retry gets the same answer. */
export interface KeyedAppend {
  first: bigint;
  last: bigint;
  /** When it was appended (ms since epoch): keys older than the window are forgotten. */
  at: number;
}

export interface KeyWindowLimits {
  keys: number;
  seconds: number;
}

export const DEFAULT_KEY_WINDOW: KeyWindowLimits = { keys: 100_000, seconds: 24 * 3600 };

/**
 * The idempotency keys seen lately, oldest first (a Map keeps insertion order, and keys
 * are inserted in sequence order), bounded by a count and an age.
 */
export class KeyWindow {
  private readonly seen = new Map<string, KeyedAppend>();

  constructor(private readonly limits: KeyWindowLimits) {}

  find(key: string, now: number): KeyedAppend | undefined {
    const hit = this.seen.get(key);
    if (hit === undefined || hit.at < now - this.limits.seconds * 1000) return undefined;
    return hit;
  }

  add(key: string, append: KeyedAppend): void {
    if (this.seen.has(key)) return;
    this.seen.set(key, append);
    this.evict(append.at);
  }

  /** Keys whose records are all at or below `sequence`: what deleted segments can no longer tell. */
  upTo(sequence: bigint): Array<[string, KeyedAppend]> {
    const out: Array<[string, KeyedAppend]> = [];
    for (const [key, value] of this.seen) if (value.last <= sequence) out.push([key, value]);
    return out;
  }

  private evict(now: number): void {
    const oldest = now - this.limits.seconds * 1000;
    for (const [key, value] of this.seen) {
      if (this.seen.size <= this.limits.keys && value.at >= oldest) break;
      this.seen.delete(key);
    }
  }
}
