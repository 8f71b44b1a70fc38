import { createHash, randomUUID } from 'node:crypto';
import type { AuditChainHead } from '../../src/metastore/index.js';

/** The next link as the audit log builds it: hash = SHA-256(prevHash ‖ event). */
export function link(head: AuditChainHead, action: string, at = new Date()) {
  const event = JSON.stringify({ action, at: at.toISOString() });
  return {
    seq: head.lastSeq + 1,
    eventId: randomUUID(),
    at,
    principal: 'alice',
    action,
    resource: null,
    decision: 'allow' as const,
    event,
    prevHash: head.lastHash,
    hash: linkHash(head.lastHash, event),
  };
}

export function linkHash(prevHash: string, event: string): string {
  return createHash('sha256').update(prevHash).update(event).digest('hex');
}
