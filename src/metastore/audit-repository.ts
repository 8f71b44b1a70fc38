import type { Kysely, Selectable } from 'kysely';
import { InternalError } from '../errors/index.js';
import { toDate } from './codec.js';
import type { AuditChainTable, AuditEventsTable, Database } from './database.js';
import type { Executor } from './executor.js';
import type {
  AuditChainHead,
  AuditEventRecord,
  AuditRepository,
} from './governance-repositories.js';

function toRecord(row: Selectable<AuditEventsTable>): AuditEventRecord {
  return {
    seq: Number(row.seq),
    eventId: row.event_id,
    at: toDate(row.at),
    principal: row.principal,
    action: row.action,
    resource: row.resource,
    decision: row.decision as AuditEventRecord['decision'],
    event: row.event,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

function toHead(row: Selectable<AuditChainTable>): AuditChainHead {
  return {
    lastSeq: Number(row.last_seq),
    lastHash: row.last_hash,
    anchorSeq: Number(row.anchor_seq),
    anchorHash: row.anchor_hash,
  };
}

/**
 * Reads the head row and, on PostgreSQL, locks it until the transaction ends, so appenders
 * on every server queue up behind each other. SQLite needs no row lock: the executor's
 * transactions are BEGIN IMMEDIATE, which already holds the database's write lock.
 */
async function lockedHead(
  tx: Kysely<Database>,
  dialect: Executor['dialect'],
): Promise<AuditChainHead> {
  const row = await tx
    .selectFrom('audit_chain')
    .selectAll()
    .where('id', '=', 1)
    .$if(dialect === 'postgres', (q) => q.forUpdate())
    .executeTakeFirstOrThrow();
  return toHead(row);
}

/** A record that does not continue the chain would break verification for good. */
function checkLink(head: AuditChainHead, next: AuditEventRecord): void {
  if (next.seq !== head.lastSeq + 1 || next.prevHash !== head.lastHash) {
    throw new InternalError('The audit record does not continue the hash chain.', {
      hint: 'build(head) must return seq = head.lastSeq + 1 and prevHash = head.lastHash.',
    });
  }
}

export function auditRepository(executor: Executor): AuditRepository {
  const { db, dialect } = executor;

  return {
    async append(build) {
      return executor.atomic(async (tx) => {
        const head = await lockedHead(tx, dialect);
        const next = build(head);
        checkLink(head, next);
        await tx
          .insertInto('audit_events')
          .values({
            seq: next.seq,
            event_id: next.eventId,
            at: next.at.toISOString(),
            principal: next.principal,
            action: next.action,
            resource: next.resource,
            decision: next.decision,
            event: next.event,
            prev_hash: next.prevHash,
            hash: next.hash,
          })
          .execute();
        await tx
          .updateTable('audit_chain')
          .set({ last_seq: next.seq, last_hash: next.hash })
          .where('id', '=', 1)
          .execute();
        return { ...next };
      });
    },

    async head() {
      const row = await db
        .selectFrom('audit_chain')
        .selectAll()
        .where('id', '=', 1)
        .executeTakeFirstOrThrow();
      return toHead(row);
    },

    async list(query) {
      const rows = await db
        .selectFrom('audit_events')
        .selectAll()
        .$if(query.fromSeq !== undefined, (q) => q.where('seq', '>=', query.fromSeq as number))
        .$if(query.since !== undefined, (q) =>
          q.where('at', '>=', (query.since as Date).toISOString()),
        )
        .$if(query.until !== undefined, (q) =>
          q.where('at', '<=', (query.until as Date).toISOString()),
        )
        .$if(query.principal !== undefined, (q) =>
          q.where('principal', '=', query.principal as string),
        )
        .$if(query.action !== undefined, (q) => q.where('action', '=', query.action as string))
        .$if(query.decision !== undefined, (q) =>
          q.where('decision', '=', query.decision as string),
        )
        .orderBy('seq')
        .$if(query.limit !== undefined, (q) => q.limit(query.limit as number))
        .execute();
      return rows.map(toRecord);
    },

    async purgeBefore(before) {
      return executor.atomic(async (tx) => {
        await lockedHead(tx, dialect);
        // Only a contiguous run from the oldest event goes, even if clocks of several
        // servers put a later seq at an earlier time: the chain must stay unbroken.
        const firstKept = await tx
          .selectFrom('audit_events')
          .select('seq')
          .where('at', '>=', before.toISOString())
          .orderBy('seq')
          .limit(1)
          .executeTakeFirst();
        const lastDeleted = await tx
          .selectFrom('audit_events')
          .select(['seq', 'hash'])
          .$if(firstKept !== undefined, (q) => q.where('seq', '<', Number(firstKept?.seq)))
          .orderBy('seq', 'desc')
          .limit(1)
          .executeTakeFirst();
        if (!lastDeleted) return 0;
        const result = await tx
          .deleteFrom('audit_events')
          .where('seq', '<=', Number(lastDeleted.seq))
          .executeTakeFirst();
        await tx
          .updateTable('audit_chain')
          .set({ anchor_seq: Number(lastDeleted.seq), anchor_hash: lastDeleted.hash })
          .where('id', '=', 1)
          .execute();
        return Number(result.numDeletedRows);
      });
    },
  };
}
