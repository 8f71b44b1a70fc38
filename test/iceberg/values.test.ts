import { describe, expect, it } from 'vitest';
import {
  compareValues,
  fromBinary,
  toBinary,
  truncateLowerBound,
  truncateUpperBound,
} from '../../src/iceberg/index.js';
import type { PrimitiveType } from '../../src/iceberg/index.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('single-value binary serialization (Appendix D)', () => {
  it.each([
    ['boolean', true, '01'],
    ['int', 1, '01000000'],
    ['int', -2, 'feffffff'],
    ['long', 1n, '0100000000000000'],
    ['float', 1, '0000803f'],
    ['double', 1, '000000000000f03f'],
    ['date', 17486, '4e440000'],
    ['timestamp', 1_510_871_468_000_000n, '00c3262d215e0500'],
    ['string', 'iceberg', hex(Buffer.from('iceberg'))],
    ['uuid', 'f79c3e09-677c-4bbd-a479-3f349cb785e7', 'f79c3e09677c4bbda4793f349cb785e7'],
    ['decimal(4, 2)', '14.20', '058c'],
    ['decimal(9, 2)', '-0.01', 'ff'],
    ['decimal(9, 2)', '1.28', '0080'],
    ['decimal(9, 2)', '0', '00'],
    ['binary', Uint8Array.of(0, 1, 2), '000102'],
    ['fixed[2]', Uint8Array.of(9, 8), '0908'],
  ] as const)('%s %s ↔ %s', (type, value, expected) => {
    const bytes = toBinary(type, value);
    expect(hex(bytes)).toBe(expected);
    const back = fromBinary(type, bytes);
    if (type === 'decimal(9, 2)' && value === '0') expect(back).toBe('0.00');
    else expect(back).toEqual(value);
  });

  it('writes decimals with the column scale and refuses extra digits', () => {
    expect(fromBinary('decimal(9, 3)', toBinary('decimal(9, 3)', '2.5'))).toBe('2.500');
    expect(() => toBinary('decimal(9, 2)', '2.555')).toThrow(/too many digits/);
  });

  it('reads bounds written before a type was widened', () => {
    expect(fromBinary('long', toBinary('int', -7))).toBe(-7n);
    expect(fromBinary('double', toBinary('float', 1.5))).toBe(1.5);
  });

  it('round-trips random longs and doubles', () => {
    for (let i = 0; i < 200; i++) {
      const long = BigInt.asIntN(64, BigInt(Math.floor(Math.random() * 2 ** 53)) << 11n);
      expect(fromBinary('long', toBinary('long', long))).toBe(long);
      const double = (Math.random() - 0.5) * 1e300;
      expect(fromBinary('double', toBinary('double', double))).toBe(double);
    }
  });
});

describe('compareValues', () => {
  it('orders strings by code point, as UTF-8 bytes do', () => {
    // U+FFFD sorts before U+1F600 by code point but after it in UTF-16 units.
    expect(compareValues('string', '\uFFFD', '😀')).toBeLessThan(0);
    expect(compareValues('string', 'ab', 'abc')).toBeLessThan(0);
  });

  it('orders binary unsigned and decimals numerically', () => {
    expect(compareValues('binary', Uint8Array.of(0x7f), Uint8Array.of(0x80))).toBeLessThan(0);
    expect(compareValues('decimal(9, 2)', '9.5', '10.25')).toBeLessThan(0);
    expect(compareValues('decimal(9, 2)', '-1.00', '-1')).toBe(0);
  });

  it('puts -0 before +0 and NaN last', () => {
    expect(compareValues('double', -0, 0)).toBeLessThan(0);
    expect(compareValues('double', NaN, Infinity)).toBeGreaterThan(0);
    expect(compareValues('long', -5n, 3n)).toBeLessThan(0);
  });
});

describe('bound truncation', () => {
  const type: PrimitiveType = 'string';

  it('keeps short values and cuts long ones to 16 code points', () => {
    expect(truncateLowerBound(type, 'short')).toBe('short');
    expect(truncateLowerBound(type, 'a'.repeat(20))).toBe('a'.repeat(16));
    expect(truncateUpperBound(type, 'a'.repeat(20))).toBe(`${'a'.repeat(15)}b`);
  });

  it('skips units that cannot grow and gives up when none can', () => {
    const max = String.fromCodePoint(0x10ffff);
    expect(truncateUpperBound(type, `ab${max.repeat(18)}`, 4)).toBe('ac');
    expect(truncateUpperBound(type, max.repeat(20))).toBeUndefined();
    expect(truncateUpperBound('binary', new Uint8Array(20).fill(0xff))).toBeUndefined();
    expect(truncateUpperBound('binary', Uint8Array.of(1, 0xff, 0xff, 7), 3)).toEqual(
      Uint8Array.of(2),
    );
  });

  it('steps over the surrogate range', () => {
    expect(truncateUpperBound(type, `\uD7FF${'x'.repeat(3)}`, 1)).toBe('\uE000');
  });

  it('produces bounds that still enclose random strings', () => {
    const alphabet = ['a', 'z', '\u00ff', '\uFFFF', '😀', String.fromCodePoint(0x10ffff)];
    for (let i = 0; i < 300; i++) {
      const value = Array.from(
        { length: 1 + Math.floor(Math.random() * 24) },
        () => alphabet[Math.floor(Math.random() * alphabet.length)],
      ).join('');
      expect(compareValues(type, truncateLowerBound(type, value), value)).toBeLessThanOrEqual(0);
      const upper = truncateUpperBound(type, value);
      if (upper !== undefined) expect(compareValues(type, upper, value)).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('bad values', () => {
  it('are refused with the type they should have had', () => {
    expect(() => toBinary('int', 1.5)).toThrow(/1.5 is not a valid int value/);
    expect(() => toBinary('int', 2 ** 31)).toThrow(
      expect.objectContaining({ code: 'INVALID_VALUE' }),
    );
    expect(() => toBinary('uuid', 'not-a-uuid')).toThrow(/not a valid uuid/);
    expect(() => toBinary('string', 5)).toThrow(/not a valid string/);
  });
});
