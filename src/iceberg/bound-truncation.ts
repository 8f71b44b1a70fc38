import type { PrimitiveType } from './types.js';
import { valueKind } from './values.js';

/**
 * Bounds of long strings and binaries are truncated, as the default metrics mode
 * `truncate(16)` asks: a prefix is still a lower bound, and a prefix whose last
 * unit is incremented is still an upper bound.
 */
export const DEFAULT_TRUNCATE_LENGTH = 16;

const MAX_CODE_POINT = 0x10ffff;
const SURROGATES_START = 0xd800;
const SURROGATES_END = 0xdfff;

export function truncateLowerBound(
  type: PrimitiveType,
  value: unknown,
  length = DEFAULT_TRUNCATE_LENGTH,
): unknown {
  const kind = valueKind(type);
  if (kind === 'string' && typeof value === 'string') return [...value].slice(0, length).join('');
  if (type === 'binary' && value instanceof Uint8Array) return value.slice(0, length);
  return value;
}

/** An upper bound no longer than `length`, or undefined when none exists (all units at their maximum). */
export function truncateUpperBound(
  type: PrimitiveType,
  value: unknown,
  length = DEFAULT_TRUNCATE_LENGTH,
): unknown {
  const kind = valueKind(type);
  if (kind === 'string' && typeof value === 'string') return truncateStringUpper(value, length);
  if (type === 'binary' && value instanceof Uint8Array) return truncateBinaryUpper(value, length);
  return value;
}

function truncateStringUpper(value: string, length: number): string | undefined {
  const codePoints = [...value].map((c) => c.codePointAt(0) ?? 0);
  if (codePoints.length <= length) return value;
  const kept = codePoints.slice(0, length);
  for (let i = kept.length - 1; i >= 0; i--) {
    let next = (kept[i] ?? 0) + 1;
    if (next >= SURROGATES_START && next <= SURROGATES_END) next = SURROGATES_END + 1;
    if (next <= MAX_CODE_POINT) return String.fromCodePoint(...kept.slice(0, i), next);
  }
  return undefined;
}

function truncateBinaryUpper(value: Uint8Array, length: number): Uint8Array | undefined {
  if (value.length <= length) return value;
  for (let i = length - 1; i >= 0; i--) {
    const byte = value[i] ?? 0xff;
    if (byte < 0xff) {
      const bound = value.slice(0, i + 1);
      bound[i] = byte + 1;
      return bound;
    }
  }
  return undefined;
}
