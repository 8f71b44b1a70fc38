import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HashChainAuditLog } from '../../../src/governance/audit/hash-chain-audit-log.js';
import type { AuditEventInput, Caller } from '../../../src/governance/contract.js';
import { openMetastore } from '../../../src/metastore/index.js';
import type { Metastore } from '../../../src/metastore/index.js';
import { admin, adminOnly, analyst } from './audit-targets.js';
import type { AuditTarget } from './audit-targets.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const adminCaller: Caller = {
  principal: admin,
  context: { channel: 'api', requestId: 'req-1', sourceAddress: '10.0.0.7', userAgent: 'curl/8' },
};
const analystCaller: Caller = { principal: analyst, context: { channel: 'cli' } };

function event(i: number): AuditEventInput {
  return {
    caller: i % 3 === 0 ? analystCaller : adminCaller,
    action: i % 2 === 0 ? 'query' : 'table.create',
    resource: `table:gold.t${i}`,
    decision: i % 5 === 0 ? 'deny' : 'allow',
    columns: ['a', 'b'],
    rowsReturned: i,
  };
}

/** The audit log's behaviour on one metastore backend, with tampering done in its database. */
export function auditLogContract(name: string, fresh: () => Promise<AuditTarget>): void {
  describe(`HashChainAuditLog on ${name}`, () => {
    let target: AuditTarget;
    let metastore: Metastore;
    let now: Date;
    let log: HashChainAuditLog;

    beforeEach(async () => {
      target = await fresh();
      metastore = await openMetastore(target.uri);
      now = new Date('2026-03-01T12:00:00.000Z');
      log = new HashChainAuditLog(metastore, {
        authorizer: adminOnly,
        retentionDays: 100,
        now: () => now,
      });
    });

    afterEach(async () => {
      await metastore.close();
      await target.cleanup();
    });

    async function recordMany(count: number): Promise<void> {
      for (let i = 1; i <= count; i += 1) await log.record(event(i));
    }

    async function storedEvent(seq: number): Promise<{ event: string; prev_hash: string }> {
      const [row] = await target.rows<{ event: string; prev_hash: string }>(
        `select event, prev_hash from audit_events where seq = ${seq}`,
      );
      return row!;
    }

    it('chains 200 events that verify, each with who, from where and its groups', async () => {
      await recordMany(200);
      expect(await log.verify()).toEqual({ ok: true, checked: 200, firstSeq: 1, lastSeq: 200 });
      const events = await log.query(adminCaller, { limit: 300 });
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      expect(events[0]!.prevHash).toBe('0'.repeat(64));
      for (let i = 1; i < events.length; i += 1)
        expect(events[i]!.prevHash).toBe(events[i - 1]!.hash);
      expect(events[2]).toMatchObject({
        principal: { id: 'p-ana', name: 'ana', kind: 'user' },
        groups: ['all_users', 'analysts'],
        authMethod: 'oidc',
        channel: 'cli',
        action: 'table.create',
        resource: 'table:gold.t3',
        columns: ['a', 'b'],
        decision: 'allow',
        rowsReturned: 3,
        time: '2026-03-01T12:00:00.000Z',
      });
      expect(events[0]).toMatchObject({
        groups: ['all_users', 'admins'],
        sourceAddress: '10.0.0.7',
        userAgent: 'curl/8',
        requestId: 'req-1',
        policies: { grants: [], filters: [], masks: [] },
      });
      expect(new Set(events.map((e) => e.eventId)).size).toBe(200);
    });

    it('records an unauthenticated call with no principal', async () => {
      const recorded = await log.record({
        action: 'http GET /api/v1/tables',
        decision: 'deny',
        status: 401,
      });
      expect(recorded).toMatchObject({
        principal: null,
        groups: [],
        authMethod: null,
        status: 401,
      });
      expect((await log.verify()).ok).toBe(true);
    });

    it('catches an event whose JSON was edited in the database', async () => {
      await recordMany(30);
      const stored = await storedEvent(17);
      const edited = stored.event.replace('"decision":"allow"', '"decision":"deny"');
      expect(edited).not.toBe(stored.event);
      await target.runSql(`update audit_events set event = '${edited}' where seq = 17`);
      expect(await log.verify()).toMatchObject({
        ok: false,
        firstBroken: {
          seq: 17,
          reason: 'event 17: its content was changed after it was written (hash mismatch)',
        },
      });
    });

    it('catches an edited event whose hash was recomputed, at the next link', async () => {
      await recordMany(30);
      const stored = await storedEvent(15);
      const edited = stored.event.replace('"rowsReturned":15', '"rowsReturned":0');
      const hash = sha256(stored.prev_hash + edited);
      await target.runSql(
        `update audit_events set event = '${edited}', hash = '${hash}' where seq = 15`,
      );
      expect((await log.verify()).firstBroken).toEqual({
        seq: 16,
        reason: 'event 16: links to a different previous event',
      });
    });

    it('catches an indexed column changed without touching the event', async () => {
      await recordMany(30);
      await target.runSql(`update audit_events set principal = 'someone_else' where seq = 12`);
      const verification = await log.verify();
      expect(verification.firstBroken?.seq).toBe(12);
      expect(verification.firstBroken?.reason).toContain('principal was changed');
      expect(verification.checked).toBe(12);
    });

    it('names deleted events in the middle of the chain', async () => {
      await recordMany(30);
      await target.runSql('delete from audit_events where seq between 20 and 22');
      expect(await log.verify()).toMatchObject({
        ok: false,
        checked: 19,
        firstBroken: { seq: 20, reason: 'events 20-22 are missing' },
      });
    });

    it('catches the newest event deleted, from the chain head', async () => {
      await recordMany(30);
      await target.runSql('delete from audit_events where seq = 30');
      expect((await log.verify()).firstBroken).toEqual({
        seq: 30,
        reason: 'event 30 is missing (the newest events were removed)',
      });
    });

    it('catches two events swapped', async () => {
      await recordMany(30);
      await target.runSql('update audit_events set seq = -1 where seq = 10');
      await target.runSql('update audit_events set seq = 10 where seq = 11');
      await target.runSql('update audit_events set seq = 11 where seq = -1');
      expect((await log.verify()).firstBroken).toEqual({
        seq: 10,
        reason: 'event 10: links to a different previous event',
      });
    });

    it('keeps the chain verifiable after retention, and still catches tampering', async () => {
      await recordMany(10);
      now = new Date('2026-09-01T12:00:00.000Z');
      await recordMany(10);
      expect(await log.applyRetention()).toBe(10);
      expect(await log.verify()).toEqual({ ok: true, checked: 10, firstSeq: 11, lastSeq: 20 });
      await log.record(event(21));
      expect((await log.verify()).ok).toBe(true);
      await target.runSql('delete from audit_events where seq = 11');
      expect((await log.verify()).firstBroken).toEqual({ seq: 11, reason: 'event 11 is missing' });
    });

    it('refuses to read the log without READ_AUDIT, and records the refusal', async () => {
      await recordMany(3);
      await expect(log.query(analystCaller, {})).rejects.toMatchObject({
        code: 'PERMISSION_DENIED',
      });
      const read = async () => {
        for await (const line of log.exportNdjson(analystCaller, {})) return line;
        return undefined;
      };
      await expect(read()).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
      const denied = await log.query(adminCaller, { action: 'audit.read' });
      expect(denied).toHaveLength(2);
      expect(denied[0]).toMatchObject({
        principal: { name: 'ana' },
        decision: 'deny',
        reason: 'ana lacks READ_AUDIT on the catalog.',
        resource: 'audit:query',
      });
      expect(denied[1]).toMatchObject({ decision: 'deny', resource: 'audit:export' });
      expect((await log.verify()).ok).toBe(true);
    });

    it('audits every read, including an NDJSON export', async () => {
      await recordMany(5);
      const denials = await log.query(adminCaller, { decision: 'deny' });
      expect(denials.map((e) => e.seq)).toEqual([5]);
      const lines: string[] = [];
      for await (const line of log.exportNdjson(adminCaller, { fromSeq: 2, limit: 3 }))
        lines.push(line);
      expect(lines.map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([2, 3, 4]);
      const reads = await log.query(adminCaller, { action: 'audit.read' });
      expect(reads.map((e) => [e.principal?.name, e.decision, e.resource, e.rowsReturned])).toEqual(
        [
          ['admin', 'allow', 'audit:query', 1],
          ['admin', 'allow', 'audit:export', 3],
        ],
      );
    });

    it('keeps query text with its literals redacted and the SHA-256 of the original', async () => {
      const sql = "SELECT name FROM bronze.customers WHERE ssn = '123-45-6789' AND age > 42";
      const recorded = await log.record({
        caller: adminCaller,
        action: 'query',
        decision: 'allow',
        queryText: sql,
      });
      expect(recorded.querySha256).toBe(sha256(sql));
      expect(recorded.queryText).toBe(
        'SELECT "name" FROM bronze.customers WHERE ((ssn = ?) AND (age > ?))',
      );
      const raw = await storedEvent(recorded.seq);
      expect(raw.event).not.toContain('123-45-6789');
      expect(raw.event).toContain(JSON.stringify(recorded.queryText));
    });

    it('keeps bearer tokens out of free text', async () => {
      const token = `lw_${'a'.repeat(32)}_${'B'.repeat(43)}`;
      await log.record({
        caller: adminCaller,
        action: 'http GET /api/v1/tables',
        decision: 'error',
        reason: `upstream said: Authorization: Bearer ${token} was rejected`,
      });
      const [row] = await target.rows<{ event: string }>('select event from audit_events');
      expect(row!.event).not.toContain(token);
      expect(row!.event).toContain('Bearer [REDACTED]');
    });

    it('verifies while other writers append', async () => {
      await recordMany(20);
      const [verification] = await Promise.all([
        log.verify(),
        ...Array.from({ length: 20 }, (_, i) => log.record(event(i))),
      ]);
      expect(verification.ok).toBe(true);
      expect(await log.verify()).toMatchObject({ ok: true, checked: 40 });
    });

    it('chains 50 concurrent writers correctly', async () => {
      const recorded = await Promise.all(
        Array.from({ length: 50 }, (_, i) => log.record(event(i + 1))),
      );
      expect(recorded.map((e) => e.seq).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
      expect(await log.verify()).toEqual({ ok: true, checked: 50, firstSeq: 1, lastSeq: 50 });
    });
  });
}
