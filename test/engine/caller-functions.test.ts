import { describe, expect, it } from 'vitest';
import { bindCallerFunctions, parsePredicate } from '../../src/engine/index.js';
import { DuckDBInstance } from '@duckdb/node-api';
import { failure } from '../failure.js';

const columns = ['owner', 'region'];
const alice = { user: 'alice', groups: ['hr', 'EU-sales'] };

describe('parsePredicate with caller functions', () => {
  it('allows current_user() and is_member(group) only when asked to', async () => {
    const sql = "owner = current_user() OR is_member('hr')";
    const parsed = await parsePredicate(sql, columns, { callerFunctions: true });
    expect(parsed.sql).toBe('(("owner" = current_user()) OR is_member(\'hr\'))');
    const err = await failure(parsePredicate(sql, columns));
    expect(err.code).toBe('INVALID_PREDICATE');
    expect(err.message).toMatch(/may not call the function 'current_user'/);
  });

  it.each([
    ["current_user('bob') = owner", /current_user\(\) takes no arguments/],
    ['is_member(region)', /one group name as a string literal/],
    ["is_member('a', 'b')", /one group name as a string literal/],
    ['is_member()', /one group name as a string literal/],
    ['is_member(NULL)', /one group name as a string literal/],
    ["is_member('a' || 'b')", /one group name as a string literal/],
    ["main.is_member('hr')", /may not call the function 'is_member'/],
    ["is_member((SELECT 'hr'))", /one group name as a string literal/],
    ["getenv('USER') = current_user()", /may not call the function 'getenv'/],
  ])('refuses %s', async (sql, message) => {
    const err = await failure(parsePredicate(sql, columns, { callerFunctions: true }));
    expect(err.code).toBe('INVALID_PREDICATE');
    expect(err.message).toMatch(message);
    expect(err.hint).toMatch(/condition over the table's columns/);
  });
});

describe('bindCallerFunctions', () => {
  it('puts in the user name and the group memberships, case-sensitively', async () => {
    const bound = await bindCallerFunctions(
      "owner = current_user() OR is_member('hr') OR is_member('HR') OR is_member('EU-sales')",
      alice,
    );
    expect(bound).toBe(
      "((\"owner\" = 'alice') OR CAST('t' AS BOOLEAN) OR CAST('f' AS BOOLEAN) OR CAST('t' AS BOOLEAN))",
    );
  });

  it('keeps a user name with quotes, backslashes and comments a single string', async () => {
    const user = 'o\'brien\\\' OR 1=1; DROP TABLE x; -- \n"quoted" /*';
    const bound = await bindCallerFunctions('owner = current_user()', { user, groups: [] });
    // The bound text, run as a condition, compares owner with exactly that name.
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    const reader = await db.runAndReadAll(
      `SELECT owner FROM (VALUES ($1::VARCHAR), ('other')) t(owner) WHERE ${bound}`,
      [user],
    );
    db.closeSync();
    instance.closeSync();
    expect(reader.getRows()).toEqual([[user]]);
  });

  it('leaves a predicate without caller functions as it is, normalised', async () => {
    expect(await bindCallerFunctions("region = 'US'", alice)).toBe("(region = 'US')");
  });

  it('refuses a predicate that is not one condition', async () => {
    const err = await failure(bindCallerFunctions('true; SELECT current_user()', alice));
    expect(err.code).toBe('INVALID_PREDICATE');
    const call = await failure(bindCallerFunctions('is_member(owner)', alice));
    expect(call.message).toMatch(/string literal/);
  });
});
