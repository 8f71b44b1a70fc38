import { describe, expect, it } from 'vitest';
import { parseColumnExpression } from '../../src/engine/index.js';
import { failure } from '../failure.js';

const columns = ['ssn', 'birth_date', 'email'];

describe('parseColumnExpression', () => {
  it('returns one scalar expression over the columns, as DuckDB prints it', async () => {
    expect(await parseColumnExpression("concat('***-**-', right(ssn, 4))", columns)).toBe(
      'concat(\'***-**-\', "right"(ssn, 4))',
    );
    expect(await parseColumnExpression("date_trunc('year', BIRTH_DATE)", columns)).toBe(
      "date_trunc('year', BIRTH_DATE)",
    );
  });

  it('allows caller functions only when asked to', async () => {
    const sql = "CASE WHEN is_member('hr') THEN ssn END";
    expect(await parseColumnExpression(sql, columns, { callerFunctions: true })).toBe(
      "CASE  WHEN (is_member('hr')) THEN (ssn) ELSE NULL END",
    );
    const err = await failure(parseColumnExpression(sql, columns));
    expect(err.message).toMatch(/may not call the function 'is_member'/);
  });

  it.each([
    ['', /empty/],
    ['ssn, email', /single value/],
    ['ssn AS x', /may not name itself/],
    ['count(ssn)', /may not call the function 'count'/],
    ['max(ssn) OVER ()', /window expressions/],
    ['row_number() OVER ()', /window expressions/],
    ['(SELECT 1)', /subqueries/],
    ['ssn IN (SELECT email FROM t)', /subqueries/],
    ['*', /star expressions/],
    ['salary', /'salary', which is not a column/],
    ["getenv('HOME')", /may not call the function 'getenv'/],
    ["read_text('/etc/passwd')", /may not call the function 'read_text'/],
    ['ssn FROM other', /not valid SQL/],
    ['ssn; DROP TABLE t', /not valid SQL|single value/],
    ['ssn -- comment', /must be one value only|not valid SQL/],
  ])('refuses %j', async (sql, message) => {
    const err = await failure(parseColumnExpression(sql, columns));
    expect(err.code).toBe('INVALID_COLUMN_EXPRESSION');
    expect(err.message).toMatch(message);
    expect(err.hint).toMatch(/one value over the table's columns/);
  });

  it('refuses an expression too long to parse safely', async () => {
    const err = await failure(parseColumnExpression(`ssn || '${'x'.repeat(100_001)}'`, columns));
    expect(err.code).toBe('QUERY_TOO_COMPLEX');
  });
});
