import { describe, expect, it } from 'vitest';
import type { Metastore } from '../../src/metastore/index.js';

const definition = {
  table: { namespace: ['bronze', 'web'], name: 'clicks' },
  source: { kind: 'http' },
};
const a = { id: 'host-a/101/aaaa', url: 'http://10.0.0.1:8080' };
const b = { id: 'host-b/202/bbbb', url: null };
const TTL = 15_000;
const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);

/** Which server runs a stream: the lease in the stream repository; runs inside the metastore contract. */
export function streamLeaseContract(fixture: () => { store: Metastore }): void {
  describe('stream leases', () => {
    const create = (name = 'web_clicks') =>
      fixture().store.streams.create({ name, definition, state: 'running', runAs: 'erin' });

    it('gives a free stream to the first server and refuses another until it expires', async () => {
      const { streams } = fixture().store;
      const { id } = await create();
      expect(await streams.lease(id, at(0))).toBeUndefined();
      expect(await streams.acquireLease(id, a, TTL, at(0))).toBe(true);
      expect(await streams.acquireLease(id, b, TTL, at(1_000))).toBe(false);
      expect(await streams.lease(id, at(1_000))).toEqual({
        holder: a,
        since: at(0),
        expiresAt: at(TTL),
      });
      // Renewing (or acquiring again) keeps the time it was first taken.
      expect(await streams.renewLease(id, a, TTL, at(5_000))).toBe(true);
      expect(await streams.acquireLease(id, a, TTL, at(10_000))).toBe(true);
      expect(await streams.lease(id, at(10_000))).toEqual({
        holder: a,
        since: at(0),
        expiresAt: at(10_000 + TTL),
      });
      expect(await streams.renewLease(id, b, TTL, at(10_000))).toBe(false);
      expect(await streams.acquireLease(id, b, TTL, at(10_000 + TTL - 1))).toBe(false);
      // Expired: nobody holds it, the next server takes it, the old holder cannot renew.
      expect(await streams.lease(id, at(10_000 + TTL))).toBeUndefined();
      expect(await streams.acquireLease(id, b, TTL, at(10_000 + TTL))).toBe(true);
      expect(await streams.renewLease(id, a, TTL, at(10_000 + TTL + 1))).toBe(false);
      expect(await streams.lease(id, at(30_000))).toEqual({
        holder: b,
        since: at(10_000 + TTL),
        expiresAt: at(10_000 + 2 * TTL),
      });
    });

    it('frees a released lease at once, but only its holder can release it', async () => {
      const { streams } = fixture().store;
      const { id } = await create();
      await streams.acquireLease(id, a, TTL, at(0));
      await streams.releaseLease(id, b.id);
      expect((await streams.lease(id, at(1)))?.holder).toEqual(a);
      await streams.releaseLease(id, a.id);
      expect(await streams.lease(id, at(2))).toBeUndefined();
      expect(await streams.renewLease(id, a, TTL, at(3))).toBe(false);
      expect(await streams.acquireLease(id, b, TTL, at(4))).toBe(true);
      expect((await streams.lease(id, at(5)))?.holder).toEqual(b);
    });

    it('takes a lease over from a holder known to be gone, and only from it', async () => {
      const { streams } = fixture().store;
      const { id } = await create();
      await streams.acquireLease(id, a, TTL, at(0));
      expect(await streams.acquireLease(id, b, TTL, at(1), 'someone-else')).toBe(false);
      expect(await streams.acquireLease(id, b, TTL, at(1), a.id)).toBe(true);
      expect((await streams.lease(id, at(2)))?.holder).toEqual(b);
    });

    it('lets exactly one of many servers racing for a stream win', async () => {
      const { streams } = fixture().store;
      const { id } = await create();
      const servers = Array.from({ length: 8 }, (_, i) => ({ id: `host-${i}`, url: null }));
      const won = await Promise.all(servers.map((s) => streams.acquireLease(id, s, TTL, at(0))));
      expect(won.filter(Boolean)).toHaveLength(1);
      const winner = servers[won.indexOf(true)]!;
      expect((await streams.lease(id, at(1)))?.holder).toEqual(winner);
      // The same race once it expired.
      const again = await Promise.all(
        servers.map((s) => streams.acquireLease(id, s, TTL, at(TTL + 1))),
      );
      expect(again.filter(Boolean)).toHaveLength(1);
    });

    it('holds one lease per stream; a missing or deleted stream has none', async () => {
      const { streams } = fixture().store;
      const first = await create('web_clicks');
      const second = await create('web_views');
      expect(await streams.acquireLease(first.id, a, TTL, at(0))).toBe(true);
      expect(await streams.acquireLease(second.id, b, TTL, at(0))).toBe(true);
      expect((await streams.lease(second.id, at(1)))?.holder).toEqual(b);
      expect(await streams.acquireLease('no-such-stream', a, TTL, at(0))).toBe(false);
      expect(await streams.lease('no-such-stream', at(0))).toBeUndefined();
      await streams.delete('web_clicks');
      expect(await streams.lease(first.id, at(1))).toBeUndefined();
      // The definition a server reads is not changed by its lease.
      expect(await streams.get('web_views')).toEqual(second);
    });

    it('gives the plain write-ahead log key to the first home that asks, and only to it', async () => {
      const { streams } = fixture().store;
      const { id } = await create();
      const asked = await Promise.all(
        ['home-a', 'home-b', 'home-c'].map((h) => streams.walHome(id, h)),
      );
      expect(new Set(asked).size).toBe(1);
      expect(await streams.walHome(id, 'home-d')).toBe(asked[0]);
      expect(await streams.walHome('no-such-stream', 'home-a')).toBeUndefined();
    });
  });
}
