import { openSandbox } from './sandbox.js';
import type { Sandbox, SandboxOptions } from './sandbox.js';

export interface SandboxPoolLimits {
  /** Idle sandboxes kept at most, across all file sets; the least recently used go first. */
  maxIdle: number;
  /** An idle sandbox is closed after this long unused. */
  idleMs: number;
}

interface IdleSandbox {
  key: string;
  sandbox: Sandbox;
  timer: NodeJS.Timeout;
}

/** A sandbox lent to one query; give it back with `release`. */
export interface LentSandbox extends Sandbox {
  readonly key: string;
  /** A sandbox that may write is never kept: its output file is its query's own. */
  readonly writes: boolean;
}

/**
 * Keeps locked-down sandboxes that finished a query cleanly, for the next query
 * that needs exactly the same files and limits. The lockdown is fixed at creation
 * (allowed paths, limits, frozen configuration), so such a sandbox grants the next
 * query nothing a fresh one would not; what a query leaves behind (its views) is
 * dropped before the sandbox comes back. Reuse saves creating the instance and
 * warming its threads and caches, which costs more than a small query itself.
 */
export class SandboxPool {
  /** Oldest release first. */
  private idle: IdleSandbox[] = [];
  private opened = 0;
  private closed = false;

  constructor(private readonly limits: SandboxPoolLimits) {}

  /** DuckDB instances created so far: a reused sandbox does not count. */
  get instancesOpened(): number {
    return this.opened;
  }

  get idleCount(): number {
    return this.idle.length;
  }

  /** An idle sandbox with exactly these files and limits, else a new one. */
  async acquire(options: SandboxOptions): Promise<LentSandbox> {
    const key = sandboxKey(options);
    const index = this.idle.findLastIndex((entry) => entry.key === key);
    if (index >= 0) {
      const [entry] = this.idle.splice(index, 1) as [IdleSandbox];
      clearTimeout(entry.timer);
      return { ...entry.sandbox, key, writes: false };
    }
    this.opened++;
    const writes = (options.writableFiles ?? []).length > 0;
    return { ...(await openSandbox(options)), key, writes };
  }

  /**
   * Takes a sandbox back for reuse, or closes it: pass `reusable` false when its
   * query failed or was interrupted, since its state is then not known to be clean.
   */
  release(sandbox: LentSandbox, reusable: boolean): void {
    if (!reusable || sandbox.writes || this.closed) {
      sandbox.close();
      return;
    }
    const entry: IdleSandbox = {
      key: sandbox.key,
      sandbox,
      timer: setTimeout(() => this.evict(entry), this.limits.idleMs).unref(),
    };
    this.idle.push(entry);
    while (this.idle.length > this.limits.maxIdle) this.evict(this.idle[0] as IdleSandbox);
  }

  /** Closes every idle sandbox; sandboxes still lent are closed when released. */
  close(): void {
    this.closed = true;
    for (const entry of [...this.idle]) this.evict(entry);
  }

  private evict(entry: IdleSandbox): void {
    clearTimeout(entry.timer);
    this.idle = this.idle.filter((other) => other !== entry);
    entry.sandbox.close();
  }
}

function sandboxKey(options: SandboxOptions): string {
  const sorted = (files: string[] | undefined) => [...new Set(files)].sort();
  return JSON.stringify([
    sorted(options.readableFiles),
    sorted(options.writableFiles),
    options.memoryLimit,
    options.threads ?? null,
  ]);
}
