import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AdminWorld } from './admin-fixture.js';
import {
  adminWorld,
  CUSTOMERS,
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

const table = CUSTOMERS.path;
const customerColumns = [
  { name: 'id', type: 'long' },
  { name: 'region', type: 'string' },
  { name: 'ssn', type: 'string' },
  { name: 'birth_date', type: 'date' },
];

describe('data filters', () => {
  it('are created with a checked, normalized predicate and column list, and take effect', async () => {
    const filter = await w.admin.createDataFilter(w.as.root, {
      name: 'us_rows',
      table,
      rowPredicate: "REGION = 'US' or is_member('marketing_team')",
      excludeColumns: ['SSN'],
      grantees: [group('marketing_team')],
    });
    expect(filter).toMatchObject({
      name: 'us_rows',
      table,
      columnMode: 'exclude',
      columns: ['ssn'],
      grantees: [group('marketing_team')],
      createdBy: 'root',
    });
    expect(filter.rowPredicate).toMatch(/region = 'US'/i);
    expect(filter.rowPredicate).toContain('is_member');
    expect(w.audit.last()).toMatchObject({
      action: 'filter.create',
      decision: 'allow',
      resource: 'table:bronze.crm.customers',
    });
    const policy = await w.authorizer.readPolicy(w.as.bob.principal, table, customerColumns);
    expect(policy.allowed).toBe(true);
    expect(policy.applied.filters).toContain('us_rows');
  });

  it('refuse include and exclude together, unknown columns, bad predicates and names', async () => {
    const create = (input: Partial<Parameters<typeof w.admin.createDataFilter>[1]>) =>
      rejection(w.admin.createDataFilter(w.as.root, { name: 'f', table, ...input }));
    const both = await create({ includeColumns: ['id'], excludeColumns: ['ssn'] });
    expect(both).toMatchObject({ code: 'FILTER_COLUMNS_CONFLICT', kind: 'invalid' });
    const unknown = await create({ includeColumns: ['id', 'email'] });
    expect(unknown.code).toBe('COLUMN_NOT_FOUND');
    expect(unknown.message).toContain('email');
    expect(unknown.hint).toContain('id, region, ssn, birth_date');
    expect((await create({ rowPredicate: 'region IN (SELECT region FROM t)' })).code).toBe(
      'INVALID_PREDICATE',
    );
    expect((await create({ rowPredicate: 'country = 1' })).code).toBe('INVALID_PREDICATE');
    expect((await create({ name: 'bad name' })).code).toBe('INVALID_FILTER_NAME');
    expect((await create({ table: ['bronze', 'crm', 'nope'] })).code).toBe('TABLE_NOT_FOUND');
    expect((await create({ grantees: [user('ghost')] })).code).toBe('GRANTEE_NOT_FOUND');
    await w.admin.createDataFilter(w.as.root, { name: 'f', table });
    expect((await create({})).code).toBe('FILTER_ALREADY_EXISTS');
    // The same name on another table is fine.
    await w.admin.createDataFilter(w.as.root, { name: 'f', table: MONTHLY.path });
  });

  it('are not managed with SELECT WITH GRANT OPTION: no self-granted or deleted filters', async () => {
    await w.admin.grant(w.as.root, {
      privileges: ['SELECT'],
      securable: CUSTOMERS,
      grantee: user('alice'),
      withGrantOption: true,
    });
    await w.admin.createDataFilter(w.as.root, {
      name: 'eu',
      table,
      rowPredicate: "region = 'EU'",
      grantees: [user('bob')],
    });
    const create = await rejection(
      w.admin.createDataFilter(w.as.alice, { name: 'by_alice', table, grantees: [user('alice')] }),
    );
    expect(create.code).toBe('PERMISSION_DENIED');
    expect(create.message).toContain('SELECT with grant option is not enough');
    expect(create.message).toContain('MANAGE_GRANTS');
    expect(w.audit.last()).toMatchObject({
      action: 'filter.create',
      decision: 'deny',
      principal: { name: 'alice' },
    });
    for (const attempt of [
      w.admin.grantDataFilter(w.as.alice, table, 'eu', user('carol')),
      w.admin.revokeDataFilter(w.as.alice, table, 'eu', user('bob')),
      w.admin.deleteDataFilter(w.as.alice, table, 'eu'),
    ]) {
      expect((await rejection(attempt)).code).toBe('PERMISSION_DENIED');
    }
    expect((await w.admin.listDataFilters(w.as.root, table)).map((f) => f.grantees)).toEqual([
      [user('bob')],
    ]);
    // carol cannot see the table: same answer as for a missing table, and no column list leaks.
    const carol = await rejection(
      w.admin.createDataFilter(w.as.carol, { name: 'x', table, includeColumns: ['nope'] }),
    );
    expect(carol.code).toBe('TABLE_NOT_FOUND');
  });

  it('are managed by MANAGE_GRANTS on the table or above, and by owners of it or above', async () => {
    await w.admin.grant(w.as.root, {
      privileges: ['MANAGE_GRANTS'],
      securable: { kind: 'namespace', path: ['bronze'] },
      grantee: user('bob'),
    });
    await w.admin.createDataFilter(w.as.bob, { name: 'by_bob', table, rowPredicate: 'id > 0' });
    await w.admin.grantDataFilter(w.as.bob, table, 'by_bob', user('alice'));
    await w.admin.revokeDataFilter(w.as.bob, table, 'by_bob', user('alice'));
    await w.admin.deleteDataFilter(w.as.bob, table, 'by_bob');
    expect(w.audit.last()).toMatchObject({ action: 'filter.delete', decision: 'allow' });

    await w.admin.recordOwner(
      { kind: 'namespace', path: ['bronze', 'crm'] },
      user('carol'),
      'root',
    );
    await w.admin.createDataFilter(w.as.carol, { name: 'by_carol', table });
    await w.admin.deleteDataFilter(w.as.carol, table, 'by_carol');
    expect(await w.admin.listDataFilters(w.as.root, table)).toEqual([]);
  });

  it('are granted, revoked, listed by visibility and deleted', async () => {
    await w.admin.createDataFilter(w.as.root, {
      name: 'eu',
      table,
      rowPredicate: "region = 'EU'",
      includeColumns: ['id', 'region'],
    });
    const granted = await w.admin.grantDataFilter(w.as.root, table, 'eu', user('alice'));
    expect(granted.grantees).toEqual([user('alice')]);
    expect(w.audit.last()).toMatchObject({
      action: 'filter.grant',
      reason: 'eu to principal alice',
    });
    expect(
      (await w.authorizer.readPolicy(w.as.alice.principal, table, customerColumns)).columns,
    ).toEqual(['id', 'region']);
    expect(
      (await rejection(w.admin.grantDataFilter(w.as.root, table, 'eu', group('ghosts')))).code,
    ).toBe('GRANTEE_NOT_FOUND');
    expect(
      (await rejection(w.admin.grantDataFilter(w.as.root, table, 'nope', user('bob')))).code,
    ).toBe('FILTER_NOT_FOUND');

    expect((await w.admin.listDataFilters(w.as.alice)).map((f) => f.name)).toEqual(['eu']);
    expect(await w.admin.listDataFilters(w.as.carol)).toEqual([]);
    expect((await rejection(w.admin.listDataFilters(w.as.carol, table))).code).toBe(
      'TABLE_NOT_FOUND',
    );

    const revoked = await w.admin.revokeDataFilter(w.as.root, table, 'eu', user('alice'));
    expect(revoked.grantees).toEqual([]);
    expect(
      (await w.authorizer.readPolicy(w.as.alice.principal, table, customerColumns)).allowed,
    ).toBe(false);
    await w.admin.deleteDataFilter(w.as.root, table, 'eu');
    expect(await w.admin.listDataFilters(w.as.root, table)).toEqual([]);
    expect((await rejection(w.admin.deleteDataFilter(w.as.root, table, 'eu'))).code).toBe(
      'FILTER_NOT_FOUND',
    );
  });
});
