import { PermissionDenied } from '../../errors/index.js';
import type { AuditLog, Authorizer, Caller, Securable } from '../contract.js';

const CATALOG: Securable = { kind: 'catalog', path: [] };

/** What a directory change is, for the audit log: 'principal.create' on 'principal:alice'. */
export interface DirectoryChange {
  action: string;
  resource: string;
}

/** Who may manage principals, groups and others' tokens; every outcome goes to the audit log. */
export class DirectoryAccess {
  readonly #authorizer: Pick<Authorizer, 'decide'>;
  readonly #audit: Pick<AuditLog, 'record'>;

  constructor(authorizer: Pick<Authorizer, 'decide'>, audit: Pick<AuditLog, 'record'>) {
    this.#authorizer = authorizer;
    this.#audit = audit;
  }

  /**
   * An admin, or MANAGE_GRANTS on the catalog; only an admin when adminOnly (changes that
   * would hand out admin rights, which MANAGE_GRANTS alone does not give). A refusal is
   * audited, then thrown.
   */
  async requireManage(
    caller: Caller,
    change: DirectoryChange,
    doing: string,
    adminOnly = false,
  ): Promise<void> {
    const { principal } = caller;
    let reason: string;
    if (adminOnly) {
      if (principal.isAdmin) return;
      reason = `only an admin may ${doing}`;
    } else {
      const decision = await this.#authorizer.decide(principal, 'MANAGE_GRANTS', CATALOG);
      if (decision.allowed) return;
      reason = decision.reason;
    }
    await this.record(caller, change, 'deny', reason);
    throw new PermissionDenied('PERMISSION_DENIED', `${principal.name} may not ${doing}.`, {
      hint: adminOnly
        ? 'ask an admin to do it'
        : 'ask an admin to do it, or to grant you MANAGE_GRANTS on the catalog',
    });
  }

  async record(
    caller: Caller,
    change: DirectoryChange,
    decision: 'allow' | 'deny',
    reason?: string,
  ): Promise<void> {
    await this.#audit.record({
      caller,
      ...change,
      decision,
      ...(reason === undefined ? {} : { reason }),
    });
  }
}
