import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ColumnShape } from '../../../src/governance/contract.js';
import { on, PolicyFixture, user } from './policy-fixture.js';

const alice = user('alice');
const table = 'bronze.crm.customers';
const path = on(`table ${table}`).path;
const columns: ColumnShape[] = [
  { name: 'id', type: 'long' },
  { name: 'name', type: 'string' },
  { name: 'region', type: 'string' },
  { name: 'ssn', type: 'string' },
];

let fx: PolicyFixture;
beforeEach(async () => {
  fx = await PolicyFixture.open();
  await fx.grant('USAGE', 'catalog', 'group:all_users');
});
afterEach(async () => {
  await fx.close();
});

describe('readPolicy', () => {
  it('is denied without any read path, saying what is missing', async () => {
    const policy = await fx.authorizer().readPolicy(alice, path, columns);
    expect(policy).toMatchObject({
      allowed: false,
      reason:
        'no SELECT on table bronze.crm.customers (or its namespaces) for alice or their groups',
    });
  });

  it('needs USAGE on the namespaces', async () => {
    const fresh = await PolicyFixture.open();
    await fresh.grant('SELECT', `table ${table}`, 'alice');
    const policy = await fresh.authorizer().readPolicy(alice, path, columns);
    expect(policy).toMatchObject({ allowed: false, reason: 'needs USAGE on namespace bronze' });
    await fresh.close();
  });

  it('gives everything for full SELECT, masks still applying to the not exempt (admins too)', async () => {
    await fx.grant('SELECT', 'namespace bronze', 'group:all_users');
    await fx.mask(table, 'ssn', 'MASK_NULL', { exempt: ['group:hr'] });
    await fx.member('hr', 'bob');
    const authorizer = fx.authorizer();
    const policy = await authorizer.readPolicy(alice, path, columns);
    expect(policy.allowed).toBe(true);
    expect(policy.columns).toBeUndefined();
    expect(policy.rowFilter).toBeUndefined();
    expect(policy.masks).toEqual({ ssn: 'CASE WHEN false THEN "ssn" END' });
    expect(policy.applied.masks).toEqual(['ssn: MASK_NULL']);
    const admin = await authorizer.readPolicy(user('root', { isAdmin: true }), path, columns);
    expect(admin.masks).toEqual({ ssn: 'CASE WHEN false THEN "ssn" END' });
    expect((await authorizer.readPolicy(user('bob'), path, columns)).masks).toBeUndefined();
  });

  it('shows only granted columns, in table order', async () => {
    await fx.grant('SELECT', `column ${table}.region`, 'alice');
    await fx.grant('SELECT', `column ${table}.id`, 'alice');
    const policy = await fx.authorizer().readPolicy(alice, path, columns);
    expect(policy).toMatchObject({ allowed: true, columns: ['id', 'region'] });
    expect(policy.rowFilter).toBeUndefined();
  });

  it('one filter: its rows and its columns, with no per-cell condition', async () => {
    await fx.filter('us', table, "region = 'US'", ['alice'], { mode: 'exclude', names: ['ssn'] });
    const policy = await fx.authorizer().readPolicy(alice, path, columns);
    expect(policy).toMatchObject({
      allowed: true,
      columns: ['id', 'name', 'region'],
      applied: { filters: ['us'] },
    });
    expect(policy.rowFilter).toMatch(/^\(+region = 'US'\)+$/);
    expect(policy.masks).toBeUndefined();
  });

  it('several filters: rows of any, cells only where an admitting filter shows the column', async () => {
    await fx.filter('us', table, "region = 'US'", ['alice'], {
      mode: 'include',
      names: ['id', 'name'],
    });
    await fx.filter('eu', table, "region = 'EU'", ['alice'], {
      mode: 'include',
      names: ['id', 'ssn'],
    });
    await fx.mask(table, 'ssn', 'MASK_SHOW_LAST_4');
    const policy = await fx.authorizer().readPolicy(alice, path, columns);
    expect(policy.columns).toEqual(['id', 'name', 'ssn']);
    expect(policy.rowFilter).toMatch(/^\(+region = 'EU'\)+ OR \(+region = 'US'\)+$/);
    expect(policy.masks?.id).toBeUndefined();
    expect(policy.masks?.name).toMatch(/^CASE WHEN \(+region = 'US'\)+ THEN "name" END$/);
    expect(policy.masks?.ssn).toMatch(/^CASE WHEN \(+region = 'EU'\)+ THEN CASE WHEN length/);
  });

  it('an unconditional admission shows every row; filter-only columns stay conditional', async () => {
    await fx.grant('SELECT', `column ${table}.id`, 'alice');
    await fx.filter('us', table, "region = 'US'", ['alice']);
    const policy = await fx.authorizer().readPolicy(alice, path, columns);
    expect(policy.rowFilter).toBeUndefined();
    expect(policy.columns).toBeUndefined();
    expect(Object.keys(policy.masks ?? {})).toEqual(['name', 'region', 'ssn']);
    expect(policy.masks?.ssn).toMatch(/^CASE WHEN \(+region = 'US'\)+ THEN "ssn" END$/);
  });

  it('binds current_user() and is_member() for the caller, and caches per caller', async () => {
    await fx.member('us_managers', 'alice');
    await fx.filter(
      'mine',
      table,
      "name = current_user() OR (is_member('us_managers') AND region = 'US')",
      ['group:all_users'],
    );
    const authorizer = fx.authorizer();
    const forAlice = await authorizer.readPolicy(alice, path, columns);
    const forBob = await authorizer.readPolicy(user('bob'), path, columns);
    expect(forAlice.rowFilter).toContain("'alice'");
    expect(forAlice.rowFilter).not.toContain('is_member');
    expect(forBob.rowFilter).toContain("'bob'");
    expect(forAlice.rowFilter).not.toBe(forBob.rowFilter);
    // Cached answers are copies: a caller changing one cannot change the next.
    forAlice.applied.filters.push('tampered');
    expect((await authorizer.readPolicy(alice, path, columns)).applied.filters).toEqual(['mine']);
  });

  it('answers table SELECT through tag policies on column tags (an override hides a column)', async () => {
    await fx.tagPolicy('sensitivity=public', ['SELECT'], 'alice');
    await fx.tag('namespace bronze', 'sensitivity', 'public');
    await fx.tag(`column ${table}.ssn`, 'sensitivity', 'pii');
    const policy = await fx.authorizer().readPolicy(alice, path, columns);
    expect(policy).toMatchObject({ allowed: true, columns: ['id', 'name', 'region'] });
    expect(policy.applied.grants).toHaveLength(1);
  });
});
