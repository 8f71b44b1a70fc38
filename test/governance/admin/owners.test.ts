import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AdminWorld } from './admin-fixture.js';
import {
  adminWorld,
  CUSTOMERS,
  GOLD,
  group,
  MONTHLY,
  openNamespaces,
  rejection,
  user,
} from './admin-fixture.js';

let w: AdminWorld;

beforeEach(async () => {
  w = await adminWorld();
  await openNamespaces(w);
});

afterEach(async () => {
  await w.close();
});

const ownersOf = async (securable: typeof MONTHLY) =>
  (await w.admin.listGrants(w.as.root, { securable }))
    .filter((g) => g.privilege === 'OWNER')
    .map((g) => g.grantee);

describe('owners', () => {
  it('records the creator as owner without a check, and the owner may grant', async () => {
    await w.admin.recordOwner(MONTHLY, user('alice'), 'alice');
    expect(await ownersOf(MONTHLY)).toEqual([user('alice')]);
    await w.admin.grant(w.as.alice, {
      privileges: ['SELECT'],
      securable: MONTHLY,
      grantee: user('bob'),
    });
    expect((await w.authorizer.decide(w.as.bob.principal, 'SELECT', MONTHLY)).allowed).toBe(true);
  });

  it('lets the owner hand ownership on, replacing the previous owner', async () => {
    await w.admin.recordOwner(MONTHLY, user('alice'), 'alice');
    await w.admin.setOwner(w.as.alice, MONTHLY, group('marketing_team'));
    expect(await ownersOf(MONTHLY)).toEqual([group('marketing_team')]);
    expect(w.audit.last()).toMatchObject({
      action: 'owner.set',
      decision: 'allow',
      resource: 'table:gold.revenue.monthly',
      reason: 'owner is now group marketing_team',
    });
    // alice no longer owns it; bob does, through marketing_team.
    const denied = await rejection(w.admin.setOwner(w.as.alice, MONTHLY, user('alice')));
    expect(denied.code).toBe('TABLE_NOT_FOUND');
    await w.admin.setOwner(w.as.bob, MONTHLY, user('carol'));
    expect(await ownersOf(MONTHLY)).toEqual([user('carol')]);
  });

  it('lets the owner of a namespace set the owner of what is inside, but not MANAGE_GRANTS holders', async () => {
    await w.admin.recordOwner(GOLD, user('alice'), 'root');
    await w.admin.setOwner(w.as.alice, MONTHLY, user('bob'));
    expect(await ownersOf(MONTHLY)).toEqual([user('bob')]);
    await w.admin.grant(w.as.root, {
      privileges: ['MANAGE_GRANTS'],
      securable: CUSTOMERS,
      grantee: user('carol'),
    });
    const err = await rejection(w.admin.setOwner(w.as.carol, CUSTOMERS, user('carol')));
    expect(err.code).toBe('PERMISSION_DENIED');
    expect(w.audit.last()).toMatchObject({
      action: 'owner.set',
      decision: 'deny',
      principal: { name: 'carol' },
    });
  });

  it('lets an admin set any owner, refusing unknown owners and missing securables', async () => {
    await w.admin.setOwner(w.as.root, CUSTOMERS, user('bob'));
    expect(await ownersOf(CUSTOMERS)).toEqual([user('bob')]);
    expect((await rejection(w.admin.setOwner(w.as.root, CUSTOMERS, user('nobody')))).code).toBe(
      'GRANTEE_NOT_FOUND',
    );
    const missing = { kind: 'table' as const, path: ['gold', 'revenue', 'nope'] };
    expect((await rejection(w.admin.setOwner(w.as.root, missing, user('bob')))).code).toBe(
      'TABLE_NOT_FOUND',
    );
  });
});

describe('catalog hooks', () => {
  it('moves grants with a rename and removes them with a drop, bumping the version', async () => {
    await w.admin.grant(w.as.root, {
      privileges: ['SELECT'],
      securable: MONTHLY,
      grantee: user('bob'),
    });
    await w.admin.recordOwner(MONTHLY, user('alice'), 'alice');
    const v0 = await w.metastore.policyVersion.current();
    await w.admin.renamed(['gold', 'revenue'], ['gold', 'sales']);
    const moved = (await w.metastore.grants.list()).filter((g) => g.securable.kind === 'table');
    expect(moved.map((g) => g.securable.path)).toEqual([
      ['gold', 'sales', 'monthly'],
      ['gold', 'sales', 'monthly'],
    ]);
    const v1 = await w.metastore.policyVersion.current();
    expect(v1).toBeGreaterThan(v0);
    await w.admin.dropped(['gold', 'sales', 'monthly']);
    expect((await w.metastore.grants.list()).filter((g) => g.securable.kind === 'table')).toEqual(
      [],
    );
    expect(await w.metastore.policyVersion.current()).toBeGreaterThan(v1);
  });
});
