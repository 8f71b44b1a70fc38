import { describe, expect, it } from 'vitest';
import { LakewardError } from '../../src/errors/index.js';
import { parseRuleset } from '../../src/quality/index.js';

function errorOf(text: string): { message: string; line: number; column: number; hint?: string } {
  try {
    parseRuleset(text);
  } catch (err) {
    expect(err).toBeInstanceOf(LakewardError);
    const e = err as LakewardError;
    expect(e.code).toBe('INVALID_DQDL');
    return { message: e.message, hint: e.hint, ...(e.details as { line: number; column: number }) };
  }
  throw new Error(`parsed: ${text}`);
}

describe('DQDL parser', () => {
  it('reads Glue rulesets: comments, thresholds, where clauses, composition, trailing comma', () => {
    const rules = parseRuleset(`# checks of the silver sales table
Rules = [
    RowCount between 100 and 200,   # about a day of sales
    IsComplete "customer_id",
    ColumnValues "quantity" > 0 with threshold >= 0.99,
    ColumnValues "country" in ["France", "Germany", NULL],
    Completeness "email" > 0.9 where "country = 'France'",
    (IsUnique "id") and (ColumnLength "code" between 1 and 8),
    DataFreshness "sold_at" <= 24 hours,
    ColumnValues "code" not matches "X.*",
]
WarnRules = [ DetectAnomalies "RowCount" ]`);
    expect(rules.map((r) => [r.node.kind, r.node.line, r.severity])).toEqual([
      ['rule', 3, 'error'],
      ['rule', 4, 'error'],
      ['rule', 5, 'error'],
      ['rule', 6, 'error'],
      ['rule', 7, 'error'],
      ['and', 8, 'error'],
      ['rule', 9, 'error'],
      ['rule', 10, 'error'],
      ['rule', 12, 'warn'],
    ]);
    const third = rules[2]!.node;
    expect(third).toMatchObject({
      type: 'ColumnValues',
      args: ['quantity'],
      constraint: { kind: 'compare', op: '>', value: { kind: 'number', value: 0 } },
      threshold: { kind: 'compare', op: '>=', value: { kind: 'number', value: 0.99 } },
      text: 'ColumnValues "quantity" > 0 with threshold >= 0.99',
    });
    expect(rules[4]!.node).toMatchObject({ where: "country = 'France'" });
    expect(rules[6]!.node).toMatchObject({
      constraint: { kind: 'compare', op: '<=', value: { kind: 'duration', hours: 24 } },
    });
    expect(rules[7]!.node).toMatchObject({ constraint: { kind: 'matches', negated: true } });
  });

  it('rule names are case-insensitive, as in Glue', () => {
    expect(parseRuleset('Rules = [ iscomplete "a" ]')[0]!.node).toMatchObject({
      type: 'IsComplete',
    });
  });

  it.each([
    ['Rules = [ RowCount > 0 IsComplete "a" ]', 1, 24, 'expected "," or "]"'],
    ['Rules = [\n  IsComplet "a"\n]', 2, 3, "expected a rule but found 'IsComplet'"],
    ['Rules = [\n  RowCount\n]', 3, 1, 'RowCount needs a comparison'],
    [
      'Rules = [\n  ColumnValues "x" > 0,\n  Completeness "a" "b" > 0.5\n]',
      3,
      3,
      'takes 1 quoted argument(s), not 2',
    ],
    ['Rules = [ IsComplete "a" > 1 ]', 1, 26, 'IsComplete compares with nothing'],
    ['Rules = [ ColumnValues "a" in ["x" "y"] ]', 1, 36, 'expected "," or "]" in the list'],
    ['Rules = [ ColumnValues "a = 1 ]', 1, 24, 'this string is not closed'],
    ['Rules = [ Mean "a" between 1 10 ]', 1, 30, 'expected "and"'],
    [
      'Rules = [ (IsComplete "a") and (IsComplete "b") or (IsComplete "c") ]',
      1,
      49,
      'and and or are mixed',
    ],
    ['Rulez = [ RowCount > 0 ]', 1, 1, 'expected "Rules = ["'],
    ['Rules = [ ]', 1, 12, 'no rules'],
    ['Rules = [ RowCount > 0 with threshold > 0.5 ]', 1, 24, 'takes no threshold'],
    ['Rules = [ DataFreshness "t" <= 24 ]', 1, 11, 'compares with a duration'],
    ['Rules = [ DetectAnomalies "Rowcount" ]', 1, 11, 'DetectAnomalies follows'],
    ['Rules = [ ColumnValues "a" matches "(" ]', 1, 11, 'not a regular expression'],
    ['Rules = [ ColumnValues "a" > 1 where ]', 1, 38, 'expected a quoted SQL condition'],
    ['Rules = [ RowCount > 0 ]\nRules = [ RowCount > 1 ]', 2, 1, 'appears twice'],
    ['Rules = [ RowCount > 0 ] ; ', 1, 26, "unexpected character ';'"],
    [
      'Rules = [ ReferentialIntegrity "a" "b" = 1 ]',
      1,
      11,
      'names the referenced column with its table',
    ],
  ])('%j fails at line %i, column %i', (text, line, column, message) => {
    const e = errorOf(text);
    expect(e.message).toContain(message);
    expect(e.message).toMatch(new RegExp(`^Line ${line}, column ${column}:`));
    expect({ line: e.line, column: e.column }).toEqual({ line, column });
    expect(e.hint).toBeTruthy();
  });
});
