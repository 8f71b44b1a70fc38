import { InvalidInput } from '../errors/index.js';

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?$/;

function invalidDecimal(value: unknown, scale: number, why: string): InvalidInput {
  return new InvalidInput(
    'INVALID_VALUE',
    `${String(value)} is not a decimal of scale ${scale}: ${why}.`,
    {
      hint: `Write decimals as text such as "12.34" with at most ${scale} digits after the point.`,
    },
  );
}

/** The unscaled integer of a decimal written as text ("12.34") for a column of the given scale. */
export function decimalToUnscaled(value: unknown, scale: number): bigint {
  if (typeof value === 'bigint') return value * 10n ** BigInt(scale);
  const text = typeof value === 'number' ? numberToPlainText(value) : value;
  if (typeof text !== 'string') throw invalidDecimal(value, scale, 'not text or a number');
  const match = DECIMAL_TEXT.exec(text.trim());
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) {
    throw invalidDecimal(value, scale, 'not a number');
  }
  const [, sign, whole = '', fraction = ''] = match;
  const kept = fraction.slice(0, scale);
  if (/[1-9]/.test(fraction.slice(scale))) {
    throw invalidDecimal(value, scale, 'too many digits after the point');
  }
  const digits = `${whole}${kept.padEnd(scale, '0')}` || '0';
  const unscaled = BigInt(digits);
  return sign === '-' ? -unscaled : unscaled;
}

function numberToPlainText(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const text = String(value);
  // Exponent notation ("1e-7") has no plain digits to split at the point.
  return /e/i.test(text) ? value.toFixed(20).replace(/\.?0+$/, '') : text;
}

/** Text form of an unscaled decimal: always exactly `scale` digits after the point. */
export function unscaledToDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return `${negative ? '-' : ''}${whole}${scale > 0 ? `.${fraction}` : ''}`;
}

/** Two's-complement big-endian bytes, as few as hold the value (Java's BigInteger.toByteArray). */
export function bigintToMinBytes(value: bigint): Uint8Array {
  const bytes: number[] = [];
  let rest = value;
  for (;;) {
    const byte = Number(rest & 0xffn);
    bytes.unshift(byte);
    rest >>= 8n;
    const signBitSet = (byte & 0x80) !== 0;
    if ((rest === 0n && !signBitSet) || (rest === -1n && signBitSet)) break;
  }
  return Uint8Array.from(bytes);
}

export function bigintFromBytes(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  const first = bytes[0] ?? 0;
  return first & 0x80 ? value - (1n << BigInt(bytes.length * 8)) : value;
}
