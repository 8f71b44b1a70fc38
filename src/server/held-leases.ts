import type { FastifyInstance } from 'fastify';
import type { StreamLeaseHolder, StreamRepository, StreamRow } from '../metastore/index.js';
import { goneHolder } from './stream-lease.js';

export interface HeldLeasesDeps {
  streams: Pick<StreamRepository, 'acquireLease' | 'renewLease' | 'releaseLease' | 'lease'>;
  ttlMs: number;
  /** This server as a lease holder (its url may become known only once it listens). */
  holder: () => StreamLeaseHolder;
  log: FastifyInstance['log'];
}

/**
 * The stream leases this server holds, and until when (by its clock, from the moment it
 * asked): taken when free, renewed, released. A lease counts as held only until a fifth of
 * its time to live before it expires, so this server stops before another may take it.
 */
export class HeldLeases {
  readonly #until = new Map<string, number>();

  constructor(private readonly deps: HeldLeasesDeps) {}

  holds(streamId: string): boolean {
    const until = this.#until.get(streamId);
    return until !== undefined && Date.now() < until - this.deps.ttlMs / 5;
  }

  /** Held once and not given up yet (it may have run out meanwhile). */
  had(streamId: string): boolean {
    return this.#until.has(streamId);
  }

  /**
   * Takes the stream's lease when it is free, expired, or held by a process of this host
   * that is gone (this server killed and started again); false when another server has it.
   */
  async take(row: StreamRow): Promise<boolean> {
    if (await this.#acquire(row)) return true;
    const current = await this.deps.streams.lease(row.id, new Date()).catch(() => undefined);
    const gone = current === undefined ? undefined : goneHolder(current.holder.id);
    return gone !== undefined && (await this.#acquire(row, gone));
  }

  /** Renews every lease held; returns the streams lost, and why. */
  async renew(): Promise<{ streamId: string; why: string }[]> {
    const lost: { streamId: string; why: string }[] = [];
    for (const streamId of [...this.#until.keys()]) {
      const at = Date.now();
      try {
        const renewed = await this.deps.streams.renewLease(
          streamId,
          this.deps.holder(),
          this.deps.ttlMs,
          new Date(at),
        );
        if (!renewed) lost.push({ streamId, why: 'another server holds it now' });
        else if (this.#until.has(streamId)) this.#until.set(streamId, at + this.deps.ttlMs);
      } catch (err) {
        this.deps.log.warn({ err, streamId }, 'could not renew a stream lease');
        if (!this.holds(streamId)) lost.push({ streamId, why: 'it could not be renewed in time' });
      }
    }
    return lost;
  }

  /** Stops counting the lease as held (lost, or the stream is gone). */
  forget(streamId: string): void {
    this.#until.delete(streamId);
  }

  /** Gives the lease up so another server takes the stream at once. */
  async release(streamId: string): Promise<void> {
    if (!this.#until.delete(streamId)) return;
    await this.deps.streams
      .releaseLease(streamId, this.deps.holder().id)
      .catch((err: unknown) =>
        this.deps.log.warn({ err, streamId }, 'could not release a stream lease'),
      );
  }

  async #acquire(row: StreamRow, replacing?: string): Promise<boolean> {
    const at = Date.now();
    const taken = await this.deps.streams
      .acquireLease(row.id, this.deps.holder(), this.deps.ttlMs, new Date(at), replacing)
      .catch((err: unknown) => {
        this.deps.log.warn({ err, stream: row.name }, 'could not take a stream lease');
        return false;
      });
    if (taken) this.#until.set(row.id, at + this.deps.ttlMs);
    return taken;
  }
}
