import { InvalidInput } from '../errors/index.js';
import {
  bigintFromBytes,
  bigintToMinBytes,
  decimalToUnscaled,
  unscaledToDecimal,
} from './decimal.js';
import { decimalParams, fixedLength } from './primitive-types.js';
import type { PrimitiveType } from './types.js';

/**
 * Iceberg values in JS form and their single-value binary serialization
 * (spec Appendix D), which manifests use for lower and upper bounds.
 * int/float/double/date: number; long/time/timestamp*: bigint; decimal: text
 * ("12.34"); string/uuid: string; binary/fixed: Uint8Array; boolean: boolean.
 */

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

export type ValueKind =
  | 'boolean'
  | 'int'
  | 'long'
  | 'float'
  | 'double'
  | 'decimal'
  | 'string'
  | 'uuid'
  | 'bytes'
  | 'unknown';

/** How a primitive type's values are represented and compared. */
export function valueKind(type: PrimitiveType): ValueKind {
  switch (type) {
    case 'boolean':
    case 'float':
    case 'double':
    case 'string':
    case 'uuid':
    case 'unknown':
      return type;
    case 'int':
    case 'date':
      return 'int';
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return 'long';
    case 'binary':
      return 'bytes';
  }
  if (decimalParams(type)) return 'decimal';
  if (fixedLength(type) !== undefined) return 'bytes';
  return 'unknown';
}

function wrongValue(type: PrimitiveType, value: unknown): InvalidInput {
  const shown = typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? String(value));
  return new InvalidInput('INVALID_VALUE', `${shown} is not a valid ${type} value.`, {
    hint: `Give a ${type} value in the form its column expects.`,
  });
}

export function asNumber(type: PrimitiveType, value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw wrongValue(type, value);
}

function asInt32(type: PrimitiveType, value: unknown): number {
  const n = asNumber(type, value);
  if (!Number.isInteger(n) || n < -0x80000000 || n > 0x7fffffff) throw wrongValue(type, value);
  return n;
}

export function asBigint(type: PrimitiveType, value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  throw wrongValue(type, value);
}

export function asBytes(type: PrimitiveType, value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  throw wrongValue(type, value);
}

export function asString(type: PrimitiveType, value: unknown): string {
  if (typeof value === 'string') return value;
  throw wrongValue(type, value);
}

export function uuidToBytes(uuid: string): Uint8Array {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw wrongValue('uuid', uuid);
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

export function uuidFromBytes(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function utf8Bytes(text: string): Uint8Array {
  return utf8.encode(text);
}

function fixedWidth(size: number, write: (view: DataView) => void): Uint8Array {
  const bytes = new Uint8Array(size);
  write(new DataView(bytes.buffer));
  return bytes;
}

export function longToBytes(value: bigint): Uint8Array {
  return fixedWidth(8, (view) => view.setBigInt64(0, BigInt.asIntN(64, value), true));
}

/** Appendix D binary form of one value. */
export function toBinary(type: PrimitiveType, value: unknown): Uint8Array {
  switch (valueKind(type)) {
    case 'boolean':
      if (typeof value !== 'boolean') throw wrongValue(type, value);
      return Uint8Array.of(value ? 1 : 0);
    case 'int':
      return fixedWidth(4, (v) => v.setInt32(0, asInt32(type, value), true));
    case 'long':
      return longToBytes(asBigint(type, value));
    case 'float':
      return fixedWidth(4, (v) => v.setFloat32(0, asNumber(type, value), true));
    case 'double':
      return fixedWidth(8, (v) => v.setFloat64(0, asNumber(type, value), true));
    case 'decimal':
      return bigintToMinBytes(decimalToUnscaled(value, decimalParams(type)?.scale ?? 0));
    case 'string':
      return utf8.encode(asString(type, value));
    case 'uuid':
      return uuidToBytes(asString(type, value));
    case 'bytes':
      return asBytes(type, value);
    case 'unknown':
      throw new InvalidInput('INVALID_VALUE', `Values of type ${type} have no binary form.`);
  }
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Reads an Appendix D value back into JS form. */
export function fromBinary(type: PrimitiveType, bytes: Uint8Array): unknown {
  switch (valueKind(type)) {
    case 'boolean':
      return bytes[0] !== 0;
    case 'int':
      return view(bytes).getInt32(0, true);
    case 'long':
      // A long bound of 4 bytes was written before an int → long promotion (spec, Schema Evolution).
      return bytes.length === 4
        ? BigInt(view(bytes).getInt32(0, true))
        : view(bytes).getBigInt64(0, true);
    case 'float':
      return view(bytes).getFloat32(0, true);
    case 'double':
      return bytes.length === 4 ? view(bytes).getFloat32(0, true) : view(bytes).getFloat64(0, true);
    case 'decimal':
      return unscaledToDecimal(bigintFromBytes(bytes), decimalParams(type)?.scale ?? 0);
    case 'string':
      return utf8Decoder.decode(bytes);
    case 'uuid':
      return uuidFromBytes(bytes);
    case 'bytes':
      return Uint8Array.from(bytes);
    case 'unknown':
      return null;
  }
}

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return sign(d);
  }
  return sign(a.length - b.length);
}

/** Code point order, which is also UTF-8 byte order (JS's < compares UTF-16 units). */
export function compareStrings(a: string, b: string): number {
  const ai = a[Symbol.iterator]();
  const bi = b[Symbol.iterator]();
  for (;;) {
    const x = ai.next();
    const y = bi.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const d = (x.value.codePointAt(0) ?? 0) - (y.value.codePointAt(0) ?? 0);
    if (d !== 0) return sign(d);
  }
}

/** IEEE 754 totalOrder for the values bounds may hold: -0 before +0, NaN last. */
function compareFloats(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
  if (a === 0 && b === 0) return sign((Object.is(a, -0) ? 0 : 1) - (Object.is(b, -0) ? 0 : 1));
  return sign(a - b);
}

/** Orders two values of one primitive type as Iceberg does; negative, zero or positive. */
export function compareValues(type: PrimitiveType, a: unknown, b: unknown): number {
  switch (valueKind(type)) {
    case 'boolean':
      return sign(Number(a) - Number(b));
    case 'int':
      return sign(asNumber(type, a) - asNumber(type, b));
    case 'long': {
      const x = asBigint(type, a);
      const y = asBigint(type, b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'float':
    case 'double':
      return compareFloats(asNumber(type, a), asNumber(type, b));
    case 'decimal': {
      const scale = decimalParams(type)?.scale ?? 0;
      const x = decimalToUnscaled(a, scale);
      const y = decimalToUnscaled(b, scale);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'string':
      return compareStrings(asString(type, a), asString(type, b));
    case 'uuid':
      return compareBytes(uuidToBytes(asString(type, a)), uuidToBytes(asString(type, b)));
    case 'bytes':
      return compareBytes(asBytes(type, a), asBytes(type, b));
    case 'unknown':
      return 0;
  }
}
