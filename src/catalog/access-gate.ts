import { LakewardError } from '../errors/index.js';
import type {
  AuditEventInput,
  AuditLog,
  Authorizer,
  Caller,
  Decision,
  Privilege,
  Securable,
} from '../governance/index.js';

/** Checks made inside one use case; what they allowed goes into its audit event. */
export interface AccessCheck {
  /** authorizer.require for the caller; a refusal makes the use case's event a deny. */
  require(privilege: Privilege, securable: Securable): Promise<Decision>;
  /** Marks an error as a governance refusal (something hidden or not allowed). */
  refuse<E>(err: E): E;
  /** Grants and tag policies that allowed what the use case did, for its audit event. */
  readonly grants: string[];
}

/** What a use case adds to its audit event (resource: when only the work could tell it). */
export type AuditFacts = Omit<AuditEventInput, 'caller' | 'action' | 'decision'>;

/** One use case under way: its checks, and the one audit event that ends it. */
export interface UseCase {
  check: AccessCheck;
  /** Records deny (a governance refusal) or error, with the error's code as the reason. */
  failed(err: unknown, facts?: AuditFacts): Promise<void>;
  /** Records allow. */
  succeeded(facts?: AuditFacts): Promise<void>;
}

/**
 * One governed use case, one audit event: deny when governance refused it, error when
 * it failed otherwise, allow after it succeeded. Every governed use case (catalog,
 * query, ingest) runs through here, so none can forget its event.
 */
export class AccessGate {
  constructor(
    readonly authorizer: Authorizer,
    private readonly audit: Pick<AuditLog, 'record'>,
  ) {}

  async run<T>(
    caller: Caller,
    action: string,
    resource: string | undefined,
    work: (check: AccessCheck) => Promise<T>,
    facts: (result: T) => AuditFacts = () => ({}),
  ): Promise<T> {
    const useCase = this.start(caller, action, resource);
    let result: T;
    try {
      result = await work(useCase.check);
    } catch (err) {
      await useCase.failed(err);
      throw err;
    }
    await useCase.succeeded(facts(result));
    return result;
  }

  /** For use cases whose end is not one promise (a streamed answer): report it when it comes. */
  start(caller: Caller, action: string, resource: string | undefined): UseCase {
    const check = this.#check(caller);
    const base = { caller, action, ...(resource === undefined ? {} : { resource }) };
    return {
      check,
      failed: async (err, facts = {}) => {
        const decision = wasRefused(err) ? 'deny' : 'error';
        // The caller needs the use case's own error; a failed audit write must not replace it.
        await this.audit
          .record({ ...base, ...facts, decision, reason: reasonOf(err) })
          .catch(() => undefined);
      },
      succeeded: async (facts = {}) => {
        const grants = [...new Set([...check.grants, ...(facts.policies?.grants ?? [])])];
        // Fail closed: an allowed use case whose event cannot be written reports the failure.
        await this.audit.record({
          ...base,
          ...facts,
          decision: 'allow',
          policies: { ...facts.policies, grants },
        });
      },
    };
  }

  #check(caller: Caller): AccessCheck {
    const grants: string[] = [];
    const refuse = <E>(err: E): E => {
      if (typeof err === 'object' && err !== null) refused.add(err);
      return err;
    };
    return {
      grants,
      refuse,
      require: async (privilege, securable) => {
        try {
          const decision = await this.authorizer.require(caller.principal, privilege, securable);
          for (const source of decision.sources) grants.push(source.description);
          return decision;
        } catch (err) {
          throw refuse(err);
        }
      },
    };
  }
}

/** Errors that were governance refusals; weak so they are forgotten with the error. */
const refused = new WeakSet<object>();

/** The stable error code, which is what the audit log keeps of a failure. */
function reasonOf(err: unknown): string {
  return err instanceof LakewardError ? err.code : 'INTERNAL';
}

function wasRefused(err: unknown): boolean {
  return typeof err === 'object' && err !== null && refused.has(err);
}
