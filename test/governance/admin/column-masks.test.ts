import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MaskFunction } from '../../../src/governance/index.js';
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

describe('column masks', () => {
  it('mask the column for everyone but the exempt, and are audited', async () => {
    await w.admin.grant(w.as.root, {
      privileges: ['SELECT'],
      securable: CUSTOMERS,
      grantee: group('all_users'),
    });
    const mask = await w.admin.setColumnMask(w.as.root, {
      table,
      column: 'SSN',
      function: 'mask_show_last_4' as MaskFunction,
      exempt: [user('alice')],
    });
    expect(mask).toMatchObject({
      table,
      column: 'ssn',
      function: 'MASK_SHOW_LAST_4',
      expression: null,
      exempt: [user('alice')],
    });
    expect(w.audit.last()).toMatchObject({
      action: 'mask.set',
      decision: 'allow',
      resource: 'column:bronze.crm.customers.ssn',
      reason: 'MASK_SHOW_LAST_4 except principal alice',
    });
    expect(
      (await w.authorizer.readPolicy(w.as.bob.principal, table, customerColumns)).masks,
    ).toHaveProperty('ssn');
    expect(
      (await w.authorizer.readPolicy(w.as.alice.principal, table, customerColumns)).masks ?? {},
    ).not.toHaveProperty('ssn');
  });

  it('hold one mask per column: setting again replaces it', async () => {
    await w.admin.setColumnMask(w.as.root, { table, column: 'ssn', function: 'MASK' });
    await w.admin.setColumnMask(w.as.root, { table, column: 'ssn', function: 'MASK_HASH' });
    const masks = await w.admin.listColumnMasks(w.as.root, table);
    expect(masks.map((m) => [m.column, m.function])).toEqual([['ssn', 'MASK_HASH']]);
  });

  it('check the function against the column type and the expression', async () => {
    const set = (input: {
      column: string;
      function: string;
      expression?: string;
      exempt?: { kind: 'group'; name: string }[];
    }) =>
      rejection(
        w.admin.setColumnMask(w.as.root, {
          table,
          ...input,
          function: input.function as MaskFunction,
        }),
      );
    const notDate = await set({ column: 'ssn', function: 'MASK_DATE_SHOW_YEAR' });
    expect(notDate).toMatchObject({ code: 'MASK_NOT_APPLICABLE', kind: 'invalid' });
    expect(notDate.message).toContain('string');
    await w.admin.setColumnMask(w.as.root, {
      table,
      column: 'birth_date',
      function: 'MASK_DATE_SHOW_YEAR',
    });
    expect((await set({ column: 'ssn', function: 'CUSTOM' })).code).toBe('INVALID_MASK_EXPRESSION');
    expect((await set({ column: 'ssn', function: 'MASK', expression: "'x'" })).code).toBe(
      'INVALID_MASK_EXPRESSION',
    );
    expect((await set({ column: 'ssn', function: 'REDACT' })).code).toBe('INVALID_MASK_FUNCTION');
    expect((await set({ column: 'ssn', function: 'CUSTOM', expression: 'nope || ssn' })).code).toBe(
      'INVALID_COLUMN_EXPRESSION',
    );
    expect((await set({ column: 'ssn', function: 'CUSTOM', expression: '(SELECT 1)' })).code).toBe(
      'INVALID_COLUMN_EXPRESSION',
    );
    expect((await set({ column: 'email', function: 'MASK' })).code).toBe('COLUMN_NOT_FOUND');
    expect((await set({ column: 'ssn', function: 'MASK', exempt: [group('ghosts')] })).code).toBe(
      'GRANTEE_NOT_FOUND',
    );
    const custom = await w.admin.setColumnMask(w.as.root, {
      table,
      column: 'ssn',
      function: 'CUSTOM',
      expression: "CONCAT('***-**-', RIGHT(ssn, 4))",
    });
    // Stored as DuckDB prints it back.
    expect(custom.expression).toBe('concat(\'***-**-\', "right"(ssn, 4))');
  });

  it('need admin, ownership or MANAGE_GRANTS; lists show what the caller may DESCRIBE', async () => {
    await w.admin.grant(w.as.root, {
      privileges: ['SELECT'],
      securable: CUSTOMERS,
      grantee: user('bob'),
    });
    const denied = await rejection(
      w.admin.setColumnMask(w.as.bob, { table, column: 'ssn', function: 'MASK' }),
    );
    expect(denied.code).toBe('PERMISSION_DENIED');
    expect(w.audit.last()).toMatchObject({ action: 'mask.set', decision: 'deny' });
    expect(
      (
        await rejection(
          w.admin.setColumnMask(w.as.carol, { table, column: 'ssn', function: 'MASK' }),
        )
      ).code,
    ).toBe('TABLE_NOT_FOUND');
    await w.admin.setColumnMask(w.as.root, { table, column: 'ssn', function: 'MASK' });
    await w.admin.setColumnMask(w.as.root, {
      table: MONTHLY.path,
      column: 'amount',
      function: 'MASK_NULL',
    });
    expect((await w.admin.listColumnMasks(w.as.bob)).map((m) => m.column)).toEqual(['ssn']);
    expect(await w.admin.listColumnMasks(w.as.carol)).toEqual([]);
    expect((await rejection(w.admin.deleteColumnMask(w.as.bob, table, 'ssn'))).code).toBe(
      'PERMISSION_DENIED',
    );
    await w.admin.deleteColumnMask(w.as.root, table, 'ssn');
    expect(w.audit.last()).toMatchObject({ action: 'mask.delete', decision: 'allow' });
    expect((await rejection(w.admin.deleteColumnMask(w.as.root, table, 'ssn'))).code).toBe(
      'MASK_NOT_FOUND',
    );
  });

  it('cannot be lifted with SELECT WITH GRANT OPTION: the raw SSNs stay masked', async () => {
    await w.admin.grant(w.as.root, {
      privileges: ['SELECT'],
      securable: CUSTOMERS,
      grantee: user('alice'),
      withGrantOption: true,
    });
    await w.admin.setColumnMask(w.as.root, { table, column: 'ssn', function: 'MASK' });
    const exemptSelf = await rejection(
      w.admin.setColumnMask(w.as.alice, {
        table,
        column: 'ssn',
        function: 'MASK',
        exempt: [user('alice')],
      }),
    );
    expect(exemptSelf.code).toBe('PERMISSION_DENIED');
    expect(exemptSelf.message).toContain('SELECT with grant option is not enough');
    expect((await rejection(w.admin.deleteColumnMask(w.as.alice, table, 'ssn'))).code).toBe(
      'PERMISSION_DENIED',
    );
    expect(
      (await w.authorizer.readPolicy(w.as.alice.principal, table, customerColumns)).masks,
    ).toHaveProperty('ssn');
  });

  it('are set and deleted by MANAGE_GRANTS on the table, and by an owner above it', async () => {
    await w.admin.grant(w.as.root, {
      privileges: ['MANAGE_GRANTS'],
      securable: CUSTOMERS,
      grantee: user('bob'),
    });
    await w.admin.setColumnMask(w.as.bob, { table, column: 'ssn', function: 'MASK_HASH' });
    await w.admin.deleteColumnMask(w.as.bob, table, 'ssn');
    await w.admin.recordOwner({ kind: 'namespace', path: ['bronze'] }, user('carol'), 'root');
    await w.admin.setColumnMask(w.as.carol, {
      table,
      column: 'ssn',
      function: 'MASK',
      exempt: [user('carol')],
    });
    expect(w.audit.last()).toMatchObject({ action: 'mask.set', decision: 'allow' });
    expect((await w.admin.listColumnMasks(w.as.root, table)).map((m) => m.exempt)).toEqual([
      [user('carol')],
    ]);
  });
});
