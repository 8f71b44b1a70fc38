import { sql } from 'kysely';
import type { Executor } from './executor.js';

/** A server process that runs streams. */
export interface StreamLeaseHolder {
  /** Unique per process (host name, process id, random part). */
  id: string;
  /** Where the server takes requests, when it knows (pushes for its streams go there). */
  url: string | null;
}

export interface StreamLease {
  holder: StreamLeaseHolder;
  since: Date;
  expiresAt: Date;
}

/**
 * One server runs each stream: it holds the stream's lease and renews it well before it
 * expires; another server takes it only once it has expired (or was released). Each
 * change is one conditional UPDATE, so two servers racing for a lease cannot both win.
 */
export interface StreamLeases {
  /**
   * Takes the lease when it is free, expired or already the holder's (then it is renewed,
   * and its url updated), or held by `replacing` (a holder known to be gone: a crashed
   * process of this host); false when another holder has it, or the stream does not exist.
   */
  acquireLease(
    streamId: string,
    holder: StreamLeaseHolder,
    ttlMs: number,
    now: Date,
    replacing?: string,
  ): Promise<boolean>;
  /** Extends the holder's lease; false when the holder no longer has it. */
  renewLease(
    streamId: string,
    holder: StreamLeaseHolder,
    ttlMs: number,
    now: Date,
  ): Promise<boolean>;
  /** Gives the lease up (a clean shutdown) so another server takes over at once. */
  releaseLease(streamId: string, holderId: string): Promise<void>;
  /** Who holds the stream's lease now; undefined when nobody does (or it expired). */
  lease(streamId: string, now: Date): Promise<StreamLease | undefined>;
  /**
   * The home whose write-ahead log commits under the plain `wal` position key: the first
   * home to ask claims it (each home's log counts its own sequences, so two logs must not
   * share a key). Undefined when the stream does not exist.
   */
  walHome(streamId: string, home: string): Promise<string | undefined>;
}

export function streamLeases(executor: Executor): StreamLeases {
  const { db } = executor;
  const changed = (result: { numUpdatedRows: bigint }) => Number(result.numUpdatedRows) > 0;
  return {
    async acquireLease(streamId, holder, ttlMs, now, replacing) {
      const at = now.getTime();
      const result = await db
        .updateTable('streams')
        .set({
          lease_holder: holder.id,
          lease_holder_url: holder.url,
          lease_expires_ms: at + ttlMs,
          // A renewal keeps the time the holder first took it.
          lease_since_ms: sql<number>`case when lease_holder = ${holder.id} then lease_since_ms else ${at} end`,
        })
        .where('id', '=', streamId)
        .where((eb) =>
          eb.or([
            eb('lease_holder', 'is', null),
            eb('lease_holder', '=', holder.id),
            eb('lease_expires_ms', '<=', at),
            ...(replacing === undefined ? [] : [eb('lease_holder', '=', replacing)]),
          ]),
        )
        .executeTakeFirst();
      return changed(result);
    },

    async renewLease(streamId, holder, ttlMs, now) {
      const result = await db
        .updateTable('streams')
        .set({ lease_expires_ms: now.getTime() + ttlMs, lease_holder_url: holder.url })
        .where('id', '=', streamId)
        .where('lease_holder', '=', holder.id)
        .executeTakeFirst();
      return changed(result);
    },

    async releaseLease(streamId, holderId) {
      await db
        .updateTable('streams')
        .set({
          lease_holder: null,
          lease_holder_url: null,
          lease_expires_ms: null,
          lease_since_ms: null,
        })
        .where('id', '=', streamId)
        .where('lease_holder', '=', holderId)
        .execute();
    },

    async lease(streamId, now) {
      const row = await db
        .selectFrom('streams')
        .select(['lease_holder', 'lease_holder_url', 'lease_expires_ms', 'lease_since_ms'])
        .where('id', '=', streamId)
        .executeTakeFirst();
      if (row?.lease_holder == null || row.lease_expires_ms == null) return undefined;
      const expires = Number(row.lease_expires_ms);
      if (expires <= now.getTime()) return undefined;
      return {
        holder: { id: row.lease_holder, url: row.lease_holder_url },
        since: new Date(Number(row.lease_since_ms ?? expires)),
        expiresAt: new Date(expires),
      };
    },

    async walHome(streamId, home) {
      await db
        .updateTable('streams')
        .set({ wal_home: home })
        .where('id', '=', streamId)
        .where('wal_home', 'is', null)
        .execute();
      const row = await db
        .selectFrom('streams')
        .select('wal_home')
        .where('id', '=', streamId)
        .executeTakeFirst();
      return row?.wal_home ?? undefined;
    },
  };
}
