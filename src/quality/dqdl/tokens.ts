import { InvalidInput } from '../../errors/index.js';

export type TokenKind = 'word' | 'string' | 'number' | 'punct' | 'op' | 'end';

export interface Token {
  kind: TokenKind;
  /** The text: a string's content without quotes, a word as written. */
  text: string;
  line: number;
  column: number;
  /** Offset of the token's first character in the ruleset. */
  start: number;
  /** Offset just past its last character. */
  end: number;
}

/** A DQDL syntax error at a 1-based line and column, with what to write instead. */
export function dqdlError(at: { line: number; column: number }, message: string, hint: string) {
  return new InvalidInput('INVALID_DQDL', `Line ${at.line}, column ${at.column}: ${message}`, {
    hint,
    details: { line: at.line, column: at.column },
  });
}

const OPERATORS = ['>=', '<=', '!=', '>', '<', '='];

/** Splits a ruleset into tokens; `#` starts a comment that runs to the end of the line. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const push = (kind: TokenKind, value: string, start: number, end: number) =>
    tokens.push({ kind, text: value, line, column: start - lineStart + 1, start, end });
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '\n') {
      i++;
      line++;
      lineStart = i;
    } else if (/\s/.test(ch)) {
      i++;
    } else if (ch === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (ch === '"') {
      i = readString(text, i, (value, end) => push('string', value, i, end), {
        line,
        column: i - lineStart + 1,
      });
    } else if (/[0-9]/.test(ch) || (ch === '-' && /[0-9.]/.test(text[i + 1] ?? ''))) {
      const match = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(i))!;
      push('number', match[0], i, i + match[0].length);
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
      push('word', match[0], i, i + match[0].length);
      i += match[0].length;
    } else if ('[](),'.includes(ch)) {
      push('punct', ch, i, i + 1);
      i++;
    } else {
      const op = OPERATORS.find((o) => text.startsWith(o, i));
      if (op === undefined) {
        throw dqdlError(
          { line, column: i - lineStart + 1 },
          `unexpected character '${ch}'.`,
          'Rules are names, "quoted strings", numbers, [ ] ( ) , and the operators > >= < <= = !=.',
        );
      }
      push('op', op, i, i + op.length);
      i += op.length;
    }
  }
  tokens.push({
    kind: 'end',
    text: '',
    line,
    column: i - lineStart + 1,
    start: i,
    end: i,
  });
  return tokens;
}

/** A double-quoted string; `\"` and `\\` escape, as in Glue's DQDL. */
function readString(
  text: string,
  from: number,
  done: (value: string, end: number) => void,
  at: { line: number; column: number },
): number {
  let value = '';
  let i = from + 1;
  while (i < text.length && text[i] !== '"') {
    if (text[i] === '\n') break;
    if (text[i] === '\\' && i + 1 < text.length) i++;
    value += text[i];
    i++;
  }
  if (text[i] !== '"') {
    throw dqdlError(at, 'this string is not closed.', 'Close the string with " on the same line.');
  }
  done(value, i + 1);
  return i + 1;
}
