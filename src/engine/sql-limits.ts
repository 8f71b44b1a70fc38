import { InvalidInput } from '../errors/index.js';
import { sqlTokens } from './sql-tokens.js';

/**
 * Limits checked on the text before DuckDB's parser sees it: a parser recursing
 * through thousands of nested parentheses may exhaust its stack or take long,
 * and no real query needs that much.
 */
export const sqlLimits = { maxLength: 100_000, maxNesting: 200 } as const;

export function checkSqlLimits(sql: string): void {
  if (sql.length > sqlLimits.maxLength) {
    throw tooComplex(
      `The SQL text is ${sql.length} characters long; at most ${sqlLimits.maxLength} are allowed.`,
    );
  }
  let depth = 0;
  let deepest = 0;
  for (const { kind, text } of sqlTokens(sql)) {
    if (kind !== 'symbol') continue;
    if (text === '(' || text === '[' || text === '{') deepest = Math.max(deepest, ++depth);
    else if (text === ')' || text === ']' || text === '}') depth--;
  }
  if (deepest > sqlLimits.maxNesting) {
    throw tooComplex(
      `The SQL nests parentheses ${deepest} levels deep; at most ${sqlLimits.maxNesting} are allowed.`,
    );
  }
}

/** DuckDB's own complexity limits, hit past ours (long chains of operators), say the same. */
export function isComplexityMessage(message: string): boolean {
  return /^Max expression depth limit|^memory exhausted/.test(message);
}

export function tooComplex(message: string): InvalidInput {
  return new InvalidInput('QUERY_TOO_COMPLEX', message, {
    hint: 'Simplify the query: split it into smaller queries, or use IN (…) lists and CTEs instead of deep nesting.',
    details: { ...sqlLimits },
  });
}
