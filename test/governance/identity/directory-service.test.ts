import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  AuditEventInput,
  Caller,
  Decision,
  Principal,
  Privilege,
  Securable,
} from '../../../src/governance/contract.js';
import { ALL_USERS_GROUP } from '../../../src/governance/contract.js';
import { DirectoryService } from '../../../src/governance/identity/directory-service.js';
import { TokenAuthenticator } from '../../../src/governance/identity/token-authenticator.js';
import {
  openMetastore,
  type Metastore,
  type SecurableRecord,
} from '../../../src/metastore/index.js';
import { failure } from '../../failure.js';

/**
 * The rule these tests need from an authorizer: admins, plus the principals named in
 * `managers`, hold MANAGE_GRANTS on the catalog; groups resolve through the metastore.
 */
class AdminRule {
  readonly managers = new Set<string>();
  invalidations = 0;

  constructor(private readonly metastore: Metastore) {}

  async decide(
    principal: Principal,
    privilege: Privilege,
    securable: Securable,
  ): Promise<Decision> {
    const allowed = principal.isAdmin || this.managers.has(principal.name);
    const reason = allowed ? 'admin' : `${principal.name} has no ${privilege} on the catalog`;
    return { allowed, privilege, securable, reason, sources: [] };
  }

  async groupsOf(principal: Principal): Promise<string[]> {
    const memberships = await this.metastore.groups.listMemberships();
    const found = new Set([ALL_USERS_GROUP, ...(principal.externalGroups ?? [])]);
    const pending = memberships
      .filter((m) => m.member.kind === 'principal' && m.member.name === principal.name)
      .map((m) => m.groupName);
    for (let g = pending.pop(); g !== undefined; g = pending.pop()) {
      if (found.has(g)) continue;
      found.add(g);
      for (const m of memberships) {
        if (m.member.kind === 'group' && m.member.name === g) pending.push(m.groupName);
      }
    }
    return [...found].sort();
  }

  invalidate(): void {
    this.invalidations += 1;
  }
}

let dir: string;
let metastore: Metastore;
let auth: TokenAuthenticator;
let rule: AdminRule;
let events: AuditEventInput[];
let directory: DirectoryService;
let admin: Caller;

function callerFor(principal: Principal): Caller {
  return { principal, context: { channel: 'api' } };
}

/** Creates a principal through the directory and returns a caller acting as it. */
async function signedIn(name: string, isAdmin = false): Promise<Caller> {
  const info = await directory.createPrincipal(admin, { name, kind: 'user', isAdmin });
  return callerFor({ id: info.id, name, kind: 'user', isAdmin, authMethod: 'token' });
}

function lastEvent(): AuditEventInput {
  return events.at(-1)!;
}

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lakeward-directory-'));
  metastore = await openMetastore(`sqlite:${path.join(dir, 'metastore.db')}`);
  // A long cache: deleting a principal must not depend on the cache expiring.
  auth = new TokenAuthenticator(metastore, { cacheTtlMs: 3_600_000 });
  rule = new AdminRule(metastore);
  events = [];
  directory = new DirectoryService(metastore, {
    auth,
    authorizer: rule,
    audit: {
      record: async (input) => {
        events.push(input);
        return {} as never;
      },
    },
  });
  const { principal } = await auth.bootstrapAdmin();
  admin = callerFor(principal);
});

afterEach(async () => {
  await metastore.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('DirectoryService: principals and groups', () => {
  it('creates users and nested groups, and whoami shows direct and inherited groups', async () => {
    const alice = await signedIn('alice@example.com');
    await directory.createGroup(admin, { name: 'us_analysts', description: ' US team ' });
    await directory.createGroup(admin, { name: 'analysts' });
    await directory.addMember(admin, 'us_analysts', {
      kind: 'principal',
      name: 'alice@example.com',
    });
    const analysts = await directory.addMember(admin, 'analysts', {
      kind: 'group',
      name: 'us_analysts',
    });
    expect(analysts.members).toEqual([{ kind: 'group', name: 'us_analysts' }]);

    const me = await directory.whoami(alice);
    expect(me).toMatchObject({
      name: 'alice@example.com',
      kind: 'user',
      isAdmin: false,
      groups: ['us_analysts'],
      allGroups: ['all_users', 'analysts', 'us_analysts'],
      authMethod: 'token',
    });
    const groups = await directory.listGroups(alice);
    expect(groups.map((g) => [g.name, g.description])).toEqual([
      ['analysts', null],
      ['us_analysts', 'US team'],
    ]);
    expect((await directory.listPrincipals(alice)).map((p) => p.name)).toEqual([
      'admin',
      'alice@example.com',
    ]);
  });

  it('audits every change, bumps the policy version and drops the cached policy', async () => {
    const before = await metastore.policyVersion.current();
    await signedIn('bob');
    await directory.createGroup(admin, { name: 'team' });
    await directory.addMember(admin, 'team', { kind: 'principal', name: 'bob' });
    await directory.removeMember(admin, 'team', { kind: 'principal', name: 'bob' });
    await directory.deleteGroup(admin, 'team');
    await directory.deletePrincipal(admin, 'bob');
    expect(events.map((e) => [e.action, e.resource, e.decision])).toEqual([
      ['principal.create', 'principal:bob', 'allow'],
      ['group.create', 'group:team', 'allow'],
      ['group.member.add', 'group:team', 'allow'],
      ['group.member.remove', 'group:team', 'allow'],
      ['group.delete', 'group:team', 'allow'],
      ['principal.delete', 'principal:bob', 'allow'],
    ]);
    expect(events.every((e) => e.caller === admin)).toBe(true);
    expect(await metastore.policyVersion.current()).toBe(before + 6);
    expect(rule.invalidations).toBe(6);
  });

  it('refuses callers without admin or MANAGE_GRANTS, auditing the refusal', async () => {
    const carol = await signedIn('carol');
    const err = await failure(directory.createPrincipal(carol, { name: 'dave', kind: 'user' }));
    expect(err.code).toBe('PERMISSION_DENIED');
    expect(err.hint).toContain('MANAGE_GRANTS on the catalog');
    expect(lastEvent()).toMatchObject({
      caller: carol,
      action: 'principal.create',
      resource: 'principal:dave',
      decision: 'deny',
      reason: 'carol has no MANAGE_GRANTS on the catalog',
    });
    expect(await metastore.principals.getByName('dave')).toBeUndefined();
    expect((await failure(directory.createGroup(carol, { name: 'mine' }))).code).toBe(
      'PERMISSION_DENIED',
    );
    expect((await failure(directory.deletePrincipal(carol, 'admin'))).code).toBe(
      'PERMISSION_DENIED',
    );
    expect(await metastore.principals.getByName('admin')).toBeDefined();
  });

  it('lets a MANAGE_GRANTS holder manage principals, but only an admin hands out admin rights', async () => {
    const mallory = await signedIn('mallory');
    rule.managers.add('mallory');
    await expect(
      directory.createPrincipal(mallory, { name: 'svc_etl', kind: 'service' }),
    ).resolves.toMatchObject({ name: 'svc_etl', kind: 'service', isAdmin: false });
    const asAdmin = await failure(
      directory.createPrincipal(mallory, { name: 'root2', kind: 'user', isAdmin: true }),
    );
    expect(asAdmin.code).toBe('PERMISSION_DENIED');
    expect(lastEvent()).toMatchObject({
      decision: 'deny',
      reason: 'only an admin may create an admin',
    });
    const adminToken = await failure(
      directory.issueToken(mallory, { principal: 'admin', name: 'stolen' }),
    );
    expect(adminToken.code).toBe('PERMISSION_DENIED');
    expect(await auth.listTokens(admin.principal.id)).toHaveLength(1);
    expect((await failure(directory.deletePrincipal(mallory, 'admin'))).code).toBe(
      'PERMISSION_DENIED',
    );
  });

  it('accepts lower-case and e-mail-like names and refuses others with a fix', async () => {
    const upper = await failure(directory.createPrincipal(admin, { name: 'Alice', kind: 'user' }));
    expect(upper.code).toBe('INVALID_NAME');
    expect(upper.hint).toContain('"alice"');
    expect((await failure(directory.createGroup(admin, { name: 'two words' }))).code).toBe(
      'INVALID_NAME',
    );
    expect((await failure(directory.createGroup(admin, { name: '' }))).code).toBe('INVALID_NAME');
    await expect(
      directory.createPrincipal(admin, { name: 'first.last-2@corp.example', kind: 'user' }),
    ).resolves.toMatchObject({ name: 'first.last-2@corp.example' });
    const dup = await failure(directory.createPrincipal(admin, { name: 'admin', kind: 'user' }));
    expect(dup.code).toBe('PRINCIPAL_ALREADY_EXISTS');
  });

  it('keeps all_users reserved', async () => {
    await directory.createGroup(admin, { name: 'team' });
    const attempts = [
      directory.createGroup(admin, { name: ALL_USERS_GROUP }),
      directory.createPrincipal(admin, { name: ALL_USERS_GROUP, kind: 'user' }),
      directory.deleteGroup(admin, ALL_USERS_GROUP),
      directory.addMember(admin, ALL_USERS_GROUP, { kind: 'principal', name: 'admin' }),
      directory.addMember(admin, 'team', { kind: 'group', name: ALL_USERS_GROUP }),
    ];
    for (const attempt of attempts) expect((await failure(attempt)).code).toBe('RESERVED_NAME');
  });

  it('refuses a membership that would make a cycle of groups, naming it', async () => {
    for (const name of ['a', 'b', 'c']) await directory.createGroup(admin, { name });
    await directory.addMember(admin, 'a', { kind: 'group', name: 'b' });
    await directory.addMember(admin, 'b', { kind: 'group', name: 'c' });
    const loop = await failure(directory.addMember(admin, 'c', { kind: 'group', name: 'a' }));
    expect(loop.code).toBe('GROUP_CYCLE');
    expect(loop.message).toContain('c ⊃ a ⊃ b ⊃ c');
    const self = await failure(directory.addMember(admin, 'a', { kind: 'group', name: 'a' }));
    expect(self.code).toBe('GROUP_CYCLE');
    expect(self.hint).toContain('cannot contain itself');
    // Diamonds are fine: a ⊃ c directly and through b.
    await directory.addMember(admin, 'a', { kind: 'group', name: 'c' });
    const unknown = await failure(
      directory.addMember(admin, 'a', { kind: 'principal', name: 'x' }),
    );
    expect(unknown.code).toBe('PRINCIPAL_NOT_FOUND');
    const noGroup = await failure(directory.addMember(admin, 'zzz', { kind: 'group', name: 'a' }));
    expect(noGroup.code).toBe('GROUP_NOT_FOUND');
  });
});

describe('DirectoryService: deleting', () => {
  const gold: SecurableRecord = { kind: 'table', path: ['gold', 'revenue', 'monthly'] };

  async function giveEverything(grantee: { kind: 'principal' | 'group'; name: string }) {
    await metastore.grants.upsert({
      securable: gold,
      privilege: 'SELECT',
      grantee,
      withGrantOption: false,
      grantedBy: 'admin',
    });
    await metastore.grants.upsert({
      securable: gold,
      privilege: 'OWNER',
      grantee,
      withGrantOption: false,
      grantedBy: 'admin',
    });
    await metastore.tags.createPolicy({
      expression: 'domain=marketing',
      privileges: ['SELECT'],
      grantee,
      withGrantOption: false,
      createdBy: 'admin',
    });
    const other = { kind: 'group' as const, name: 'keepers' };
    await metastore.dataPolicies.createFilter({
      name: 'us_only',
      table: gold.path,
      rowPredicate: "region = 'US'",
      columnMode: 'all',
      columns: [],
      grantees: [grantee, other],
      createdBy: 'admin',
    });
    await metastore.dataPolicies.setMask({
      table: gold.path,
      column: 'ssn',
      function: 'MASK',
      expression: null,
      exempt: [grantee, other],
      createdBy: 'admin',
    });
  }

  async function leftFor(grantee: { kind: 'principal' | 'group'; name: string }) {
    const mentions = (list: { kind: string; name: string }[]) =>
      list.some((g) => g.kind === grantee.kind && g.name === grantee.name);
    const grants = (await metastore.grants.list()).filter((g) => mentions([g.grantee]));
    return {
      grants: grants.map((g) => g.privilege),
      tagPolicies: (await metastore.tags.listPolicies()).filter((p) => mentions([p.grantee]))
        .length,
      filters: (await metastore.dataPolicies.listFilters()).map((f) =>
        f.grantees.map((g) => g.name),
      ),
      masks: (await metastore.dataPolicies.listMasks()).map((m) => m.exempt.map((g) => g.name)),
    };
  }

  /** What `lakeward owner set` does for these tests: ownership moves to the admin. */
  async function reassignOwnership(from: { kind: 'principal' | 'group'; name: string }) {
    for (const g of await metastore.grants.list()) {
      if (g.privilege !== 'OWNER' || g.grantee.kind !== from.kind || g.grantee.name !== from.name)
        continue;
      await metastore.grants.delete(g.id);
      await metastore.grants.upsert({
        securable: g.securable,
        privilege: 'OWNER',
        grantee: { kind: 'principal', name: 'admin' },
        withGrantOption: false,
        grantedBy: 'admin',
      });
    }
  }

  it('refuses to delete a principal that still owns something, changing nothing', async () => {
    const erin = await signedIn('erin');
    const token = await directory.issueToken(erin, { name: 'laptop' });
    await giveEverything({ kind: 'principal', name: 'erin' });
    const before = await leftFor({ kind: 'principal', name: 'erin' });

    const err = await failure(directory.deletePrincipal(admin, 'erin'));
    expect(err).toMatchObject({ code: 'PRINCIPAL_OWNS_OBJECTS', kind: 'conflict' });
    expect(err.message).toContain('erin still owns table gold.revenue.monthly');
    expect(err.hint).toContain('lakeward owner set table gold.revenue.monthly user');
    // Nothing happened: the name (and what it owns) cannot pass to a new erin.
    expect(await metastore.principals.getByName('erin')).toBeDefined();
    expect(await leftFor({ kind: 'principal', name: 'erin' })).toEqual(before);
    await expect(auth.authenticate(token.token)).resolves.toMatchObject({ name: 'erin' });
    expect(lastEvent()).toMatchObject({
      action: 'principal.delete',
      resource: 'principal:erin',
      decision: 'deny',
      reason: 'PRINCIPAL_OWNS_OBJECTS',
    });
  });

  it('names at most ten owned securables and counts the rest', async () => {
    await signedIn('ivy');
    for (let i = 0; i < 12; i += 1) {
      await metastore.grants.upsert({
        securable: { kind: 'table', path: ['gold', `t${String(i).padStart(2, '0')}`] },
        privilege: 'OWNER',
        grantee: { kind: 'principal', name: 'ivy' },
        withGrantOption: false,
        grantedBy: 'admin',
      });
    }
    const err = await failure(directory.deletePrincipal(admin, 'ivy'));
    expect(err.code).toBe('PRINCIPAL_OWNS_OBJECTS');
    expect(err.message.match(/table gold\.t\d\d/g)).toHaveLength(10);
    expect(err.message).toContain('and 2 more');
  });

  it('a deleted principal loses tokens at once, memberships and grants', async () => {
    const erin = await signedIn('erin');
    const token = await directory.issueToken(erin, { name: 'laptop' });
    await expect(auth.authenticate(token.token)).resolves.toMatchObject({ name: 'erin' });
    await directory.createGroup(admin, { name: 'team' });
    await directory.addMember(admin, 'team', { kind: 'principal', name: 'erin' });
    await giveEverything({ kind: 'principal', name: 'erin' });
    await reassignOwnership({ kind: 'principal', name: 'erin' });

    await directory.deletePrincipal(admin, 'erin');

    // Verified a moment ago and still in the (hour-long) cache: refused anyway.
    expect((await failure(auth.authenticate(token.token))).code).toBe('INVALID_TOKEN');
    expect(await leftFor({ kind: 'principal', name: 'erin' })).toEqual({
      grants: [],
      tagPolicies: 0,
      filters: [['keepers']],
      masks: [['keepers']],
    });
    expect(lastEvent().reason).toBe('removed 2 grant(s), 1 filter grant(s), 1 mask exemption(s)');
    // A new principal with the same name starts with nothing of the old one's.
    const again = await signedIn('erin');
    expect((await directory.whoami(again)).groups).toEqual([]);
    expect((await directory.listGroups(admin))[0]!.members).toEqual([]);
  });

  it('never deletes the last admin', async () => {
    const err = await failure(directory.deletePrincipal(admin, 'admin'));
    expect(err.code).toBe('LAST_ADMIN');
    expect(err.hint).toContain('another admin');
    expect(lastEvent()).toMatchObject({ decision: 'deny', reason: 'LAST_ADMIN' });
    await signedIn('root2', true);
    await directory.deletePrincipal(admin, 'admin');
    expect(await metastore.principals.getByName('admin')).toBeUndefined();
    expect((await failure(directory.deletePrincipal(admin, 'nobody'))).code).toBe(
      'PRINCIPAL_NOT_FOUND',
    );
  });

  it('a deleted group leaves no grants, filter grants, exemptions or memberships behind', async () => {
    await directory.createGroup(admin, { name: 'marketing_team' });
    await directory.createGroup(admin, { name: 'everyone_in_sales' });
    await directory.addMember(admin, 'everyone_in_sales', {
      kind: 'group',
      name: 'marketing_team',
    });
    await giveEverything({ kind: 'group', name: 'marketing_team' });
    const owns = await failure(directory.deleteGroup(admin, 'marketing_team'));
    expect(owns.code).toBe('PRINCIPAL_OWNS_OBJECTS');
    expect(owns.message).toContain('Group marketing_team still owns table gold.revenue.monthly');
    expect((await directory.listGroups(admin)).map((g) => g.name)).toContain('marketing_team');

    await reassignOwnership({ kind: 'group', name: 'marketing_team' });
    await directory.deleteGroup(admin, 'marketing_team');
    expect(await leftFor({ kind: 'group', name: 'marketing_team' })).toEqual({
      grants: [],
      tagPolicies: 0,
      filters: [['keepers']],
      masks: [['keepers']],
    });
    expect(await metastore.groups.listMemberships()).toEqual([]);
    expect((await failure(directory.deleteGroup(admin, 'marketing_team'))).code).toBe(
      'GROUP_NOT_FOUND',
    );
  });
});

describe('DirectoryService: tokens', () => {
  it('a principal issues, lists and revokes its own tokens', async () => {
    const frank = await signedIn('frank');
    const issued = await directory.issueToken(frank, {
      name: ' ci ',
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    expect(issued.name).toBe('ci');
    await expect(auth.authenticate(issued.token)).resolves.toMatchObject({ name: 'frank' });
    expect(lastEvent()).toMatchObject({ action: 'token.issue', resource: `token:${issued.id}` });
    expect((await directory.listTokens(frank)).map((t) => t.name)).toEqual(['ci']);
    await directory.revokeToken(frank, issued.id);
    expect((await failure(auth.authenticate(issued.token))).code).toBe('TOKEN_REVOKED');
    expect(lastEvent()).toMatchObject({ action: 'token.revoke', decision: 'allow' });
  });

  it("refuses another principal's tokens without the admin right; an admin may", async () => {
    const gina = await signedIn('gina');
    const hank = await signedIn('hank');
    const token = await directory.issueToken(gina, { name: 'laptop' });
    for (const attempt of [
      directory.listTokens(hank, 'gina'),
      directory.issueToken(hank, { principal: 'gina', name: 'x' }),
      directory.revokeToken(hank, token.id),
    ]) {
      expect((await failure(attempt)).code).toBe('PERMISSION_DENIED');
      expect(lastEvent()).toMatchObject({ caller: hank, decision: 'deny' });
    }
    await expect(auth.authenticate(token.token)).resolves.toMatchObject({ name: 'gina' });
    expect((await directory.listTokens(admin, 'gina')).map((t) => t.id)).toEqual([token.id]);
    const forGina = await directory.issueToken(admin, { principal: 'gina', name: 'ci' });
    await expect(auth.authenticate(forGina.token)).resolves.toMatchObject({ name: 'gina' });
    await directory.revokeToken(admin, token.id);
    expect((await failure(auth.authenticate(token.token))).code).toBe('TOKEN_REVOKED');
  });

  it('lets MANAGE_GRANTS list but not issue or revoke tokens of others (that would be impersonation)', async () => {
    const gina = await signedIn('gina');
    const manager = await signedIn('manager');
    rule.managers.add('manager');
    const token = await directory.issueToken(gina, { name: 'laptop' });
    expect((await directory.listTokens(manager, 'gina')).map((t) => t.id)).toEqual([token.id]);
    for (const attempt of [
      directory.issueToken(manager, { principal: 'gina', name: 'mine-now' }),
      directory.revokeToken(manager, token.id),
    ]) {
      const err = await failure(attempt);
      expect(err.code).toBe('PERMISSION_DENIED');
      expect(err.hint).toBe('ask an admin to do it');
      expect(lastEvent()).toMatchObject({ caller: manager, decision: 'deny' });
    }
    expect((await directory.listTokens(admin, 'gina')).map((t) => t.name)).toEqual(['laptop']);
    await expect(auth.authenticate(token.token)).resolves.toMatchObject({ name: 'gina' });
  });

  it('checks token names and expiry, and says when a token does not exist', async () => {
    const past = await failure(
      directory.issueToken(admin, { name: 'old', expiresAt: new Date(Date.now() - 1000) }),
    );
    expect(past.code).toBe('INVALID_EXPIRY');
    expect((await failure(directory.issueToken(admin, { name: '  ' }))).code).toBe(
      'INVALID_TOKEN_NAME',
    );
    expect((await failure(directory.revokeToken(admin, 'f'.repeat(32)))).code).toBe(
      'TOKEN_NOT_FOUND',
    );
    expect((await failure(directory.listTokens(admin, 'ghost'))).code).toBe('PRINCIPAL_NOT_FOUND');
  });
});
