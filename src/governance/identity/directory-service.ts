import { Conflict, InvalidInput, NotFound } from '../../errors/index.js';
import type { GroupRecord, Metastore, PrincipalRecord } from '../../metastore/index.js';
import type {
  AuditLog,
  Authenticator,
  Authorizer,
  Caller,
  Directory,
  Grantee,
  GroupInfo,
  IssuedToken,
  PrincipalInfo,
  TokenInfo,
} from '../contract.js';
import { DirectoryAccess } from './directory-access.js';
import { cleanupSummary, groupInfo, principalInfo } from './directory-views.js';
import { removeGrantee } from './grantee-cleanup.js';
import { cycleThrough } from './group-cycle.js';
import { checkIdentityName, refuseReserved } from './identity-name.js';

export interface DirectoryServiceDeps {
  auth: Authenticator;
  authorizer: Pick<Authorizer, 'decide' | 'groupsOf' | 'invalidate'>;
  audit: Pick<AuditLog, 'record'>;
}

type Repositories = Omit<Metastore, 'transaction' | 'close'>;

const MAX_TOKEN_NAME = 100;

/**
 * Users, service accounts, groups and tokens (the Directory contract). Every change is
 * authorized, committed with a policy-version bump (so every server drops its cached
 * policy), and audited; refusals are audited before they are thrown.
 */
export class DirectoryService implements Directory {
  readonly #metastore: Pick<Metastore, 'principals' | 'tokens' | 'groups' | 'transaction'>;
  readonly #deps: DirectoryServiceDeps;
  readonly #access: DirectoryAccess;

  constructor(
    metastore: Pick<Metastore, 'principals' | 'tokens' | 'groups' | 'transaction'>,
    deps: DirectoryServiceDeps,
  ) {
    this.#metastore = metastore;
    this.#deps = deps;
    this.#access = new DirectoryAccess(deps.authorizer, deps.audit);
  }

  async whoami(
    caller: Caller,
  ): Promise<PrincipalInfo & { allGroups: string[]; authMethod: string }> {
    const record = await this.#principalById(caller.principal.id);
    const memberships = await this.#metastore.groups.listMemberships();
    return {
      ...principalInfo(record, memberships),
      allGroups: await this.#deps.authorizer.groupsOf(caller.principal),
      authMethod: caller.principal.authMethod,
    };
  }

  async createPrincipal(
    caller: Caller,
    input: { name: string; kind: 'user' | 'service'; isAdmin?: boolean },
  ): Promise<PrincipalInfo> {
    const name = checkIdentityName(input.name, 'principal');
    refuseReserved(name, 'create a principal named');
    if (input.kind !== 'user' && input.kind !== 'service') {
      throw new InvalidInput(
        'INVALID_PRINCIPAL_KIND',
        `"${String(input.kind)}" is not a kind of principal.`,
        {
          hint: 'use user for people and service for programs',
        },
      );
    }
    const isAdmin = input.isAdmin === true;
    const change = { action: 'principal.create', resource: `principal:${name}` };
    await this.#access.requireManage(
      caller,
      change,
      isAdmin ? 'create an admin' : 'create principals',
      isAdmin,
    );
    const record = await this.#commit(caller, change, (tx) =>
      tx.principals.create({ name, kind: input.kind, isAdmin }),
    );
    return principalInfo(record, []);
  }

  async deletePrincipal(caller: Caller, name: string): Promise<void> {
    const change = { action: 'principal.delete', resource: `principal:${name}` };
    await this.#access.requireManage(caller, change, 'delete principals');
    const record = await this.#principalByName(name);
    if (record.isAdmin) await this.#access.requireManage(caller, change, 'delete an admin', true);
    await this.#commit(
      caller,
      change,
      async (tx) => {
        const admins = (await tx.principals.list()).filter((p) => p.isAdmin);
        if (record.isAdmin && admins.length <= 1) {
          throw new Conflict('LAST_ADMIN', `${name} is the last admin and cannot be deleted.`, {
            hint: 'create another admin first (principals create --admin), then delete this one',
          });
        }
        const cleanup = await removeGrantee(tx, { kind: 'principal', name });
        // Its tokens go with it (foreign-key cascade), so they stop working at once.
        await tx.principals.delete(record.id);
        return cleanup;
      },
      cleanupSummary,
    );
  }

  async listPrincipals(_caller: Caller): Promise<PrincipalInfo[]> {
    // Like pg_roles: any signed-in principal may see who exists, so it can grant and share.
    const [records, memberships] = await Promise.all([
      this.#metastore.principals.list(),
      this.#metastore.groups.listMemberships(),
    ]);
    return records.map((r) => principalInfo(r, memberships));
  }

  async createGroup(
    caller: Caller,
    input: { name: string; description?: string },
  ): Promise<GroupInfo> {
    const name = checkIdentityName(input.name, 'group');
    refuseReserved(name, 'create');
    const change = { action: 'group.create', resource: `group:${name}` };
    await this.#access.requireManage(caller, change, 'create groups');
    const description = input.description?.trim() || null;
    const record = await this.#commit(caller, change, (tx) =>
      tx.groups.create({ name, description }),
    );
    return groupInfo(record, []);
  }

  async deleteGroup(caller: Caller, name: string): Promise<void> {
    refuseReserved(name, 'delete');
    const change = { action: 'group.delete', resource: `group:${name}` };
    await this.#access.requireManage(caller, change, 'delete groups');
    await this.#commit(
      caller,
      change,
      async (tx) => {
        await groupByName(tx, name);
        const cleanup = await removeGrantee(tx, { kind: 'group', name });
        await tx.groups.delete(name);
        return cleanup;
      },
      cleanupSummary,
    );
  }

  async listGroups(_caller: Caller): Promise<GroupInfo[]> {
    const [records, memberships] = await Promise.all([
      this.#metastore.groups.list(),
      this.#metastore.groups.listMemberships(),
    ]);
    return records.map((r) => groupInfo(r, memberships));
  }

  async addMember(caller: Caller, group: string, member: Grantee): Promise<GroupInfo> {
    refuseReserved(group, 'add members to');
    if (member.kind === 'group') refuseReserved(member.name, 'add as a member');
    const change = { action: 'group.member.add', resource: `group:${group}` };
    await this.#access.requireManage(caller, change, 'change group members');
    return this.#commit(
      caller,
      change,
      async (tx) => {
        const record = await groupByName(tx, group);
        if (member.kind === 'group') {
          await groupByName(tx, member.name);
          const cycle = cycleThrough(await tx.groups.listMemberships(), group, member.name);
          if (cycle) {
            throw new Conflict(
              'GROUP_CYCLE',
              `Adding group ${member.name} to ${group} would make a cycle: ${[group, ...cycle].join(' ⊃ ')}.`,
              {
                hint:
                  member.name === group
                    ? 'a group cannot contain itself'
                    : `${group} is already inside ${member.name}; remove that membership first`,
              },
            );
          }
        } else if (!(await tx.principals.getByName(member.name))) {
          throw principalNotFound(member.name);
        }
        await tx.groups.addMember(group, member);
        return groupInfo(record, await tx.groups.listMemberships());
      },
      () => `added ${member.kind} ${member.name}`,
    );
  }

  async removeMember(caller: Caller, group: string, member: Grantee): Promise<GroupInfo> {
    refuseReserved(group, 'remove members from');
    const change = { action: 'group.member.remove', resource: `group:${group}` };
    await this.#access.requireManage(caller, change, 'change group members');
    return this.#commit(
      caller,
      change,
      async (tx) => {
        const record = await groupByName(tx, group);
        await tx.groups.removeMember(group, member);
        return groupInfo(record, await tx.groups.listMemberships());
      },
      () => `removed ${member.kind} ${member.name}`,
    );
  }

  async issueToken(
    caller: Caller,
    input: { principal?: string; name: string; expiresAt?: Date },
  ): Promise<IssuedToken> {
    const name = input.name.trim();
    if (name === '' || name.length > MAX_TOKEN_NAME) {
      throw new InvalidInput('INVALID_TOKEN_NAME', 'A token needs a name of 1 to 100 characters.', {
        hint: 'name it after where it is used, e.g. ci or laptop',
      });
    }
    if (input.expiresAt !== undefined && !(input.expiresAt.getTime() > Date.now())) {
      throw new InvalidInput('INVALID_EXPIRY', 'A token’s expiry must be a time in the future.', {
        hint: 'give an ISO date such as 2027-01-31, or leave it out for a token that does not expire',
      });
    }
    const owner = await this.#tokenOwner(caller, input.principal, {
      action: 'token.issue',
      doing: 'issue tokens for',
      adminOnly: true,
    });
    const issued = await this.#deps.auth.issueToken(owner.id, name, input.expiresAt);
    await this.#access.record(
      caller,
      { action: 'token.issue', resource: `token:${issued.id}` },
      'allow',
      `for ${owner.name}`,
    );
    return issued;
  }

  async listTokens(caller: Caller, principal?: string): Promise<TokenInfo[]> {
    const owner = await this.#tokenOwner(caller, principal, {
      action: 'token.list',
      doing: 'list tokens of',
      adminOnly: false,
    });
    return this.#deps.auth.listTokens(owner.id);
  }

  async revokeToken(caller: Caller, tokenId: string): Promise<void> {
    const token = await this.#metastore.tokens.get(tokenId);
    if (!token) {
      throw new NotFound('TOKEN_NOT_FOUND', `There is no token with id ${tokenId}.`, {
        hint: 'list token ids with lakeward tokens list',
      });
    }
    const owner = await this.#principalById(token.principalId);
    if (owner.id !== caller.principal.id) {
      // Only an admin: see #tokenOwner.
      const change = { action: 'token.revoke', resource: `token:${tokenId}` };
      await this.#access.requireManage(caller, change, `revoke tokens of ${owner.name}`, true);
    }
    await this.#deps.auth.revokeToken(tokenId);
    await this.#access.record(
      caller,
      { action: 'token.revoke', resource: `token:${tokenId}` },
      'allow',
      `of ${owner.name}`,
    );
  }

  /**
   * The principal whose tokens are meant: the caller's own, or another's. Issuing (and
   * revoking) another's token is acting as them, which MANAGE_GRANTS must not give: it
   * would let a grant manager sign in as any owner. Only an admin may (adminOnly);
   * listing them takes MANAGE_GRANTS on the catalog.
   */
  async #tokenOwner(
    caller: Caller,
    name: string | undefined,
    use: { action: string; doing: string; adminOnly: boolean },
  ): Promise<PrincipalRecord> {
    if (name === undefined || name === caller.principal.name) {
      return this.#principalById(caller.principal.id);
    }
    const change = { action: use.action, resource: `principal:${name}` };
    await this.#access.requireManage(
      caller,
      change,
      `${use.doing} other principals`,
      use.adminOnly,
    );
    return this.#principalByName(name);
  }

  /** One transaction with the policy-version bump; then this process's cache and the audit. */
  async #commit<T>(
    caller: Caller,
    change: { action: string; resource: string },
    apply: (tx: Repositories) => Promise<T>,
    describe?: (result: T) => string,
  ): Promise<T> {
    let result: T;
    try {
      result = await this.#metastore.transaction(async (tx) => {
        const value = await apply(tx);
        await tx.policyVersion.bump();
        return value;
      });
    } catch (err) {
      // Refused by a rule checked inside the transaction (last admin, still an owner,
      // a group cycle): the attempt is recorded like any other refusal.
      if (err instanceof Conflict) await this.#access.record(caller, change, 'deny', err.code);
      throw err;
    }
    this.#deps.authorizer.invalidate();
    await this.#access.record(caller, change, 'allow', describe?.(result));
    return result;
  }

  async #principalById(id: string): Promise<PrincipalRecord> {
    const record = await this.#metastore.principals.get(id);
    if (!record) throw principalNotFound(id);
    return record;
  }

  async #principalByName(name: string): Promise<PrincipalRecord> {
    const record = await this.#metastore.principals.getByName(name);
    if (!record) throw principalNotFound(name);
    return record;
  }
}

async function groupByName(tx: Pick<Repositories, 'groups'>, name: string): Promise<GroupRecord> {
  const record = await tx.groups.getByName(name);
  if (!record) {
    throw new NotFound('GROUP_NOT_FOUND', `There is no group named ${name}.`, {
      hint: 'list groups with lakeward groups list',
    });
  }
  return record;
}

function principalNotFound(name: string): NotFound {
  return new NotFound('PRINCIPAL_NOT_FOUND', `There is no principal ${name}.`, {
    hint: 'list principals with lakeward principals list',
  });
}
