import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableIdent } from '../../src/catalog/index.js';
import type { Caller } from '../../src/governance/index.js';
import { failure } from '../failure.js';
import { governedHome, type GovernedHome } from './governed-home.js';

const people: TableIdent = { namespace: ['bronze', 'hr'], name: 'people' };
const PEOPLE = ['bronze', 'hr', 'people'];
const TABLE = 'bronze.hr.people';
const SSNS = ['123-45-6789', '987-65-4321', '555-12-3456'];

/**
 * Policies name columns as they are called today; every read, time travel included,
 * must present the table under those names, or a rename would unprotect old data.
 */
describe('reads under renamed columns', () => {
  let home: GovernedHome;
  let reader: Caller;
  let before: string;

  beforeAll(async () => {
    home = await governedHome();
    const { governed, policies, catalog } = home.services;
    await governed.createNamespace(home.admin, ['bronze', 'hr']);
    await governed.createTable(home.admin, people, {
      columns: [
        { name: 'id', type: 'long' },
        { name: 'ssn', type: 'string' },
        { name: 'note', type: 'string' },
        { name: 'score', type: 'int' },
      ],
    });
    await home.append(
      people,
      `SELECT * FROM (VALUES (1, '${SSNS[0]}', 'secret-a', 5), (2, '${SSNS[1]}', 'secret-b', 7))
         t(id, ssn, note, score)`,
    );
    before = (await catalog.loadTable(people)).currentSnapshot()!['snapshot-id'].toString();
    await home.append(
      people,
      `SELECT * FROM (VALUES (3, '${SSNS[2]}', 'secret-c', 9)) t(id, ssn, note, score)`,
    );
    // No write after these: the current snapshot still holds files with the old names.
    await governed.evolveSchema(home.admin, people, [
      { kind: 'rename', name: 'ssn', newName: 'tax_id' },
      { kind: 'drop', name: 'note' },
      { kind: 'widen', name: 'score', type: 'long' },
    ]);
    // A new column under the dropped one's name: it must not bind to the old data.
    await governed.evolveSchema(home.admin, people, [
      { kind: 'add', name: 'note', type: 'string' },
    ]);
    await policies.setColumnMask(home.admin, {
      table: PEOPLE,
      column: 'tax_id',
      function: 'MASK_SHOW_LAST_4',
      exempt: [{ kind: 'principal', name: home.admin.principal.name }],
    });
    reader = await home.user('rae');
    await home.grant(['SELECT'], { kind: 'table', path: PEOPLE }, reader);
  });

  afterAll(async () => {
    await home?.close();
  });

  const query = (caller: Caller, sql: string) => home.services.query.execute(caller, sql);
  const masked = (values: unknown[]) => {
    const real = SSNS.slice(0, values.length);
    expect(values.map((v) => String(v).slice(-4))).toEqual(real.map((s) => s.slice(-4)));
    expect(values.some((v) => SSNS.includes(String(v)))).toBe(false);
  };

  it('masks the renamed column in the current table, before any new write', async () => {
    const result = await query(reader, `SELECT * FROM ${TABLE} ORDER BY id`);
    expect(result.columns.map((c) => c.name)).toEqual(['id', 'tax_id', 'score', 'note']);
    masked(result.rows.map((r) => r[1]));
    expect(result.rows.map((r) => [Number(r[2]), r[3]])).toEqual([
      [5, null],
      [7, null],
      [9, null],
    ]);
  });

  it('masks it under the new name when travelling to a snapshot written with the old one', async () => {
    // \`before\` is not the current snapshot: it reads with its own columns.
    const result = await query(
      reader,
      `SELECT * FROM ${TABLE} AT (VERSION => ${before}) ORDER BY id`,
    );
    // The dropped note does not come back; the note added since is not in that snapshot.
    expect(result.columns.map((c) => c.name)).toEqual(['id', 'tax_id', 'score']);
    masked(result.rows.map((r) => r[1]));
    const probe = await query(
      reader,
      `SELECT count(*) FROM ${TABLE} AT (VERSION => ${before}) WHERE tax_id = '${SSNS[0]}'`,
    );
    expect(Number(probe.rows[0]![0])).toBe(0);
  });

  it('no longer knows the old name, now or in the past', async () => {
    for (const at of ['', ` AT (VERSION => ${before})`]) {
      const old = await failure(query(reader, `SELECT ssn FROM ${TABLE}${at}`));
      expect(old.code).toBe('SQL_ERROR');
      expect(old.message).toMatch(/"ssn" not found/);
    }
    const dropped = await failure(
      query(home.admin, `SELECT note FROM ${TABLE} AT (VERSION => ${before})`),
    );
    expect(dropped.code).toBe('SQL_ERROR');
    expect(dropped.message).toMatch(/"note" not found/);
  });

  it('lets an admin travel in time with the real values under today’s names', async () => {
    const result = await query(
      home.admin,
      `SELECT id, tax_id, score FROM ${TABLE} AT (VERSION => ${before}) ORDER BY id`,
    );
    expect(result.rows.map((r) => [Number(r[0]), r[1], Number(r[2])])).toEqual([
      [1, SSNS[0], 5],
      [2, SSNS[1], 7],
    ]);
    const found = await query(
      home.admin,
      `SELECT id FROM ${TABLE} AT (VERSION => ${before}) WHERE tax_id = '${SSNS[1]}'`,
    );
    expect(found.rows.map((r) => Number(r[0]))).toEqual([2]);
  });

  it('filters on today’s columns without pruning by what older files hold under that name', async () => {
    // The old note had no NULLs; the new one is NULL in every existing row.
    const nulls = await query(home.admin, `SELECT count(*) FROM ${TABLE} WHERE note IS NULL`);
    expect(Number(nulls.rows[0]![0])).toBe(3);
    const negated = await query(
      home.admin,
      `SELECT count(*) FROM ${TABLE} WHERE NOT (note IS NOT NULL OR id > 5)`,
    );
    expect(Number(negated.rows[0]![0])).toBe(3);
    const widened = await query(home.admin, `SELECT id FROM ${TABLE} WHERE score = 7`);
    expect(widened.rows.map((r) => Number(r[0]))).toEqual([2]);
  });
});
