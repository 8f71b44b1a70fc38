import { PRIVILEGES } from '../contract.js';
import type {
  AccessExplanation,
  Authorizer,
  ColumnShape,
  Decision,
  Principal,
  Privilege,
  ReadPolicy,
  Securable,
} from '../contract.js';
import { deniedError, hiddenError } from './access-errors.js';
import { adminSource, allow, canGrantFor, decideFor, deny, usageCheck } from './decide.js';
import { describeSources } from './evaluation.js';
import type { Evaluation } from './evaluation.js';
import type { GranteeSet } from './grantee-set.js';
import { PolicySnapshot } from './policy-snapshot.js';
import type { PolicyStore } from './policy-snapshot.js';
import { compileReadPolicy } from './read-policy.js';
import { securableKey } from './securable.js';

/**
 * MASK_HASH's SQL carries the padded HMAC key; an explanation is read by people, so it
 * shows the shape of the mask without the pads.
 */
function withoutKeyPads(policy: ReadPolicy): ReadPolicy {
  if (policy.masks === undefined) return policy;
  const masks = Object.fromEntries(
    Object.entries(policy.masks).map(([c, sql]) => [c, sql.replace(KEY_PAD, "'<key pad>'::BLOB")]),
  );
  return { ...policy, masks };
}

const KEY_PAD = /'(?:\\x[0-9A-F]{2})+'::BLOB/g;

export interface PolicyAuthorizerOptions {
  /** How often, at most, the policy version is checked for changes made elsewhere. */
  refreshMs: number;
  /** The key of MASK_HASH (HMAC-SHA-256). */
  maskHashKey: Buffer;
  /** Milliseconds clock, for tests. */
  now?: () => number;
}

const FAILED = 'policy evaluation failed';
/** Compiled read policies kept per snapshot; enough for every table a busy server reads. */
const READ_CACHE_LIMIT = 5000;

/**
 * The decision over an in-memory snapshot of the policy, reloaded when the policy
 * version moved (checked at most every refreshMs). Fails closed.
 */
export class PolicyAuthorizer implements Authorizer {
  private snapshot: PolicySnapshot | undefined;
  private loading: Promise<PolicySnapshot> | undefined;
  private checkedAt = -Infinity;
  private stale = true;
  private readonly granteeSets = new Map<string, GranteeSet>();
  private readonly readPolicies = new Map<string, Promise<ReadPolicy>>();
  private readonly now: () => number;

  constructor(
    private readonly store: PolicyStore,
    private readonly options: PolicyAuthorizerOptions,
  ) {
    this.now = options.now ?? (() => Date.now());
  }

  invalidate(): void {
    this.stale = true;
  }

  async decide(
    principal: Principal,
    privilege: Privilege,
    securable: Securable,
  ): Promise<Decision> {
    try {
      if (principal.isAdmin) {
        return allow(privilege, securable, [adminSource(await this.evaluation(principal))]);
      }
      return decideFor(await this.evaluation(principal), privilege, securable);
    } catch {
      return deny(privilege, securable, FAILED);
    }
  }

  async require(
    principal: Principal,
    privilege: Privilege,
    securable: Securable,
  ): Promise<Decision> {
    const decision = await this.decide(principal, privilege, securable);
    if (decision.allowed) return decision;
    // The catalog always exists; anything else the caller cannot see looks missing.
    const hidden =
      securable.kind !== 'catalog' &&
      (privilege === 'DESCRIBE' || !(await this.decide(principal, 'DESCRIBE', securable)).allowed);
    if (hidden) throw hiddenError(securable);
    let lacking: Securable | undefined;
    try {
      const usage = usageCheck(await this.evaluation(principal), privilege, securable);
      if ('lacking' in usage) lacking = usage.lacking;
    } catch {
      lacking = undefined;
    }
    throw deniedError(
      principal,
      decision,
      decision.reason.startsWith('needs USAGE') ? lacking : undefined,
    );
  }

  async canGrant(
    principal: Principal,
    privilege: Privilege,
    securable: Securable,
  ): Promise<Decision> {
    try {
      const ev = await this.evaluation(principal);
      if (principal.isAdmin) return allow(privilege, securable, [adminSource(ev)]);
      return canGrantFor(ev, privilege, securable);
    } catch {
      return deny(privilege, securable, FAILED);
    }
  }

  async visible(principal: Principal, securables: Securable[]): Promise<boolean[]> {
    try {
      const ev = { ...(await this.evaluation(principal)), containers: new Map() };
      if (principal.isAdmin) return securables.map(() => true);
      return securables.map((s) => describeSources(ev, s, true).length > 0);
    } catch {
      return securables.map(() => false);
    }
  }

  async readPolicy(
    principal: Principal,
    table: string[],
    columns: ColumnShape[],
  ): Promise<ReadPolicy> {
    try {
      const ev = await this.evaluation(principal);
      const key = [
        ev.snapshot.version,
        principal.name,
        principal.isAdmin,
        ev.grantees.groups.join('\u0001'),
        securableKey({ kind: 'table', path: table }),
        columns.map((c) => `${c.name}\u0002${c.type}`).join('\u0001'),
      ].join('\u0000');
      let policy = this.readPolicies.get(key);
      if (policy === undefined) {
        if (this.readPolicies.size >= READ_CACHE_LIMIT) this.readPolicies.clear();
        policy = compileReadPolicy(ev, table, columns, this.options.maskHashKey);
        this.readPolicies.set(key, policy);
        policy.catch(() => this.readPolicies.delete(key));
      }
      return structuredClone(await policy);
    } catch {
      return {
        allowed: false,
        reason: FAILED,
        applied: { grants: [], filters: [], masks: [] },
        sources: [],
      };
    }
  }

  async explain(
    principal: Principal,
    securable: Securable,
    columns?: ColumnShape[],
  ): Promise<AccessExplanation> {
    const privileges = await Promise.all(
      PRIVILEGES.map(async (privilege) => {
        const d = await this.decide(principal, privilege, securable);
        return { privilege, allowed: d.allowed, reason: d.reason, sources: d.sources };
      }),
    );
    const explanation: AccessExplanation = {
      principal: principal.name,
      groups: await this.groupsOf(principal),
      securable,
      privileges,
    };
    if (securable.kind === 'table' && columns !== undefined) {
      explanation.read = withoutKeyPads(await this.readPolicy(principal, securable.path, columns));
    }
    return explanation;
  }

  async groupsOf(principal: Principal): Promise<string[]> {
    return [...(await this.evaluation(principal)).grantees.groups];
  }

  private async evaluation(principal: Principal): Promise<Evaluation> {
    const snapshot = await this.current();
    const key = `${principal.name}\u0000${[...(principal.externalGroups ?? [])].sort().join('\u0000')}`;
    let grantees = this.granteeSets.get(key);
    if (grantees === undefined) {
      grantees = snapshot.groups.granteeSetOf(principal);
      this.granteeSets.set(key, grantees);
    }
    return { snapshot, grantees, principal };
  }

  /** The snapshot to decide on: reloaded when invalidated or when the version moved. */
  private async current(): Promise<PolicySnapshot> {
    if (this.loading) return this.loading;
    const now = this.now();
    if (!this.stale && this.snapshot && now - this.checkedAt < this.options.refreshMs) {
      return this.snapshot;
    }
    this.loading = (async () => {
      try {
        const known = this.snapshot;
        if (!this.stale && known && (await this.store.policyVersion.current()) === known.version) {
          this.checkedAt = now;
          return known;
        }
        // A change this process makes while loading invalidates again, and wins.
        this.stale = false;
        const loaded = await PolicySnapshot.load(this.store).catch((err: unknown) => {
          this.stale = true;
          throw err;
        });
        this.snapshot = loaded;
        this.checkedAt = now;
        this.granteeSets.clear();
        this.readPolicies.clear();
        return loaded;
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }
}
