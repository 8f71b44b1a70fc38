import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AdminWorld } from './admin-fixture.js';
import {
  adminWorld,
  openNamespaces,
  privilegeNames,
  CATALOG,
  CUSTOMERS,
  GOLD,
  group,
  MONTHLY,
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

describe('grant', () => {
  it('grants, takes effect at once, bumps the policy version and is audited', async () => {
    const before = await w.metastore.policyVersion.current();
    expect((await w.authorizer.decide(w.as.bob.principal, 'SELECT', MONTHLY)).allowed).toBe(false);
    const [info] = await w.admin.grant(w.as.root, {
      privileges: ['SELECT'],
      securable: REVENUE,
      grantee: group('marketing_team'),
    });
    expect(info).toMatchObject({
      privilege: 'SELECT',
      securable: REVENUE,
      grantee: group('marketing_team'),
      grantedBy: 'root',
    });
    expect(await w.metastore.policyVersion.current()).toBeGreaterThan(before);
    // bob is in marketing_team; the namespace grant covers the table below it.
    expect((await w.authorizer.decide(w.as.bob.principal, 'SELECT', MONTHLY)).allowed).toBe(true);
    expect(w.audit.last()).toMatchObject({
      action: 'grant',
      resource: 'namespace:gold.revenue',
      decision: 'allow',
      reason: 'SELECT to group marketing_team',
      principal: { name: 'root' },
    });
  });

  it('accepts privilege names in any case and with spaces, stored canonically', async () => {
    const infos = await w.admin.grant(w.as.root, {
      privileges: privilegeNames(['select', 'create table', 'Usage']),
      securable: GOLD,
      grantee: user('alice'),
    });
    expect(infos.map((i) => i.privilege).sort()).toEqual(['CREATE_TABLE', 'SELECT', 'USAGE']);
    const err = await rejection(
      w.admin.grant(w.as.root, {
        privileges: privilegeNames(['ALL']),
        securable: GOLD,
        grantee: user('alice'),
      }),
    );
    expect(err).toMatchObject({ code: 'INVALID_PRIVILEGE', kind: 'invalid' });
    expect(err.hint).toContain('MANAGE_GRANTS');
  });

  it('refuses privileges that do not apply to the kind of securable, naming where they do', async () => {
    const onTable = await rejection(
      w.admin.grant(w.as.root, {
        privileges: ['CREATE_TABLE'],
        securable: MONTHLY,
        grantee: user('alice'),
      }),
    );
    expect(onTable.code).toBe('PRIVILEGE_NOT_APPLICABLE');
    expect(onTable.message).toContain('catalog, namespace');
    const audit = await rejection(
      w.admin.grant(w.as.root, {
        privileges: ['READ_AUDIT'],
        securable: GOLD,
        grantee: user('alice'),
      }),
    );
    expect(audit.message).toMatch(/applies to: catalog\.$/);
    const column = { kind: 'column' as const, path: [...CUSTOMERS.path, 'ssn'] };
    expect(
      (
        await rejection(
          w.admin.grant(w.as.root, {
            privileges: ['INSERT'],
            securable: column,
            grantee: user('alice'),
          }),
        )
      ).code,
    ).toBe('PRIVILEGE_NOT_APPLICABLE');
    const [ok] = await w.admin.grant(w.as.root, {
      privileges: ['SELECT'],
      securable: column,
      grantee: user('alice'),
    });
    expect(ok!.securable).toEqual(column);
    await w.admin.grant(w.as.root, {
      privileges: ['READ_AUDIT'],
      securable: CATALOG,
      grantee: user('alice'),
    });
  });

  it('refuses grants on missing securables with the codes the catalog uses', async () => {
    const grantOn = (securable: { kind: 'table' | 'namespace' | 'column'; path: string[] }) =>
      rejection(
        w.admin.grant(w.as.root, { privileges: ['SELECT'], securable, grantee: user('alice') }),
      );
    expect((await grantOn({ kind: 'table', path: ['gold', 'revenue', 'nope'] })).code).toBe(
      'TABLE_NOT_FOUND',
    );
    expect((await grantOn({ kind: 'namespace', path: ['silver'] })).code).toBe(
      'NAMESPACE_NOT_FOUND',
    );
    const column = await grantOn({ kind: 'column', path: [...MONTHLY.path, 'nope'] });
    expect(column.code).toBe('COLUMN_NOT_FOUND');
    expect(column.message).toContain('nope');
    expect((await grantOn({ kind: 'column', path: ['gold', 'revenue', 'nope', 'x'] })).code).toBe(
      'TABLE_NOT_FOUND',
    );
    expect(w.audit.events).toHaveLength(0);
  });

  it('refuses unknown grantees and accepts all_users', async () => {
    const err = await rejection(
      w.admin.grant(w.as.root, {
        privileges: ['SELECT'],
        securable: MONTHLY,
        grantee: group('nobody'),
      }),
    );
    expect(err).toMatchObject({ code: 'GRANTEE_NOT_FOUND', kind: 'not_found' });
    expect(err.hint).toContain('groups list');
    expect(
      (
        await rejection(
          w.admin.grant(w.as.root, {
            privileges: ['SELECT'],
            securable: MONTHLY,
            grantee: user('zed'),
          }),
        )
      ).code,
    ).toBe('GRANTEE_NOT_FOUND');
    await w.admin.grant(w.as.root, {
      privileges: ['DESCRIBE'],
      securable: MONTHLY,
      grantee: group('all_users'),
    });
    expect((await w.authorizer.decide(w.as.carol.principal, 'DESCRIBE', MONTHLY)).allowed).toBe(
      true,
    );
  });

  it('follows grant option chains: alice WITH GRANT OPTION may grant, bob without it may not', async () => {
    await w.admin.grant(w.as.root, {
      privileges: ['SELECT'],
      securable: MONTHLY,
      grantee: user('alice'),
      withGrantOption: true,
    });
    const [toBob] = await w.admin.grant(w.as.alice, {
      privileges: ['SELECT'],
      securable: MONTHLY,
      grantee: user('bob'),
    });
    expect(toBob).toMatchObject({ grantedBy: 'alice', withGrantOption: false });
    expect((await w.authorizer.decide(w.as.bob.principal, 'SELECT', MONTHLY)).allowed).toBe(true);

    const bobDenied = await rejection(
      w.admin.grant(w.as.bob, {
        privileges: ['SELECT'],
        securable: MONTHLY,
        grantee: user('carol'),
      }),
    );
    expect(bobDenied).toMatchObject({ code: 'PERMISSION_DENIED', kind: 'forbidden' });
    expect(bobDenied.message).toContain('grant SELECT');
    expect(w.audit.last()).toMatchObject({
      action: 'grant',
      decision: 'deny',
      principal: { name: 'bob' },
    });

    // The grant option covers SELECT only, not other privileges.
    const insert = await rejection(
      w.admin.grant(w.as.alice, {
        privileges: ['INSERT'],
        securable: MONTHLY,
        grantee: user('bob'),
      }),
    );
    expect(insert.code).toBe('PERMISSION_DENIED');
    // alice may pass the option on, and then bob's grant works.
    await w.admin.grant(w.as.alice, {
      privileges: ['SELECT'],
      securable: MONTHLY,
      grantee: user('bob'),
      withGrantOption: true,
    });
    await w.admin.grant(w.as.bob, {
      privileges: ['SELECT'],
      securable: MONTHLY,
      grantee: user('carol'),
    });
    expect((await w.authorizer.decide(w.as.carol.principal, 'SELECT', MONTHLY)).allowed).toBe(true);
  });

  it('answers a caller who cannot see the securable exactly as for a missing one', async () => {
    const hidden = await rejection(
      w.admin.grant(w.as.carol, {
        privileges: ['SELECT'],
        securable: MONTHLY,
        grantee: user('carol'),
      }),
    );
    const missing = await rejection(
      w.admin.grant(w.as.carol, {
        privileges: ['SELECT'],
        securable: { kind: 'table', path: ['gold', 'revenue', 'weekly'] },
        grantee: user('carol'),
      }),
    );
    expect(hidden.code).toBe('TABLE_NOT_FOUND');
    expect(missing.code).toBe('TABLE_NOT_FOUND');
    expect(hidden.message.replace('monthly', 'X')).toBe(missing.message.replace('weekly', 'X'));
    // The refusal is still audited.
    expect(w.audit.events.filter((e) => e.decision === 'deny')).toHaveLength(1);
  });

  it('lets MANAGE_GRANTS on a namespace grant anything below it', async () => {
    await w.admin.grant(w.as.root, {
      privileges: ['MANAGE_GRANTS'],
      securable: GOLD,
      grantee: user('alice'),
    });
    await w.admin.grant(w.as.alice, {
      privileges: ['INSERT', 'SELECT'],
      securable: MONTHLY,
      grantee: user('bob'),
    });
    expect((await w.authorizer.decide(w.as.bob.principal, 'INSERT', MONTHLY)).allowed).toBe(true);
    expect(
      (
        await rejection(
          w.admin.grant(w.as.alice, {
            privileges: ['SELECT'],
            securable: CUSTOMERS,
            grantee: user('bob'),
          }),
        )
      ).code,
    ).toBe('TABLE_NOT_FOUND');
  });
});

describe('revoke', () => {
  it('removes the grant, returns how many, and 0 for what was never granted', async () => {
    await w.admin.grant(w.as.root, {
      privileges: ['SELECT', 'INSERT'],
      securable: MONTHLY,
      grantee: user('bob'),
    });
    expect(
      await w.admin.revoke(w.as.root, {
        privileges: privilegeNames(['select', 'insert']),
        securable: MONTHLY,
        grantee: user('bob'),
      }),
    ).toBe(2);
    expect((await w.authorizer.decide(w.as.bob.principal, 'SELECT', MONTHLY)).allowed).toBe(false);
    expect(
      await w.admin.revoke(w.as.root, {
        privileges: ['SELECT'],
        securable: MONTHLY,
        grantee: user('bob'),
      }),
    ).toBe(0);
    expect(w.audit.last()).toMatchObject({
      action: 'revoke',
      decision: 'allow',
      reason: 'SELECT from principal bob (0 removed)',
    });
  });

  it('needs the same right as granting', async () => {
    await w.admin.grant(w.as.root, {
      privileges: ['SELECT'],
      securable: MONTHLY,
      grantee: user('bob'),
    });
    await w.admin.grant(w.as.root, {
      privileges: ['SELECT'],
      securable: MONTHLY,
      grantee: user('carol'),
    });
    const err = await rejection(
      w.admin.revoke(w.as.bob, {
        privileges: ['SELECT'],
        securable: MONTHLY,
        grantee: user('carol'),
      }),
    );
    expect(err.code).toBe('PERMISSION_DENIED');
    expect(w.audit.last()).toMatchObject({ action: 'revoke', decision: 'deny' });
    expect((await w.authorizer.decide(w.as.carol.principal, 'SELECT', MONTHLY)).allowed).toBe(true);
  });
});

describe('listGrants', () => {
  it('shows only grants on securables the caller may DESCRIBE, narrowed on request', async () => {
    await w.admin.grant(w.as.root, {
      privileges: ['SELECT'],
      securable: MONTHLY,
      grantee: user('bob'),
    });
    await w.admin.grant(w.as.root, {
      privileges: ['SELECT'],
      securable: CUSTOMERS,
      grantee: user('alice'),
    });
    expect(await w.admin.listGrants(w.as.root)).toHaveLength(3);
    // Everyone sees the catalog (and its USAGE grant); bob sees the table he can read, not the other.
    const bobs = await w.admin.listGrants(w.as.bob);
    expect(bobs.map((g) => g.securable)).toEqual([CATALOG, MONTHLY]);
    expect((await w.admin.listGrants(w.as.carol)).map((g) => g.securable)).toEqual([CATALOG]);
    expect(await w.admin.listGrants(w.as.root, { grantee: user('alice') })).toMatchObject([
      { securable: CUSTOMERS },
    ]);
    expect(await w.admin.listGrants(w.as.root, { securable: MONTHLY })).toMatchObject([
      { grantee: user('bob') },
    ]);
    expect((await rejection(w.admin.listGrants(w.as.bob, { securable: CUSTOMERS }))).code).toBe(
      'TABLE_NOT_FOUND',
    );
  });
});
