import { createHash } from 'node:crypto';
import type { AuditEventRecord } from '../../metastore/index.js';
import type { AuditEvent } from '../contract.js';
import { canonicalJson } from './canonical-json.js';

/** The event as signed: everything but its own links. */
export type SignedEvent = Omit<AuditEvent, 'prevHash' | 'hash'>;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** hash = SHA-256(prevHash ‖ canonical JSON of the event without prevHash and hash). */
export function chainHash(prevHash: string, event: SignedEvent): string {
  return sha256Hex(prevHash + canonicalJson(event));
}

/** The stored row: indexed columns for filtering plus the signed event itself. */
export function eventRecord(event: SignedEvent, prevHash: string): AuditEventRecord {
  return {
    seq: event.seq,
    eventId: event.eventId,
    at: new Date(event.time),
    principal: event.principal?.name ?? null,
    action: event.action,
    resource: event.resource,
    decision: event.decision,
    event: canonicalJson(event),
    prevHash,
    hash: chainHash(prevHash, event),
  };
}

export function eventOf(record: AuditEventRecord): AuditEvent {
  const signed = JSON.parse(record.event) as SignedEvent;
  return { ...signed, prevHash: record.prevHash, hash: record.hash };
}
