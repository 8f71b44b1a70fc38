import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PRIVILEGES } from '../../../src/governance/contract.js';
import { PolicyAuthorizer } from '../../../src/governance/policy/policy-authorizer.js';
import { on, PolicyFixture, user } from './policy-fixture.js';

const alice = user('alice');
const monthly = on('table gold.revenue.monthly');

let fx: PolicyFixture;
beforeEach(async () => {
  fx = await PolicyFixture.open();
});
afterEach(async () => {
  await fx.close();
});

/** USAGE on gold and gold.revenue for a grantee, the usual path to gold.revenue.monthly. */
async function usage(grantee: string): Promise<void> {
  await fx.grant('USAGE', 'namespace gold', grantee);
  await fx.grant('USAGE', 'namespace gold.revenue', grantee);
}

describe('decide: grants, groups and USAGE', () => {
  it('allows an admin everything, saying so', async () => {
    const d = await fx.authorizer().decide(user('root', { isAdmin: true }), 'DROP', monthly);
    expect(d).toMatchObject({ allowed: true, sources: [{ type: 'admin' }] });
  });

  it('denies by default and says what is missing', async () => {
    const d = await fx.authorizer().decide(alice, 'SELECT', monthly);
    expect(d.allowed).toBe(false);
    expect(d.reason).toBe(
      'no SELECT on table gold.revenue.monthly (or its namespaces) for alice or their groups',
    );
  });

  it('follows a grant on a namespace through nested groups, and explains the path', async () => {
    await fx.member('analysts', 'alice');
    await fx.member('marketing_team', 'group:analysts');
    await fx.grant('SELECT', 'namespace gold.revenue', 'group:marketing_team');
    await usage('group:marketing_team');
    const d = await fx.authorizer().decide(alice, 'SELECT', monthly);
    expect(d.allowed).toBe(true);
    expect(d.reason).toBe(
      'SELECT on namespace gold.revenue to group marketing_team (alice is a member via analysts)',
    );
    expect(await fx.authorizer().decide(user('bob'), 'SELECT', monthly)).toMatchObject({
      allowed: false,
    });
    // A grant covers what is created later below it, and nothing beside it.
    expect(
      (await fx.authorizer().decide(alice, 'SELECT', on('table gold.revenue.new'))).allowed,
    ).toBe(true);
    expect((await fx.authorizer().decide(alice, 'SELECT', on('table gold.other.t'))).allowed).toBe(
      false,
    );
    expect((await fx.authorizer().decide(alice, 'INSERT', monthly)).allowed).toBe(false);
  });

  it('needs USAGE on every namespace above, and on the namespace itself to create in it', async () => {
    await fx.grant('SELECT', 'catalog', 'alice');
    await fx.grant('CREATE_TABLE', 'catalog', 'alice');
    await fx.grant('USAGE', 'namespace gold.revenue', 'alice');
    const authorizer = fx.authorizer();
    expect((await authorizer.decide(alice, 'SELECT', monthly)).reason).toBe(
      'needs USAGE on namespace gold',
    );
    expect((await authorizer.decide(alice, 'CREATE_TABLE', on('namespace gold'))).reason).toBe(
      'needs USAGE on namespace gold',
    );
    expect((await authorizer.decide(alice, 'SELECT', on('table silver.t'))).reason).toBe(
      'needs USAGE on namespace silver',
    );
    // USAGE on a namespace covers the namespaces below it, like any grant.
    await fx.grant('USAGE', 'namespace gold', 'alice');
    expect((await authorizer.decide(alice, 'SELECT', monthly)).allowed).toBe(true);
    expect((await authorizer.decide(alice, 'SELECT', on('table gold.costs.t'))).allowed).toBe(true);
    expect((await authorizer.decide(alice, 'CREATE_TABLE', on('namespace gold'))).allowed).toBe(
      true,
    );
  });

  it('lets an owner do everything on and below what it owns, USAGE included', async () => {
    await fx.grant('OWNER', 'namespace gold', 'group:gold_owners');
    await fx.member('gold_owners', 'alice');
    const authorizer = fx.authorizer();
    for (const privilege of ['SELECT', 'DROP', 'MANAGE_GRANTS'] as const) {
      const d = await authorizer.decide(alice, privilege, monthly);
      expect(d.allowed, privilege).toBe(true);
      expect(d.sources[0]).toMatchObject({ type: 'owner' });
    }
    expect((await authorizer.decide(alice, 'SELECT', on('table silver.x.y'))).allowed).toBe(false);
  });

  it('counts all_users, sign-in groups and their parents, and tolerates cycles', async () => {
    await fx.member('a', 'group:b');
    await fx.member('b', 'group:a');
    await fx.member('b', 'alice');
    await fx.member('parent_of_sso', 'group:sso_team');
    const authorizer = fx.authorizer();
    expect(await authorizer.groupsOf(alice)).toEqual(['a', 'all_users', 'b']);
    expect(await authorizer.groupsOf(user('carol', { externalGroups: ['sso_team'] }))).toEqual([
      'all_users',
      'parent_of_sso',
      'sso_team',
    ]);
    await fx.grant('READ_AUDIT', 'catalog', 'group:parent_of_sso');
    await fx.grant('DESCRIBE', 'catalog', 'group:all_users');
    const carol = user('carol', { externalGroups: ['sso_team'] });
    expect((await authorizer.decide(carol, 'READ_AUDIT', on('catalog'))).allowed).toBe(true);
    expect((await authorizer.decide(user('dave'), 'DESCRIBE', monthly)).allowed).toBe(true);
  });

  it('keeps READ_AUDIT to the catalog', async () => {
    await fx.grant('OWNER', 'namespace gold', 'alice');
    expect((await fx.authorizer().decide(alice, 'READ_AUDIT', on('namespace gold'))).reason).toBe(
      'READ_AUDIT is only granted on the catalog',
    );
  });
});

describe('decide: tag policies', () => {
  it('grants on effective tags: inherited from namespaces, overridden nearer, tagged later', async () => {
    await fx.tagPolicy(
      'domain=marketing AND sensitivity IN (public, internal)',
      ['SELECT', 'USAGE'],
      'group:mkt',
    );
    await fx.member('mkt', 'alice');
    await fx.grant('USAGE', 'catalog', 'group:mkt');
    await fx.tag('namespace gold', 'domain', 'marketing');
    await fx.tag('namespace gold', 'sensitivity', 'public');
    const authorizer = fx.authorizer();
    const d = await authorizer.decide(alice, 'SELECT', monthly);
    expect(d.allowed).toBe(true);
    expect(d.sources[0]).toMatchObject({ type: 'tag_policy' });
    expect(d.reason).toContain(
      'table gold.revenue.monthly has domain=marketing, sensitivity=public',
    );
    // A table tagged (later) with a value outside the expression overrides its namespace.
    await fx.tag('table gold.revenue.secret', 'sensitivity', 'pii');
    expect(
      (await authorizer.decide(alice, 'SELECT', on('table gold.revenue.secret'))).allowed,
    ).toBe(false);
    // A table under another namespace tagged later is covered from then on.
    const elsewhere = on('table silver.web.visits');
    expect((await authorizer.decide(alice, 'SELECT', elsewhere)).allowed).toBe(false);
    await fx.tag('namespace silver', 'domain', 'marketing');
    await fx.tag('namespace silver.web', 'sensitivity', 'internal');
    expect((await authorizer.decide(alice, 'SELECT', elsewhere)).allowed).toBe(true);
  });

  it('ignores a stored expression that does not parse (grants nothing)', async () => {
    await fx.tagPolicy('domain=', ['SELECT', 'USAGE'], 'alice');
    await fx.tag('namespace gold', 'domain', 'marketing');
    expect((await fx.authorizer().decide(alice, 'SELECT', monthly)).allowed).toBe(false);
  });
});

describe('decide: DESCRIBE and read paths', () => {
  it('shows what is granted, what is above it, and nothing beside it', async () => {
    await fx.grant('SELECT', 'table gold.revenue.monthly', 'alice');
    const authorizer = fx.authorizer();
    for (const s of [
      'catalog',
      'namespace gold',
      'namespace gold.revenue',
      'table gold.revenue.monthly',
      'column gold.revenue.monthly.amount',
    ]) {
      expect((await authorizer.decide(alice, 'DESCRIBE', on(s))).allowed, s).toBe(true);
    }
    for (const s of ['table gold.revenue.daily', 'namespace gold.costs', 'namespace silver']) {
      expect((await authorizer.decide(alice, 'DESCRIBE', on(s))).allowed, s).toBe(false);
    }
    expect(
      await authorizer.visible(alice, [
        on('namespace gold'),
        on('table gold.revenue.daily'),
        monthly,
      ]),
    ).toEqual([true, false, true]);
  });

  it('does not make everything visible from USAGE on the catalog', async () => {
    await fx.grant('USAGE', 'catalog', 'group:all_users');
    const authorizer = fx.authorizer();
    expect((await authorizer.decide(alice, 'DESCRIBE', on('catalog'))).allowed).toBe(true);
    expect((await authorizer.decide(alice, 'DESCRIBE', monthly)).allowed).toBe(false);
  });

  it('counts column grants and data filters as ways to SELECT a table, and to see it', async () => {
    await usage('alice');
    await fx.grant('SELECT', 'column gold.revenue.monthly.amount', 'alice');
    await fx.filter('us_only', 'gold.revenue.daily', "region = 'US'", ['alice']);
    const authorizer = fx.authorizer();
    expect((await authorizer.decide(alice, 'SELECT', monthly)).allowed).toBe(true);
    const daily = await authorizer.decide(alice, 'SELECT', on('table gold.revenue.daily'));
    expect(daily.allowed).toBe(true);
    expect(daily.sources[0]).toMatchObject({ type: 'data_filter' });
    expect(
      (await authorizer.decide(user('bob'), 'DESCRIBE', on('table gold.revenue.daily'))).allowed,
    ).toBe(false);
    expect(
      (await authorizer.decide(alice, 'DESCRIBE', on('table gold.revenue.daily'))).allowed,
    ).toBe(true);
  });
});

describe('require and canGrant', () => {
  it('hides what the caller may not see behind the catalog’s own not-found error', async () => {
    const error = await fx
      .authorizer()
      .require(alice, 'SELECT', monthly)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'TABLE_NOT_FOUND',
      message: 'Table gold.revenue.monthly does not exist',
      hint: 'lakeward table list gold.revenue',
    });
    const ns = await fx
      .authorizer()
      .require(alice, 'DROP', on('namespace gold'))
      .catch((e: unknown) => e);
    expect(ns).toMatchObject({
      code: 'NAMESPACE_NOT_FOUND',
      message: 'Namespace gold does not exist.',
    });
  });

  it('says what is missing, with the grant that would fix it, when the caller can see it', async () => {
    await fx.grant('DESCRIBE', 'table gold.revenue.monthly', 'alice');
    const error = await fx
      .authorizer()
      .require(alice, 'SELECT', monthly)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'PERMISSION_DENIED',
      hint: 'ask an owner or an admin: lakeward grant SELECT ON TABLE gold.revenue.monthly TO user alice',
    });
    await fx.grant('SELECT', 'table gold.revenue.monthly', 'alice');
    const usageError = await fx
      .authorizer()
      .require(alice, 'SELECT', monthly)
      .catch((e: unknown) => e);
    expect(usageError).toMatchObject({
      code: 'PERMISSION_DENIED',
      hint: 'ask an owner or an admin: lakeward grant USAGE ON NAMESPACE gold TO user alice',
    });
    await usage('alice');
    expect((await fx.authorizer().require(alice, 'SELECT', monthly)).allowed).toBe(true);
  });

  it('never hides the catalog: a deny there is PermissionDenied', async () => {
    const error = await fx
      .authorizer()
      .require(alice, 'READ_AUDIT', on('catalog'))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'PERMISSION_DENIED',
      hint: 'ask an owner or an admin: lakeward grant READ_AUDIT ON CATALOG TO user alice',
    });
  });

  it('lets owners, MANAGE_GRANTS holders and grant-option holders grant, nobody else', async () => {
    const bob = user('bob');
    const carol = user('carol');
    const dave = user('dave');
    await fx.grant('OWNER', 'namespace gold', 'alice');
    await fx.grant('MANAGE_GRANTS', 'namespace gold.revenue', 'bob');
    await fx.grant('SELECT', 'table gold.revenue.monthly', 'carol', true);
    await fx.grant('SELECT', 'table gold.revenue.monthly', 'dave');
    const authorizer = fx.authorizer();
    expect((await authorizer.canGrant(alice, 'DROP', monthly)).allowed).toBe(true);
    expect((await authorizer.canGrant(bob, 'INSERT', monthly)).allowed).toBe(true);
    expect((await authorizer.canGrant(bob, 'INSERT', on('namespace gold'))).allowed).toBe(false);
    expect((await authorizer.canGrant(carol, 'SELECT', monthly)).allowed).toBe(true);
    expect((await authorizer.canGrant(carol, 'INSERT', monthly)).allowed).toBe(false);
    const plain = await authorizer.canGrant(dave, 'SELECT', monthly);
    expect(plain.allowed).toBe(false);
    expect(plain.reason).toContain('SELECT with grant option');
  });
});

describe('snapshot refresh and failure', () => {
  it('sees changes made elsewhere after refreshMs, and at once after invalidate()', async () => {
    let clock = 0;
    const authorizer = fx.authorizer(1000, () => clock);
    expect((await authorizer.decide(alice, 'DESCRIBE', monthly)).allowed).toBe(false);
    await fx.grant('DESCRIBE', 'table gold.revenue.monthly', 'alice');
    clock = 500;
    expect((await authorizer.decide(alice, 'DESCRIBE', monthly)).allowed).toBe(false);
    clock = 1000;
    expect((await authorizer.decide(alice, 'DESCRIBE', monthly)).allowed).toBe(true);
    await fx.grant('DESCRIBE', 'table gold.revenue.daily', 'alice');
    authorizer.invalidate();
    expect(
      (await authorizer.decide(alice, 'DESCRIBE', on('table gold.revenue.daily'))).allowed,
    ).toBe(true);
  });

  it('denies when the policy cannot be read (fail closed)', async () => {
    await fx.grant('OWNER', 'catalog', 'alice');
    const broken = new PolicyAuthorizer(
      {
        ...fx.metastore,
        grants: {
          ...fx.metastore.grants,
          list: () => Promise.reject(new Error('database is locked')),
        },
      },
      { refreshMs: 0, maskHashKey: Buffer.alloc(32) },
    );
    const d = await broken.decide(alice, 'SELECT', monthly);
    expect(d).toMatchObject({ allowed: false, reason: 'policy evaluation failed' });
    expect(await broken.visible(alice, [monthly])).toEqual([false]);
    expect(
      await broken.readPolicy(alice, monthly.path, [{ name: 'a', type: 'int' }]),
    ).toMatchObject({
      allowed: false,
    });
  });
});

describe('explain', () => {
  it('answers every privilege with its sources, and the read policy of a table', async () => {
    await fx.member('analysts', 'alice');
    await fx.grant('SELECT', 'namespace gold', 'group:analysts');
    await usage('group:analysts');
    await fx.mask('gold.revenue.monthly', 'customer', 'MASK_NULL');
    const e = await fx.authorizer().explain(alice, monthly, [
      { name: 'customer', type: 'string' },
      { name: 'amount', type: 'double' },
    ]);
    expect(e.groups).toEqual(['all_users', 'analysts']);
    expect(e.privileges.map((p) => p.privilege)).toEqual([...PRIVILEGES]);
    const select = e.privileges.find((p) => p.privilege === 'SELECT');
    expect(select?.sources.map((s) => s.description)).toContain(
      'SELECT on namespace gold to group analysts (alice is a member)',
    );
    expect(e.privileges.find((p) => p.privilege === 'DROP')?.allowed).toBe(false);
    expect(e.read?.applied.masks).toEqual(['customer: MASK_NULL']);
  });

  it('does not show the padded MASK_HASH key in an explanation', async () => {
    await fx.grant('OWNER', 'catalog', 'alice');
    await fx.mask('gold.revenue.monthly', 'customer', 'MASK_HASH');
    const columns = [{ name: 'customer', type: 'string' }];
    const authorizer = fx.authorizer();
    const read = await authorizer.readPolicy(alice, monthly.path, columns);
    expect(read.masks?.customer).toMatch(/'(\\x[0-9A-F]{2}){64}'::BLOB/);
    const explained = await authorizer.explain(alice, monthly, columns);
    expect(explained.read?.masks?.customer).toBe(
      `sha256('<key pad>'::BLOB || unhex(sha256('<key pad>'::BLOB || encode(CAST("customer" AS VARCHAR)))))`,
    );
  });
});
