import { InvalidInput } from '../../errors/index.js';

/** One key's condition: the key's value must be one of `values` (OR across values). */
export interface TagClause {
  key: string;
  values: string[];
}

/** `domain=marketing AND sensitivity IN (public, internal)`: every clause must hold. */
export interface TagExpression {
  clauses: TagClause[];
}

interface Token {
  kind: 'word' | 'quoted' | 'symbol';
  text: string;
  /** 1-based character position in the expression. */
  position: number;
}

const WORD = /[A-Za-z0-9_\-.:/]/;

function invalid(expression: string, position: number, what: string): InvalidInput {
  return new InvalidInput(
    'TAG_EXPRESSION_INVALID',
    `Tag expression "${expression}" is not valid at position ${position}: ${what}.`,
    {
      hint: 'Write key=value or key IN (v1, v2), joined by AND, e.g. domain=marketing AND sensitivity IN (public, internal); quote values with other characters.',
      details: { position },
    },
  );
}

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expression.length) {
    const c = expression[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '=' || c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'symbol', text: c, position: i + 1 });
      i++;
    } else if (c === "'" || c === '"') {
      const start = i;
      let text = '';
      i++;
      for (;;) {
        if (i >= expression.length) throw invalid(expression, start + 1, 'unclosed quote');
        if (expression[i] === c) {
          if (expression[i + 1] === c) {
            text += c;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += expression[i];
        i++;
      }
      tokens.push({ kind: 'quoted', text, position: start + 1 });
    } else if (WORD.test(c)) {
      const start = i;
      while (i < expression.length && WORD.test(expression[i] as string)) i++;
      tokens.push({ kind: 'word', text: expression.slice(start, i), position: start + 1 });
    } else {
      throw invalid(expression, i + 1, `unexpected character "${c}"`);
    }
  }
  return tokens;
}

const isKeyword = (t: Token | undefined, word: string): boolean =>
  t?.kind === 'word' && t.text.toUpperCase() === word;

/**
 * Parses a tag expression: clauses `key=value` or `key IN (v1, v2)` joined by AND
 * (AND across keys, OR across the values of one key). Keys and values are bare words
 * or quoted strings. InvalidInput TAG_EXPRESSION_INVALID names the position.
 */
export function parseTagExpression(expression: string): TagExpression {
  const tokens = tokenize(expression);
  let at = 0;
  const end = expression.length + 1;
  const next = (): Token | undefined => tokens[at];
  const name = (what: string): string => {
    const token = next();
    if (token === undefined) throw invalid(expression, end, `expected ${what}`);
    if (token.kind === 'symbol') {
      throw invalid(expression, token.position, `expected ${what}, found "${token.text}"`);
    }
    at++;
    return token.text;
  };
  const symbol = (text: string): void => {
    const token = next();
    if (token?.kind !== 'symbol' || token.text !== text) {
      const found = token === undefined ? 'the end' : `"${token.text}"`;
      throw invalid(expression, token?.position ?? end, `expected "${text}", found ${found}`);
    }
    at++;
  };

  const clauses: TagClause[] = [];
  for (;;) {
    const key = name('a tag key');
    if (isKeyword(next(), 'IN')) {
      at++;
      symbol('(');
      const values = [name('a value')];
      while (next()?.text === ',' && next()?.kind === 'symbol') {
        at++;
        values.push(name('a value'));
      }
      symbol(')');
      clauses.push({ key, values });
    } else {
      symbol('=');
      clauses.push({ key, values: [name('a value')] });
    }
    const token = next();
    if (token === undefined) break;
    if (!isKeyword(token, 'AND')) {
      throw invalid(expression, token.position, `expected AND or the end, found "${token.text}"`);
    }
    at++;
  }
  return { clauses };
}

/** True when the tags (key → value) satisfy every clause. */
export function matchesTags(expression: TagExpression, tags: ReadonlyMap<string, string>): boolean {
  return expression.clauses.every((clause) => {
    const value = tags.get(clause.key);
    return value !== undefined && clause.values.includes(value);
  });
}
