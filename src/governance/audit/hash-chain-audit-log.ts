import { randomUUID } from 'node:crypto';
import { redactLiterals } from '../../engine/index.js';
import type { Metastore } from '../../metastore/index.js';
import type {
  AuditEvent,
  AuditEventInput,
  AuditFilter,
  AuditLog,
  AuditVerification,
  Authorizer,
  Caller,
  Decision,
  Securable,
} from '../contract.js';
import { eventOf, eventRecord, sha256Hex } from './audit-chain.js';
import type { SignedEvent } from './audit-chain.js';
import { ChainWalk } from './chain-walk.js';
import type { BrokenLink } from './chain-walk.js';
import { withoutSecrets } from './secret-scrub.js';

export interface HashChainAuditLogOptions {
  authorizer: Pick<Authorizer, 'groupsOf' | 'require'>;
  /** Events older than this many days are removed by applyRetention(). */
  retentionDays: number;
  now?: () => Date;
}

/** Events read per round trip when walking or exporting the whole log. */
const PAGE_SIZE = 5_000;
const DAY_MS = 86_400_000;
/** READ_AUDIT is granted on the catalog. */
const AUDIT_READ: Securable = { kind: 'catalog', path: [] };

/**
 * The tamper-evident audit log: every event carries the SHA-256 of the previous
 * event and its own canonical JSON, so changing, removing or reordering any stored
 * event breaks a link that verify() names.
 */
export class HashChainAuditLog implements AuditLog {
  readonly #metastore: Pick<Metastore, 'audit'>;
  readonly #authorizer: HashChainAuditLogOptions['authorizer'];
  readonly #retentionDays: number;
  readonly #now: () => Date;

  constructor(metastore: Pick<Metastore, 'audit'>, options: HashChainAuditLogOptions) {
    this.#metastore = metastore;
    this.#authorizer = options.authorizer;
    this.#retentionDays = options.retentionDays;
    this.#now = options.now ?? (() => new Date());
  }

  async record(input: AuditEventInput): Promise<AuditEvent> {
    const body = await this.#eventBody(input);
    const stored = await this.#metastore.audit.append((head) => {
      // An empty chain's head holds the genesis hash, 64 zeros.
      return eventRecord({ ...body, seq: head.lastSeq + 1 }, head.lastHash);
    });
    return eventOf(stored);
  }

  async verify(): Promise<AuditVerification> {
    const audit = this.#metastore.audit;
    const head = await audit.head();
    const walk = new ChainWalk(head);
    let broken: BrokenLink | undefined;
    let done = false;
    while (!broken && !done) {
      const page = await audit.list({ fromSeq: walk.nextSeq, limit: PAGE_SIZE });
      // Events appended while the walk runs are beyond the head it read: the next walk's.
      const known = page.filter((record) => record.seq <= head.lastSeq);
      for (const record of known) {
        broken = walk.check(record);
        if (broken) break;
      }
      done = known.length < PAGE_SIZE;
    }
    broken ??= walk.finish(head);
    return {
      ok: broken === undefined,
      checked: walk.checked,
      firstSeq: walk.firstSeq,
      lastSeq: walk.lastSeq,
      ...(broken ? { firstBroken: broken } : {}),
    };
  }

  async query(caller: Caller, filter: AuditFilter): Promise<AuditEvent[]> {
    const decision = await this.#mayRead(caller, 'query');
    const events = (await this.#metastore.audit.list(filter)).map(eventOf);
    await this.#recordRead(caller, 'allow', decision.reason, 'query', events.length);
    return events;
  }

  async *exportNdjson(caller: Caller, filter: AuditFilter): AsyncIterable<string> {
    const decision = await this.#mayRead(caller, 'export');
    let rows = 0;
    let failure: unknown;
    try {
      let fromSeq = filter.fromSeq ?? 0;
      for (;;) {
        const wanted =
          filter.limit === undefined ? PAGE_SIZE : Math.min(PAGE_SIZE, filter.limit - rows);
        if (wanted <= 0) break;
        const page = await this.#metastore.audit.list({ ...filter, fromSeq, limit: wanted });
        for (const record of page) {
          rows += 1;
          yield `${JSON.stringify(eventOf(record))}\n`;
        }
        if (page.length < wanted) break;
        fromSeq = page[page.length - 1]!.seq + 1;
      }
    } catch (err) {
      failure = err;
      throw err;
    } finally {
      // Also when the reader stops early: what it was sent is what it read.
      const error = failure instanceof Error ? failure.message : undefined;
      await this.#recordRead(
        caller,
        error ? 'error' : 'allow',
        error ?? decision.reason,
        'export',
        rows,
      );
    }
  }

  async applyRetention(now: Date = this.#now()): Promise<number> {
    return this.#metastore.audit.purgeBefore(
      new Date(now.getTime() - this.#retentionDays * DAY_MS),
    );
  }

  async #eventBody(input: AuditEventInput): Promise<Omit<SignedEvent, 'seq'>> {
    const principal = input.caller?.principal;
    const context = input.caller?.context ?? input.context;
    const groups = principal ? await this.#authorizer.groupsOf(principal) : [];
    const queryText =
      input.queryText === undefined ? null : withoutSecrets(await redactLiterals(input.queryText));
    return {
      eventId: randomUUID(),
      time: this.#now().toISOString(),
      principal: principal
        ? { id: principal.id, name: principal.name, kind: principal.kind }
        : null,
      groups,
      authMethod: principal?.authMethod ?? null,
      channel: context?.channel ?? null,
      sourceAddress: context?.sourceAddress ?? null,
      userAgent: withoutSecrets(context?.userAgent),
      requestId: context?.requestId ?? null,
      action: withoutSecrets(input.action),
      resource: withoutSecrets(input.resource),
      columns: input.columns ?? [],
      decision: input.decision,
      reason: withoutSecrets(input.reason),
      policies: {
        grants: input.policies?.grants ?? [],
        filters: input.policies?.filters ?? [],
        masks: input.policies?.masks ?? [],
      },
      queryText,
      querySha256: input.queryText === undefined ? null : sha256Hex(input.queryText),
      rowsReturned: input.rowsReturned ?? null,
      bytesScanned: input.bytesScanned ?? null,
      durationMs: input.durationMs ?? null,
      snapshots: input.snapshots ?? [],
      status: input.status ?? null,
    };
  }

  /** READ_AUDIT on the catalog; a refusal is recorded before it reaches the caller. */
  async #mayRead(caller: Caller, how: 'query' | 'export'): Promise<Decision> {
    try {
      return await this.#authorizer.require(caller.principal, 'READ_AUDIT', AUDIT_READ);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      await this.#recordRead(caller, 'deny', reason, how, undefined);
      throw err;
    }
  }

  async #recordRead(
    caller: Caller,
    decision: AuditEvent['decision'],
    reason: string,
    how: 'query' | 'export',
    rows: number | undefined,
  ): Promise<void> {
    await this.record({
      caller,
      action: 'audit.read',
      resource: `audit:${how}`,
      decision,
      reason,
      ...(rows === undefined ? {} : { rowsReturned: rows }),
    });
  }
}
