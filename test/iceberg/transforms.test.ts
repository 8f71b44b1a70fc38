import { describe, expect, it } from 'vitest';
import {
  applyTransform,
  bucketHash,
  canTransform,
  murmur3_32,
  parseTransform,
  partitionPath,
  partitionValueToPath,
  transformResultType,
} from '../../src/iceberg/index.js';

const days = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
const micros = (iso: string): bigint => BigInt(Date.parse(`${iso}Z`)) * 1000n;

describe('bucket hashes match the spec (Appendix B)', () => {
  it.each([
    ['int', 34, 2017239379],
    ['long', 34n, 2017239379],
    ['decimal(4, 2)', '14.20', -500754589],
    ['date', days('2017-11-16'), -653330422],
    ['time', (22n * 3600n + 31n * 60n + 8n) * 1_000_000n, -662762989],
    ['timestamp', micros('2017-11-16T22:31:08'), -2047944441],
    ['timestamp', micros('2017-11-16T22:31:08') + 1n, -1207196810],
    ['timestamptz', micros('2017-11-16T22:31:08'), -2047944441],
    ['timestamp_ns', micros('2017-11-16T22:31:08') * 1000n, -2047944441],
    ['timestamptz_ns', (micros('2017-11-16T22:31:08') + 1n) * 1000n + 1n, -1207196810],
    ['string', 'iceberg', 1210000089],
    ['uuid', 'f79c3e09-677c-4bbd-a479-3f349cb785e7', 1488055340],
    ['fixed[4]', Uint8Array.of(0, 1, 2, 3), -188683207],
    ['binary', Uint8Array.of(0, 1, 2, 3), -188683207],
  ] as const)('%s %s hashes to %d', (type, value, expected) => {
    expect(bucketHash(type, value)).toBe(expected);
  });

  it('hashes "34" as a string differently from 34 (the spec example)', () => {
    expect(bucketHash('string', '34')).toBe(-427558391);
  });

  it('murmur3 of the empty input with seed 0 is 0', () => {
    expect(murmur3_32(new Uint8Array())).toBe(0);
  });

  it('bucket[N] is the non-negative hash modulo N', () => {
    expect(applyTransform('bucket[16]', 'int', 34)).toBe((2017239379 & 0x7fffffff) % 16);
    expect(applyTransform('bucket[100]', 'string', 'iceberg')).toBe(1210000089 % 100);
    expect(applyTransform('bucket[7]', 'decimal(4, 2)', '14.20')).toBe(
      (-500754589 & 0x7fffffff) % 7,
    );
  });
});

describe('temporal transforms', () => {
  it('count years, months, days and hours from 1970', () => {
    const ts = micros('2026-01-02T10:15:00');
    expect(applyTransform('year', 'timestamp', ts)).toBe(56);
    expect(applyTransform('month', 'timestamp', ts)).toBe(56 * 12);
    expect(applyTransform('day', 'timestamp', ts)).toBe(days('2026-01-02'));
    expect(applyTransform('hour', 'timestamp', ts)).toBe(days('2026-01-02') * 24 + 10);
    expect(applyTransform('month', 'date', days('2026-03-31'))).toBe(56 * 12 + 2);
  });

  it('floor values before 1970 instead of rounding them towards zero', () => {
    const justBefore = micros('1969-12-31T23:59:59');
    expect(applyTransform('year', 'timestamp', justBefore)).toBe(-1);
    expect(applyTransform('month', 'timestamp', justBefore)).toBe(-1);
    expect(applyTransform('day', 'timestamp', justBefore)).toBe(-1);
    expect(applyTransform('hour', 'timestamp', justBefore)).toBe(-1);
    expect(applyTransform('day', 'timestamp_ns', -1n)).toBe(-1);
    expect(applyTransform('year', 'date', days('1969-01-01'))).toBe(-1);
  });

  it('read nanosecond timestamps in their unit', () => {
    const ns = micros('2026-01-02T10:15:00') * 1000n;
    expect(applyTransform('hour', 'timestamptz_ns', ns)).toBe(days('2026-01-02') * 24 + 10);
  });
});

describe('truncate', () => {
  it('follows the spec examples', () => {
    expect(applyTransform('truncate[10]', 'int', 1)).toBe(0);
    expect(applyTransform('truncate[10]', 'int', -1)).toBe(-10);
    expect(applyTransform('truncate[10]', 'long', -1n)).toBe(-10n);
    expect(applyTransform('truncate[50]', 'decimal(9, 2)', '10.65')).toBe('10.50');
    expect(applyTransform('truncate[3]', 'string', 'iceberg')).toBe('ice');
    expect(applyTransform('truncate[3]', 'binary', Uint8Array.of(1, 2, 3, 4, 5))).toEqual(
      Uint8Array.of(1, 2, 3),
    );
  });

  it('counts code points, not UTF-16 units', () => {
    expect(applyTransform('truncate[2]', 'string', '😀😁😂')).toBe('😀😁');
  });
});

describe('transform validation', () => {
  it('keeps null as null and void always null', () => {
    expect(applyTransform('day', 'date', null)).toBeNull();
    expect(applyTransform('void', 'string', 'x')).toBeNull();
  });

  it('canonicalises transforms and refuses unknown ones with the valid list', () => {
    expect(parseTransform(' Bucket[ 16 ] ')).toBe('bucket[16]');
    expect(() => parseTransform('weekly')).toThrow(/identity, year, month, day, hour, bucket\[N\]/);
    expect(() => parseTransform('bucket[0]')).toThrow(
      expect.objectContaining({ code: 'INVALID_TRANSFORM' }),
    );
  });

  it('knows which source types each transform accepts', () => {
    expect(canTransform('hour', 'date')).toBe(false);
    expect(canTransform('day', 'date')).toBe(true);
    expect(canTransform('bucket[4]', 'double')).toBe(false);
    expect(canTransform('bucket[4]', 'decimal(10, 2)')).toBe(true);
    expect(canTransform('truncate[4]', 'uuid')).toBe(false);
    expect(canTransform('identity', { type: 'struct', fields: [] })).toBe(false);
    expect(() => applyTransform('year', 'string', 'x')).toThrow(/cannot be applied/);
  });

  it('gives the spec result types', () => {
    expect(transformResultType('day', 'timestamp')).toBe('date');
    expect(transformResultType('month', 'date')).toBe('int');
    expect(transformResultType('bucket[8]', 'string')).toBe('int');
    expect(transformResultType('truncate[8]', 'string')).toBe('string');
    expect(transformResultType('identity', 'decimal(9, 2)')).toBe('decimal(9, 2)');
  });
});

describe('partition folder names', () => {
  it('are human-readable', () => {
    expect(partitionValueToPath('day', 'date', days('2026-01-02'))).toBe('2026-01-02');
    expect(partitionValueToPath('month', 'int', 56 * 12)).toBe('2026-01');
    expect(partitionValueToPath('year', 'int', 56)).toBe('2026');
    expect(partitionValueToPath('hour', 'int', days('2026-01-02') * 24 + 10)).toBe('2026-01-02-10');
    expect(partitionValueToPath('identity', 'string', null)).toBe('null');
    expect(partitionValueToPath('identity', 'string', 'a b/c')).toBe('a%20b%2Fc');
    expect(partitionValueToPath('identity', 'timestamp', micros('2026-01-02T10:15:00'))).toBe(
      '2026-01-02T10%3A15%3A00',
    );
  });
});

describe('partition folders', () => {
  it('join name=value pairs in spec order', () => {
    const spec = {
      'spec-id': 1,
      fields: [
        { 'source-id': 1, 'field-id': 1000, name: 'ts_day', transform: 'day' },
        { 'source-id': 2, 'field-id': 1001, name: 'region', transform: 'identity' },
        { 'source-id': 3, 'field-id': 1002, name: 'id_bucket', transform: 'bucket[8]' },
      ],
    };
    const types = new Map([
      [1000, 'date'],
      [1001, 'string'],
      [1002, 'int'],
    ] as const);
    expect(
      partitionPath(spec, new Map(types), {
        ts_day: days('2026-01-02'),
        region: 'US/East',
        id_bucket: 3,
      }),
    ).toBe('ts_day=2026-01-02/region=US%2FEast/id_bucket=3');
    expect(
      partitionPath(spec, new Map(types), { ts_day: null, region: null, id_bucket: null }),
    ).toBe('ts_day=null/region=null/id_bucket=null');
  });
});
