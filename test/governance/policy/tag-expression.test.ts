import { describe, expect, it } from 'vitest';
import { matchesTags, parseTagExpression } from '../../../src/governance/policy/tag-expression.js';

describe('parseTagExpression', () => {
  it('reads = and IN clauses joined by AND, words or quoted strings', () => {
    expect(
      parseTagExpression("domain=marketing AND sensitivity in (public, 'internal use')"),
    ).toEqual({
      clauses: [
        { key: 'domain', values: ['marketing'] },
        { key: 'sensitivity', values: ['public', 'internal use'] },
      ],
    });
    expect(parseTagExpression('"cost center" = "4711"').clauses).toEqual([
      { key: 'cost center', values: ['4711'] },
    ]);
  });

  it('says where an expression is wrong', () => {
    const cases: [string, number][] = [
      ['', 1],
      ['domain', 7],
      ['domain=', 8],
      ['domain=marketing OR x=y', 18],
      ['domain IN (a, )', 15],
      ['domain IN (a', 13],
      ["domain='open", 8],
      ['domain!=x', 7],
    ];
    for (const [text, position] of cases) {
      let error: unknown;
      try {
        parseTagExpression(text);
      } catch (err) {
        error = err;
      }
      expect(error, text).toMatchObject({
        code: 'TAG_EXPRESSION_INVALID',
        details: { position },
      });
      expect((error as Error).message).toContain(`position ${position}`);
    }
  });
});

describe('matchesTags', () => {
  const expression = parseTagExpression('domain=marketing AND sensitivity IN (public, internal)');
  it('needs every key (AND) and one of its values (OR)', () => {
    const tags = (entries: Record<string, string>) => new Map(Object.entries(entries));
    expect(matchesTags(expression, tags({ domain: 'marketing', sensitivity: 'internal' }))).toBe(
      true,
    );
    expect(matchesTags(expression, tags({ domain: 'marketing', sensitivity: 'pii' }))).toBe(false);
    expect(matchesTags(expression, tags({ domain: 'marketing' }))).toBe(false);
    expect(matchesTags(expression, tags({ domain: 'finance', sensitivity: 'public' }))).toBe(false);
  });
});
