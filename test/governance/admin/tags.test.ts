import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AdminWorld } from './admin-fixture.js';
import {
  adminWorld,
  CATALOG,
  CUSTOMERS,
  GOLD,
  group,
  MONTHLY,
  openNamespaces,
  privilegeNames,
  rejection,
  REVENUE,
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

const keys = async () => {
  await w.admin.createTagKey(w.as.root, {
    key: 'sensitivity',
    allowedValues: ['public', 'internal', 'confidential'],
  });
  await w.admin.createTagKey(w.as.root, { key: 'domain', allowedValues: ['marketing', 'finance'] });
};

describe('tag keys', () => {
  it('are created by admins or MANAGE_GRANTS on the catalog, and audited', async () => {
    const denied = await rejection(
      w.admin.createTagKey(w.as.alice, { key: 'pii', allowedValues: ['yes'] }),
    );
    expect(denied.code).toBe('PERMISSION_DENIED');
    expect(denied.message).toContain('MANAGE_GRANTS on the catalog');
    expect(w.audit.last()).toMatchObject({
      action: 'tag_key.create',
      decision: 'deny',
      resource: 'tag_key:pii',
    });
    await w.admin.grant(w.as.root, {
      privileges: ['MANAGE_GRANTS'],
      securable: CATALOG,
      grantee: user('alice'),
    });
    const info = await w.admin.createTagKey(w.as.alice, {
      key: 'pii',
      allowedValues: ['yes', 'no', 'yes'],
      description: 'personal data',
    });
    expect(info).toMatchObject({
      key: 'pii',
      allowedValues: ['yes', 'no'],
      description: 'personal data',
      createdBy: 'alice',
    });
    expect(w.audit.last()).toMatchObject({ action: 'tag_key.create', decision: 'allow' });
    expect((await w.admin.listTagKeys(w.as.bob)).map((k) => k.key)).toEqual(['pii']);
  });

  it('checks names, value counts and duplicates', async () => {
    const create = (key: string, allowedValues: string[]) =>
      rejection(w.admin.createTagKey(w.as.root, { key, allowedValues }));
    expect((await create('bad key', ['x'])).code).toBe('INVALID_TAG_KEY');
    expect((await create('ok', ['fine', 'not fine'])).code).toBe('INVALID_TAG_VALUE');
    expect((await create('ok', [])).code).toBe('INVALID_TAG_VALUE');
    const many = Array.from({ length: 51 }, (_, i) => `v${i}`);
    const tooMany = await create('ok', many);
    expect(tooMany.code).toBe('TOO_MANY_TAG_VALUES');
    expect(tooMany.message).toContain('at most 50');
    await w.admin.createTagKey(w.as.root, { key: 'ok.key-1', allowedValues: many.slice(0, 50) });
    expect((await create('ok.key-1', ['x'])).code).toBe('TAG_KEY_ALREADY_EXISTS');
  });

  it('gain and lose values, refusing to remove a value still assigned', async () => {
    await keys();
    const updated = await w.admin.updateTagKey(w.as.root, 'domain', {
      addValues: ['sales'],
      removeValues: ['finance'],
    });
    expect(updated.allowedValues).toEqual(['marketing', 'sales']);
    await w.admin.assignTag(w.as.root, MONTHLY, 'domain', 'sales');
    const err = await rejection(
      w.admin.updateTagKey(w.as.root, 'domain', { removeValues: ['sales'] }),
    );
    expect(err.code).toBe('TAG_VALUE_IN_USE');
    expect(err.hint).toContain('table gold.revenue.monthly');
    expect(
      (await rejection(w.admin.updateTagKey(w.as.root, 'nope', { addValues: ['x'] }))).code,
    ).toBe('TAG_KEY_NOT_FOUND');
  });

  it('cannot be deleted while a tag policy uses them; the hint names the policy', async () => {
    await keys();
    const policy = await w.admin.createTagPolicy(w.as.root, {
      expression: 'domain=marketing',
      privileges: ['SELECT'],
      grantee: group('marketing_team'),
    });
    const err = await rejection(w.admin.deleteTagKey(w.as.root, 'domain'));
    expect(err).toMatchObject({ code: 'TAG_KEY_IN_USE', kind: 'conflict' });
    expect(err.hint).toContain(policy.id);
    await w.admin.deleteTagPolicy(w.as.root, policy.id);
    await w.admin.assignTag(w.as.root, MONTHLY, 'domain', 'marketing');
    await w.admin.deleteTagKey(w.as.root, 'domain');
    expect((await w.admin.listTagKeys(w.as.root)).map((k) => k.key)).toEqual(['sensitivity']);
    expect(await w.admin.listTags(w.as.root, MONTHLY)).toEqual([]);
  });
});

describe('tag assignments', () => {
  it('accept only allowed values, listing them when refusing', async () => {
    await keys();
    const err = await rejection(w.admin.assignTag(w.as.root, MONTHLY, 'sensitivity', 'secret'));
    expect(err).toMatchObject({ code: 'TAG_VALUE_NOT_ALLOWED', kind: 'invalid' });
    expect(err.hint).toContain('public, internal, confidential');
    expect((await rejection(w.admin.assignTag(w.as.root, MONTHLY, 'colour', 'red'))).code).toBe(
      'TAG_KEY_NOT_FOUND',
    );
    expect((await rejection(w.admin.assignTag(w.as.root, CATALOG, 'domain', 'finance'))).code).toBe(
      'TAG_NOT_APPLICABLE',
    );
  });

  it('hold one value per key per securable', async () => {
    await keys();
    await w.admin.assignTag(w.as.root, MONTHLY, 'sensitivity', 'public');
    const info = await w.admin.assignTag(w.as.root, MONTHLY, 'sensitivity', 'internal');
    expect(info).toEqual({
      securable: MONTHLY,
      key: 'sensitivity',
      value: 'internal',
      inheritedFrom: null,
    });
    expect(await w.admin.listTags(w.as.root, MONTHLY)).toEqual([info]);
    expect(w.audit.last()).toMatchObject({ action: 'tag.assign', reason: 'sensitivity=internal' });
    await w.admin.unassignTag(w.as.root, MONTHLY, 'sensitivity');
    expect(await w.admin.listTags(w.as.root, MONTHLY)).toEqual([]);
  });

  it('need APPLY_TAG (or ownership)', async () => {
    await keys();
    await w.admin.grant(w.as.root, {
      privileges: ['SELECT'],
      securable: MONTHLY,
      grantee: user('alice'),
    });
    const err = await rejection(w.admin.assignTag(w.as.alice, MONTHLY, 'domain', 'finance'));
    expect(err.code).toBe('PERMISSION_DENIED');
    expect(w.audit.last()).toMatchObject({ action: 'tag.assign', decision: 'deny' });
    expect(
      (await rejection(w.admin.assignTag(w.as.carol, MONTHLY, 'domain', 'finance'))).code,
    ).toBe('TABLE_NOT_FOUND');
    await w.admin.grant(w.as.root, {
      privileges: ['APPLY_TAG'],
      securable: REVENUE,
      grantee: user('alice'),
    });
    await w.admin.assignTag(w.as.alice, MONTHLY, 'domain', 'finance');
    await w.admin.recordOwner(CUSTOMERS, user('carol'), 'carol');
    await w.admin.assignTag(w.as.carol, CUSTOMERS, 'domain', 'marketing');
  });

  it('under a tag policy on the key, also need the right to grant what the policy grants', async () => {
    await keys();
    await w.admin.createTagPolicy(w.as.root, {
      expression: 'sensitivity IN (public, internal)',
      privileges: ['SELECT'],
      grantee: group('marketing_team'),
    });
    await w.admin.assignTag(w.as.root, GOLD, 'sensitivity', 'internal');
    const amount = { kind: 'column' as const, path: [...MONTHLY.path, 'amount'] };
    await w.admin.assignTag(w.as.root, amount, 'sensitivity', 'confidential');
    // bob (in marketing_team) may apply tags in gold.revenue, nothing more.
    await w.admin.grant(w.as.root, {
      privileges: ['APPLY_TAG'],
      securable: REVENUE,
      grantee: user('bob'),
    });
    const canRead = async () =>
      (await w.authorizer.decide(w.as.bob.principal, 'SELECT', amount)).allowed;
    expect(await canRead()).toBe(false);

    // Tagging into the policy, overriding the restrictive tag, or removing it: all refused.
    for (const attempt of [
      w.admin.assignTag(w.as.bob, amount, 'sensitivity', 'public'),
      w.admin.unassignTag(w.as.bob, amount, 'sensitivity'),
      w.admin.assignTag(w.as.bob, MONTHLY, 'sensitivity', 'public'),
    ]) {
      const err = await rejection(attempt);
      expect(err.code).toBe('PERMISSION_DENIED');
      expect(err.message).toContain('tag policy "sensitivity IN (public, internal)" grants SELECT');
    }
    expect(w.audit.last()).toMatchObject({ action: 'tag.assign', decision: 'deny' });
    expect(await canRead()).toBe(false);
    // A key no policy mentions still takes APPLY_TAG alone.
    await w.admin.assignTag(w.as.bob, MONTHLY, 'domain', 'finance');

    // Whoever could grant SELECT there anyway may: MANAGE_GRANTS with APPLY_TAG, an owner, an admin.
    await w.admin.grant(w.as.root, {
      privileges: ['APPLY_TAG', 'MANAGE_GRANTS'],
      securable: MONTHLY,
      grantee: user('alice'),
    });
    await w.admin.assignTag(w.as.alice, amount, 'sensitivity', 'public');
    await w.admin.recordOwner(CUSTOMERS, user('carol'), 'root');
    await w.admin.assignTag(w.as.carol, CUSTOMERS, 'sensitivity', 'public');
    await w.admin.unassignTag(w.as.carol, CUSTOMERS, 'sensitivity');
    await w.admin.unassignTag(w.as.root, amount, 'sensitivity');
    expect(await w.admin.listTags(w.as.root, amount)).toContainEqual({
      securable: amount,
      key: 'sensitivity',
      value: 'internal',
      inheritedFrom: GOLD,
    });
  });

  it('are inherited namespace -> table -> column, the nearest winning', async () => {
    await keys();
    const region = { kind: 'column' as const, path: [...MONTHLY.path, 'region'] };
    await w.admin.assignTag(w.as.root, GOLD, 'sensitivity', 'internal');
    await w.admin.assignTag(w.as.root, REVENUE, 'domain', 'finance');
    await w.admin.assignTag(w.as.root, MONTHLY, 'sensitivity', 'confidential');
    expect(await w.admin.listTags(w.as.root, region)).toEqual([
      { securable: region, key: 'domain', value: 'finance', inheritedFrom: REVENUE },
      { securable: region, key: 'sensitivity', value: 'confidential', inheritedFrom: MONTHLY },
    ]);
    await w.admin.assignTag(w.as.root, region, 'sensitivity', 'public');
    expect(await w.admin.listTags(w.as.root, region)).toContainEqual({
      securable: region,
      key: 'sensitivity',
      value: 'public',
      inheritedFrom: null,
    });
    expect(await w.admin.listTags(w.as.root, MONTHLY)).toContainEqual({
      securable: MONTHLY,
      key: 'domain',
      value: 'finance',
      inheritedFrom: REVENUE,
    });
  });

  it('are listed only where the caller may DESCRIBE', async () => {
    await keys();
    await w.admin.assignTag(w.as.root, MONTHLY, 'domain', 'finance');
    await w.admin.assignTag(w.as.root, CUSTOMERS, 'domain', 'marketing');
    expect(await w.admin.listTags(w.as.root)).toHaveLength(2);
    await w.admin.grant(w.as.root, {
      privileges: ['DESCRIBE'],
      securable: MONTHLY,
      grantee: user('bob'),
    });
    expect((await w.admin.listTags(w.as.bob)).map((t) => t.securable)).toEqual([MONTHLY]);
    expect(await w.admin.listTags(w.as.carol)).toEqual([]);
    expect((await rejection(w.admin.listTags(w.as.bob, CUSTOMERS))).code).toBe('TABLE_NOT_FOUND');
  });
});

describe('tag policies', () => {
  it('check the expression, its keys and values, and the privileges', async () => {
    await keys();
    const create = (expression: string, privileges: ('SELECT' | 'READ_AUDIT')[] = ['SELECT']) =>
      rejection(
        w.admin.createTagPolicy(w.as.root, {
          expression,
          privileges,
          grantee: group('marketing_team'),
        }),
      );
    expect((await create('domain = ')).code).toBe('TAG_EXPRESSION_INVALID');
    const unknownKey = await create('colour=red');
    expect(unknownKey.code).toBe('TAG_EXPRESSION_INVALID');
    expect(unknownKey.hint).toContain('domain');
    const badValue = await create('domain IN (marketing, legal)');
    expect(badValue.code).toBe('TAG_VALUE_NOT_ALLOWED');
    expect(badValue.hint).toContain('marketing, finance');
    expect((await create('domain=marketing', ['READ_AUDIT'])).code).toBe(
      'PRIVILEGE_NOT_APPLICABLE',
    );
    expect(
      (
        await rejection(
          w.admin.createTagPolicy(w.as.root, {
            expression: 'domain=marketing',
            privileges: ['SELECT'],
            grantee: group('ghosts'),
          }),
        )
      ).code,
    ).toBe('GRANTEE_NOT_FOUND');
  });

  it('grant on everything whose tags match, including what is tagged later', async () => {
    await keys();
    const policy = await w.admin.createTagPolicy(w.as.root, {
      expression: 'domain=marketing AND sensitivity IN (public, internal)',
      privileges: ['SELECT'],
      grantee: group('marketing_team'),
    });
    expect(w.audit.last()).toMatchObject({
      action: 'tag_policy.create',
      resource: `tag_policy:${policy.id}`,
    });
    expect((await w.authorizer.decide(w.as.bob.principal, 'SELECT', MONTHLY)).allowed).toBe(false);
    await w.admin.assignTag(w.as.root, REVENUE, 'domain', 'marketing');
    await w.admin.assignTag(w.as.root, MONTHLY, 'sensitivity', 'internal');
    expect((await w.authorizer.decide(w.as.bob.principal, 'SELECT', MONTHLY)).allowed).toBe(true);
    await w.admin.deleteTagPolicy(w.as.root, policy.id);
    expect((await w.authorizer.decide(w.as.bob.principal, 'SELECT', MONTHLY)).allowed).toBe(false);
    expect((await rejection(w.admin.deleteTagPolicy(w.as.root, policy.id))).code).toBe(
      'TAG_POLICY_NOT_FOUND',
    );
  });

  it('need MANAGE_GRANTS on the catalog; others list only the policies that grant to them', async () => {
    await keys();
    const mine = await w.admin.createTagPolicy(w.as.root, {
      expression: 'domain=marketing',
      privileges: privilegeNames(['select']),
      grantee: group('marketing_team'),
    });
    expect(mine.privileges).toEqual(['SELECT']);
    await w.admin.createTagPolicy(w.as.root, {
      expression: 'domain=finance',
      privileges: ['SELECT'],
      grantee: user('alice'),
    });
    const denied = await rejection(
      w.admin.createTagPolicy(w.as.bob, {
        expression: 'domain=finance',
        privileges: ['SELECT'],
        grantee: user('bob'),
      }),
    );
    expect(denied.code).toBe('PERMISSION_DENIED');
    expect((await rejection(w.admin.deleteTagPolicy(w.as.bob, mine.id))).code).toBe(
      'PERMISSION_DENIED',
    );
    expect(await w.admin.listTagPolicies(w.as.root)).toHaveLength(2);
    expect((await w.admin.listTagPolicies(w.as.bob)).map((p) => p.id)).toEqual([mine.id]);
    expect(await w.admin.listTagPolicies(w.as.carol)).toEqual([]);
  });
});
