import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableIdent } from '../../src/catalog/index.js';
import type { Caller } from '../../src/governance/index.js';
import { failure } from '../failure.js';
import { governedHome, type GovernedHome } from './governed-home.js';

const people: TableIdent = { namespace: ['bronze', 'hr'], name: 'people' };
const PEOPLE = ['bronze', 'hr', 'people'];
const TABLE = { kind: 'table' as const, path: PEOPLE };
/** Guesses at a hidden EU row's raw ssn: the deleted count would answer it. */
const PROBE = "region = 'EU' AND ssn LIKE '987%'";

describe('governed row changes and schema changes', () => {
  let home: GovernedHome;
  let fay: Caller;
  let mo: Caller;
  let una: Caller;

  const rowCount = async (): Promise<number> =>
    (await home.services.catalog.describeTable(people)).recordCount;

  beforeAll(async () => {
    home = await governedHome();
    const { governed } = home.services;
    await governed.createNamespace(home.admin, ['bronze', 'hr']);
    await governed.createTable(home.admin, people, {
      columns: [
        { name: 'name', type: 'string' },
        { name: 'region', type: 'string' },
        { name: 'ssn', type: 'string' },
        { name: 'email', type: 'string' },
        { name: 'salary', type: 'double' },
      ],
    });
    await home.append(
      people,
      `SELECT * FROM (VALUES
        ('Ann', 'EU', '987-11', 'ann@x', 10.0),
        ('Bo', 'US', '123-22', 'bo@x', 20.0),
        ('Cy', 'EU', '555-33', 'cy@x', 30.0),
        ('Di', 'US', '987-44', 'di@x', 40.0))
      t(name, region, ssn, email, salary)`,
    );
    fay = await home.user('fay');
    mo = await home.user('mo');
    una = await home.user('una');
    await home.services.policies.setColumnMask(home.admin, {
      table: PEOPLE,
      column: 'ssn',
      function: 'MASK',
      exempt: [{ kind: 'principal', name: 'una' }],
    });
  });

  afterAll(async () => {
    await home?.close();
  });

  describe('deleting rows by a condition', () => {
    beforeAll(async () => {
      await home.services.policies.createDataFilter(home.admin, {
        name: 'us_only',
        table: PEOPLE,
        rowPredicate: "region = 'US'",
        grantees: [{ kind: 'principal', name: 'fay' }],
      });
      await home.grant(['MODIFY'], TABLE, fay);
      await home.grant(['SELECT', 'MODIFY'], TABLE, mo);
      await home.grant(['SELECT', 'MODIFY'], TABLE, una);
    });

    it('is refused to a caller who reads the table through a data filter, and deletes nothing', async () => {
      const before = await rowCount();
      const denied = await failure(home.services.governed.deleteRows(fay, people, PROBE));
      expect(denied.code).toBe('PERMISSION_DENIED');
      expect(denied.message).toContain('SELECT on the whole table bronze.hr.people');
      expect(denied.message).toContain('data filter us_only');
      expect(denied.hint).toContain('exemption from its column masks');
      expect(await rowCount()).toBe(before);
      const [event] = await home.events('fay', 'table.delete_rows');
      expect(event).toMatchObject({
        resource: 'table:bronze.hr.people',
        decision: 'deny',
        reason: 'PERMISSION_DENIED',
      });
    });

    it('is refused to a caller who sees a column masked, even with SELECT on the table', async () => {
      const before = await rowCount();
      const denied = await failure(home.services.governed.deleteRows(mo, people, PROBE));
      expect(denied.code).toBe('PERMISSION_DENIED');
      expect(denied.message).toContain('masked columns (ssn: MASK)');
      expect(await rowCount()).toBe(before);
    });

    it('is allowed with SELECT on the whole table and no mask in the way', async () => {
      const before = await rowCount();
      const deleted = await home.services.governed.deleteRows(una, people, PROBE);
      expect(deleted.deletedRows).toBe(1);
      expect(await rowCount()).toBe(before - 1);
    });
  });

  describe('renaming a column', () => {
    let alter: Caller;

    beforeAll(async () => {
      alter = await home.user('al');
      await home.grant(['ALTER', 'SELECT'], TABLE, alter);
    });

    it('is refused when a mask protects the column, which keeps its name and its mask', async () => {
      const { governed } = home.services;
      const refused = await failure(
        governed.evolveSchema(alter, people, [{ kind: 'rename', name: 'ssn', newName: 'tax_id' }]),
      );
      expect(refused.code).toBe('COLUMN_HAS_POLICY');
      expect(refused.message).toContain('column mask on ssn');
      expect(refused.hint).toContain('recreate');
      const columns = (await governed.describeTable(home.admin, people)).columns;
      expect(columns.map((c) => c.name)).toContain('ssn');
      const masks = await home.services.policies.listColumnMasks(home.admin, PEOPLE);
      expect(masks.map((m) => m.column)).toEqual(['ssn']);
    });

    it('is refused when a data filter’s predicate names the column, in any case', async () => {
      await home.services.policies.createDataFilter(home.admin, {
        name: 'low_pay',
        table: PEOPLE,
        rowPredicate: 'SALARY < 25',
        grantees: [{ kind: 'group', name: 'all_users' }],
      });
      const refused = await failure(
        home.services.governed.evolveSchema(alter, people, [
          { kind: 'rename', name: 'salary', newName: 'pay' },
        ]),
      );
      expect(refused.code).toBe('COLUMN_HAS_POLICY');
      expect(refused.message).toContain('data filter low_pay');
    });

    it('works for a column no policy refers to', async () => {
      const described = await home.services.governed.evolveSchema(alter, people, [
        { kind: 'rename', name: 'email', newName: 'mail' },
      ]);
      expect(described.columns.map((c) => c.name)).toEqual([
        'name',
        'region',
        'ssn',
        'mail',
        'salary',
      ]);
    });
  });
});
