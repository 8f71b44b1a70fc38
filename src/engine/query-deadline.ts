import type { DuckDBConnection } from '@duckdb/node-api';
import { Cancelled, QueryTimeout } from '../errors/index.js';
import type { LakewardError } from '../errors/index.js';

/** How often an interrupt is repeated, in case the first one landed between two statements. */
const reinterruptMs = 50;

/**
 * Stops a query when its time limit passes or its caller aborts: interrupts the
 * sandbox connection and remembers why, so the interruption is reported as a
 * timeout or a cancellation rather than as a DuckDB error.
 */
export class QueryDeadline {
  private reason: 'timeout' | 'cancelled' | undefined;
  private connection: DuckDBConnection | undefined;
  private readonly timer: NodeJS.Timeout;
  private repeater: NodeJS.Timeout | undefined;
  private readonly onAbort = (): void => this.cancel();

  constructor(
    private readonly timeoutMs: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.timer = setTimeout(() => this.stop('timeout'), timeoutMs);
    if (signal?.aborted) this.reason = 'cancelled';
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  get stopped(): boolean {
    return this.reason !== undefined;
  }

  watch(connection: DuckDBConnection): void {
    this.connection = connection;
    if (this.stopped) connection.interrupt();
  }

  /** Throws once the query is past its deadline or cancelled. */
  check(): void {
    if (this.stopped) throw this.error();
  }

  error(): LakewardError {
    if (this.reason === 'cancelled') return new Cancelled('The query was cancelled.');
    return new QueryTimeout(`The query ran longer than its limit of ${this.timeoutMs} ms.`, {
      hint: 'Make the query cheaper (filters, fewer columns, LIMIT) or raise the limit: query.timeoutMs in lakeward.yaml, or --timeout on the command line.',
      details: { timeoutMs: this.timeoutMs },
    });
  }

  cancel(): void {
    this.stop('cancelled');
  }

  dispose(): void {
    clearTimeout(this.timer);
    clearInterval(this.repeater);
    this.signal?.removeEventListener('abort', this.onAbort);
  }

  private stop(reason: 'timeout' | 'cancelled'): void {
    if (this.stopped) return;
    this.reason = reason;
    this.connection?.interrupt();
    this.repeater = setInterval(() => this.connection?.interrupt(), reinterruptMs);
  }
}
