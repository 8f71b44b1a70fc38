import { isUtf8 } from 'node:buffer';
import type { IcebergType } from '../../../iceberg/index.js';
import { fitValue } from './json-values.js';

/** A column as the scan compares it: its exact name as UTF-8 bytes. */
export interface ScannedColumn {
  name: Buffer;
  type: IcebergType;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const DOT = 0x2e;
const OPEN = 0x7b;
const CLOSE = 0x7d;
/** The digits of a long certainly within ±2^53 (what fitsAsSent demands). */
const LONG_DIGITS = 15;
const INT_DIGITS = 9;
/** A number this short with an exponent of at most two digits is finite as a double. */
const DOUBLE_CHARS = 30;
const STRING_CHECKED = new Set<IcebergType>(['date', 'timestamp', 'timestamptz', 'uuid']);

/**
 * The columns a scan can compare against, or undefined when a name holds a byte the scan
 * does not read as a plain name (a quote, a backslash, a control character).
 */
export function scannedColumns(
  columns: readonly { name: string; type: IcebergType }[],
): ScannedColumn[] | undefined {
  const scanned = columns.map((c) => ({ name: Buffer.from(c.name), type: c.type }));
  const plain = scanned.every(({ name }) =>
    name.every((b) => b >= 0x20 && b !== QUOTE && b !== BACKSLASH),
  );
  return plain && scanned.length > 0 ? scanned : undefined;
}

/**
 * Where the `{` of a record's bytes is when they are, as sent, one JSON object with
 * exactly these fields in this order, each value fitting its column as written; else -1.
 *
 * This reads bytes without building strings or objects: it is the way most records of a
 * stream take (JSON.parse and the checks after it cost several times more). It accepts
 * only a plain subset of JSON (no escapes, no nested values, no line breaks, short
 * numbers), for which it is certain that JSON.parse would yield an object whose values
 * fit as sent, so the row it leads to is the one the full path writes; anything else
 * (-1) takes the full path, which decides.
 */
export function scanSentRow(raw: Buffer, columns: readonly ScannedColumn[]): number {
  let i = skipBlanks(raw, 0);
  const start = i;
  if (raw[i++] !== OPEN) return -1;
  for (let k = 0; k < columns.length; k++) {
    i = skipBlanks(raw, i);
    if (k > 0) {
      if (raw[i] !== COMMA) return -1;
      i = skipBlanks(raw, i + 1);
    }
    const column = columns[k] as ScannedColumn;
    i = nameEnd(raw, i, column.name);
    if (i < 0) return -1;
    i = skipBlanks(raw, i);
    if (raw[i] !== COLON) return -1;
    i = skipBlanks(raw, i + 1);
    const first = raw[i];
    if (first === QUOTE) {
      const end = stringEnd(raw, i + 1);
      if (end < 0 || !stringFits(raw, i + 1, end, column.type)) return -1;
      i = end + 1;
    } else {
      i = literalEnd(raw, i, column.type);
      if (i < 0) return -1;
    }
  }
  i = skipBlanks(raw, i);
  if (raw[i++] !== CLOSE) return -1;
  if (skipBlanks(raw, i) !== raw.length) return -1;
  // Bytes that are not UTF-8 are set aside by the full path (JSON.parse would not see them).
  return isUtf8(raw) ? start : -1;
}

/** Spaces, tabs and carriage returns: a line break ends the scan (the row is one line). */
function skipBlanks(raw: Buffer, i: number): number {
  while (raw[i] === 0x20 || raw[i] === 0x09 || raw[i] === 0x0d) i++;
  return i;
}

/** The index after the quoted name at i when it is exactly `name`, else -1. */
function nameEnd(raw: Buffer, i: number, name: Buffer): number {
  if (raw[i] !== QUOTE) return -1;
  const from = i + 1;
  for (let j = 0; j < name.length; j++) if (raw[from + j] !== name[j]) return -1;
  return raw[from + name.length] === QUOTE ? from + name.length + 1 : -1;
}

/** The index of the closing quote of a string without escapes or control characters, else -1. */
function stringEnd(raw: Buffer, i: number): number {
  for (; i < raw.length; i++) {
    const b = raw[i] as number;
    if (b === QUOTE) return i;
    if (b === BACKSLASH || b < 0x20) return -1;
  }
  return -1;
}

function stringFits(raw: Buffer, from: number, to: number, type: IcebergType): boolean {
  if (type === 'string') return true;
  // Dates, timestamps and UUIDs are ASCII: other bytes fail their check as they should.
  return STRING_CHECKED.has(type) && fitValue(raw.toString('latin1', from, to), type).ok;
}

/** The index after a null, boolean or number that fits the column as written, else -1. */
function literalEnd(raw: Buffer, i: number, type: IcebergType): number {
  const b = raw[i];
  if (b === 0x6e) return word(raw, i, 'null');
  if (b === 0x74 || b === 0x66) {
    return type === 'boolean' ? word(raw, i, b === 0x74 ? 'true' : 'false') : -1;
  }
  if (b !== MINUS && !isDigit(b)) return -1;
  return numberEnd(raw, i, type);
}

function word(raw: Buffer, i: number, text: string): number {
  for (let j = 0; j < text.length; j++) if (raw[i + j] !== text.charCodeAt(j)) return -1;
  return i + text.length;
}

/** A JSON number (RFC 8259 grammar) whose text as sent the column reads exactly. */
function numberEnd(raw: Buffer, start: number, type: IcebergType): number {
  let i = start;
  if (raw[i] === MINUS) i++;
  const intStart = i;
  if (raw[i] === 0x30) i++;
  else if (isDigit(raw[i])) while (isDigit(raw[i])) i++;
  else return -1;
  const intDigits = i - intStart;
  // A fraction of zeros only (17850.0) still reads exactly into an integer column.
  let plain = true;
  if (raw[i] === DOT) {
    if (!isDigit(raw[++i])) return -1;
    for (; isDigit(raw[i]); i++) if (raw[i] !== 0x30) plain = false;
  }
  let expDigits = 0;
  if (raw[i] === 0x65 || raw[i] === 0x45) {
    plain = false;
    i++;
    if (raw[i] === 0x2b || raw[i] === MINUS) i++;
    const expStart = i;
    while (isDigit(raw[i])) i++;
    expDigits = i - expStart;
    if (expDigits === 0) return -1;
  }
  if (type === 'long') return plain && intDigits <= LONG_DIGITS ? i : -1;
  if (type === 'int') return plain && intDigits <= INT_DIGITS ? i : -1;
  if (type === 'double') return i - start <= DOUBLE_CHARS && expDigits <= 2 ? i : -1;
  return -1;
}

function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= 0x30 && b <= 0x39;
}
