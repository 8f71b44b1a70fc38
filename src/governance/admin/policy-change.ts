import type { Caller, Securable } from '../contract.js';
import { auditResource } from '../policy/securable.js';
import type { AdminDeps, Repositories } from './admin-deps.js';

/**
 * Writes one policy change: the rows and the version bump in one transaction, so
 * other servers see the change and the new version together; then this process
 * forgets its cached policy so the next decision already sees the change.
 */
export async function commitChange<T>(
  deps: AdminDeps,
  write: (tx: Repositories) => Promise<T>,
): Promise<T> {
  const result = await deps.metastore.transaction(async (tx) => {
    const value = await write(tx);
    await tx.policyVersion.bump();
    return value;
  });
  deps.authorizer.invalidate();
  return result;
}

/** The audit resource of a securable, or of a policy object that is not one. */
export type AuditResource = Securable | string;

function resourceText(resource: AuditResource): string {
  return typeof resource === 'string' ? resource : auditResource(resource);
}

/** Records a change that was made (after its commit). */
export async function recordAllowed(
  deps: AdminDeps,
  caller: Caller,
  action: string,
  resource: AuditResource,
  reason: string,
): Promise<void> {
  await deps.audit.record({
    caller,
    action,
    resource: resourceText(resource),
    decision: 'allow',
    reason,
  });
}

/** Records a change refused for lack of rights (invalid input is not audited). */
export async function recordDenied(
  deps: AdminDeps,
  caller: Caller,
  action: string,
  resource: AuditResource,
  reason: string,
): Promise<void> {
  await deps.audit.record({
    caller,
    action,
    resource: resourceText(resource),
    decision: 'deny',
    reason,
  });
}
