/**
 * A lexer for SQL text DuckDB has not seen (or could not parse): just enough of
 * PostgreSQL's/DuckDB's lexical rules to tell literals, quoted identifiers,
 * comments and parentheses apart. Linear in the text, never throws.
 */

export type SqlTokenKind =
  'string' | 'number' | 'quoted-identifier' | 'word' | 'parameter' | 'comment' | 'space' | 'symbol';

export interface SqlToken {
  kind: SqlTokenKind;
  text: string;
}

const wordStart = /[A-Za-z_\u0080-\uffff]/;
const wordPart = /[A-Za-z0-9_$\u0080-\uffff]/;
const number =
  /(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?)/y;
const dollarTag = /\$([A-Za-z_][A-Za-z0-9_]*)?\$/y;
/** Prefixes that make the quoted text after them a literal: E'…', X'…', B'…', N'…'. */
const stringPrefixes = new Set(['e', 'x', 'b', 'n']);

export function sqlTokens(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let at = 0;
  const push = (kind: SqlTokenKind, end: number): void => {
    tokens.push({ kind, text: sql.slice(at, end) });
    at = end;
  };
  while (at < sql.length) {
    const c = sql[at] as string;
    const next = sql[at + 1];
    if (/\s/.test(c)) push('space', spaceEnd(sql, at));
    else if (c === '-' && next === '-') push('comment', lineEnd(sql, at));
    else if (c === '/' && next === '*') push('comment', blockCommentEnd(sql, at));
    else if (c === "'") push('string', quotedEnd(sql, at, "'", false));
    else if (c === '"') push('quoted-identifier', quotedEnd(sql, at, '"', false));
    else if (stringPrefixes.has(c.toLowerCase()) && next === "'") {
      push('string', quotedEnd(sql, at + 1, "'", c.toLowerCase() === 'e'));
    } else if (c === '$') push(...dollarToken(sql, at));
    else if (wordStart.test(c)) push('word', wordEnd(sql, at));
    else if (/[0-9.]/.test(c) && startsNumber(sql, at)) push('number', numberEnd(sql, at));
    else push('symbol', at + 1);
  }
  return tokens;
}

function spaceEnd(sql: string, from: number): number {
  let end = from;
  while (end < sql.length && /\s/.test(sql[end] as string)) end++;
  return end;
}

function lineEnd(sql: string, from: number): number {
  const end = sql.indexOf('\n', from);
  return end === -1 ? sql.length : end;
}

/** Block comments nest, as in PostgreSQL; an unclosed one runs to the end. */
function blockCommentEnd(sql: string, from: number): number {
  let depth = 0;
  let at = from;
  while (at < sql.length) {
    if (sql.startsWith('/*', at)) {
      depth++;
      at += 2;
    } else if (sql.startsWith('*/', at)) {
      depth--;
      at += 2;
      if (depth === 0) return at;
    } else at++;
  }
  return sql.length;
}

/** A quoted run with doubled quotes as escapes (and backslashes in E'…'); unclosed runs to the end. */
function quotedEnd(sql: string, open: number, quote: string, backslashes: boolean): number {
  let at = open + 1;
  while (at < sql.length) {
    const c = sql[at];
    if (backslashes && c === '\\') at += 2;
    else if (c === quote && sql[at + 1] === quote) at += 2;
    else if (c === quote) return at + 1;
    else at++;
  }
  return sql.length;
}

/** `$tag$…$tag$` is a string; `$1` or `$name` a parameter; a lone `$` a symbol. */
function dollarToken(sql: string, from: number): [SqlTokenKind, number] {
  dollarTag.lastIndex = from;
  const tag = dollarTag.exec(sql);
  if (tag) {
    const close = sql.indexOf(tag[0], from + tag[0].length);
    return ['string', close === -1 ? sql.length : close + tag[0].length];
  }
  let end = from + 1;
  while (end < sql.length && /[A-Za-z0-9_]/.test(sql[end] as string)) end++;
  return end > from + 1 ? ['parameter', end] : ['symbol', end];
}

function wordEnd(sql: string, from: number): number {
  let end = from + 1;
  while (end < sql.length && wordPart.test(sql[end] as string)) end++;
  return end;
}

function startsNumber(sql: string, at: number): boolean {
  return /[0-9]/.test(sql[at] as string) || /[0-9]/.test(sql[at + 1] ?? '');
}

function numberEnd(sql: string, from: number): number {
  number.lastIndex = from;
  return from + (number.exec(sql)?.[0].length ?? 1);
}
