import type { AuditChainHead, AuditEventRecord } from '../../metastore/index.js';
import { chainHash, eventRecord } from './audit-chain.js';
import type { SignedEvent } from './audit-chain.js';

export interface BrokenLink {
  seq: number;
  reason: string;
}

/** The indexed columns a reader filters on; each must say what the signed event says. */
const INDEXED = ['seq', 'eventId', 'at', 'principal', 'action', 'resource', 'decision'] as const;
const COLUMN_NAMES: Record<(typeof INDEXED)[number], string> = {
  seq: 'sequence number',
  eventId: 'event id',
  at: 'time',
  principal: 'principal',
  action: 'action',
  resource: 'resource',
  decision: 'decision',
};

function missing(from: number, to: number): string {
  return from === to ? `event ${from} is missing` : `events ${from}-${to} are missing`;
}

function sameColumn(
  key: (typeof INDEXED)[number],
  stored: AuditEventRecord,
  signed: AuditEventRecord,
): boolean {
  if (key === 'at') return new Date(stored.at).getTime() === signed.at.getTime();
  return stored[key] === signed[key];
}

/**
 * Checks the stored chain link by link, in seq order, from the anchor that retention
 * left: the first problem found is the one reported, since everything after a broken
 * link is unproven anyway.
 */
export class ChainWalk {
  #expectedSeq: number;
  #prevHash: string;
  checked = 0;
  firstSeq: number | null = null;
  lastSeq: number | null = null;

  constructor(head: AuditChainHead) {
    this.#expectedSeq = head.anchorSeq + 1;
    // The anchor is the genesis hash until retention removes events, then the last removed one's.
    this.#prevHash = head.anchorHash;
  }

  /** The seq the next stored event must have. */
  get nextSeq(): number {
    return this.#expectedSeq;
  }

  /** The next stored event, read from seq nextSeq onwards. */
  check(record: AuditEventRecord): BrokenLink | undefined {
    const seq = this.#expectedSeq;
    if (record.seq > seq) return { seq, reason: missing(seq, record.seq - 1) };
    this.checked += 1;
    this.firstSeq ??= seq;
    this.lastSeq = seq;
    if (record.prevHash !== this.#prevHash) {
      return { seq, reason: `event ${seq}: links to a different previous event` };
    }
    let signed: SignedEvent;
    try {
      signed = JSON.parse(record.event) as SignedEvent;
    } catch {
      return { seq, reason: `event ${seq}: its stored content is not valid JSON` };
    }
    if (chainHash(record.prevHash, signed) !== record.hash) {
      return {
        seq,
        reason: `event ${seq}: its content was changed after it was written (hash mismatch)`,
      };
    }
    const expected = eventRecord(signed, record.prevHash);
    const edited = INDEXED.find((key) => !sameColumn(key, record, expected));
    if (edited !== undefined) {
      return {
        seq,
        reason: `event ${seq}: its stored ${COLUMN_NAMES[edited]} was changed and no longer matches the signed event`,
      };
    }
    this.#expectedSeq = seq + 1;
    this.#prevHash = record.hash;
    return undefined;
  }

  /** After the last stored event: the head must point at it, or the newest events were removed. */
  finish(head: AuditChainHead): BrokenLink | undefined {
    const last = this.#expectedSeq - 1;
    if (head.lastSeq > last) {
      return {
        seq: last + 1,
        reason: `${missing(last + 1, head.lastSeq)} (the newest events were removed)`,
      };
    }
    if (head.lastHash !== this.#prevHash) {
      return { seq: last, reason: `event ${last}: is not the event the chain head recorded` };
    }
    return undefined;
  }
}
