import { InvalidInput } from '../errors/index.js';
import { bigintToMinBytes, decimalToUnscaled, unscaledToDecimal } from './decimal.js';
import { murmur3_32 } from './murmur3.js';
import { decimalParams, fixedLength, isPrimitive } from './primitive-types.js';
import {
  civilOfDays,
  floorDiv,
  MICROS_PER_DAY,
  MICROS_PER_HOUR,
  unitsPerMicro,
} from './temporal.js';
import type { IcebergType, PrimitiveType, Transform } from './types.js';
import {
  asBigint,
  asBytes,
  asNumber,
  asString,
  longToBytes,
  utf8Bytes,
  uuidToBytes,
} from './values.js';

/** A partition transform, parsed (spec, "Partition Transforms"). */
export type TransformSpec =
  | { kind: 'identity' | 'void' | 'year' | 'month' | 'day' | 'hour' }
  | { kind: 'bucket'; buckets: number }
  | { kind: 'truncate'; width: number };

const VALID_TRANSFORMS = 'identity, year, month, day, hour, bucket[N], truncate[W], void';
const SIMPLE = ['identity', 'void', 'year', 'month', 'day', 'hour'] as const;
const PARAMETERIZED = /^(bucket|truncate)\s*\[\s*(\d+)\s*\]$/;

/** The parsed transform, or undefined for one this version does not know (readers ignore those). */
export function describeTransform(transform: Transform): TransformSpec | undefined {
  const text = transform.trim().toLowerCase();
  const simple = SIMPLE.find((s) => s === text);
  if (simple) return { kind: simple };
  const match = PARAMETERIZED.exec(text);
  const n = Number(match?.[2]);
  if (!match || !Number.isSafeInteger(n) || n < 1 || n > 2_147_483_647) return undefined;
  return match[1] === 'bucket' ? { kind: 'bucket', buckets: n } : { kind: 'truncate', width: n };
}

/** The parsed transform; InvalidInput (INVALID_TRANSFORM) listing the valid ones otherwise. */
export function requireTransform(text: string): TransformSpec {
  const spec = describeTransform(text);
  if (spec) return spec;
  throw new InvalidInput(
    'INVALID_TRANSFORM',
    `"${text}" is not a partition transform; valid transforms are ${VALID_TRANSFORMS}.`,
    { hint: 'Write for example day, bucket[16] or truncate[4]; N and W are positive integers.' },
  );
}

/** Validates a transform a user wrote and returns its canonical spelling. */
export function parseTransform(text: string): Transform {
  return transformToString(requireTransform(text));
}

export function transformToString(transform: TransformSpec | Transform): string {
  const spec = typeof transform === 'string' ? describeTransform(transform) : transform;
  if (!spec) return String(transform);
  if (spec.kind === 'bucket') return `bucket[${spec.buckets}]`;
  if (spec.kind === 'truncate') return `truncate[${spec.width}]`;
  return spec.kind;
}

const TIMESTAMPS: readonly string[] = [
  'timestamp',
  'timestamptz',
  'timestamp_ns',
  'timestamptz_ns',
];
const BUCKETABLE: readonly string[] = [
  'int',
  'long',
  'date',
  'time',
  'string',
  'uuid',
  'binary',
  ...TIMESTAMPS,
];
const TRUNCATABLE: readonly string[] = ['int', 'long', 'string', 'binary'];

/** Whether the spec allows this transform on a column of this type. */
export function canTransform(transform: Transform, sourceType: IcebergType): boolean {
  const parsed = describeTransform(transform);
  if (!parsed) return false;
  if (parsed.kind === 'void') return true;
  if (!isPrimitive(sourceType) || sourceType === 'unknown') return false;
  const isDecimal = decimalParams(sourceType) !== undefined;
  switch (parsed.kind) {
    case 'identity':
      return true;
    case 'bucket':
      return BUCKETABLE.includes(sourceType) || isDecimal || fixedLength(sourceType) !== undefined;
    case 'truncate':
      return TRUNCATABLE.includes(sourceType) || isDecimal;
    case 'year':
    case 'month':
    case 'day':
      return sourceType === 'date' || TIMESTAMPS.includes(sourceType);
    case 'hour':
      return TIMESTAMPS.includes(sourceType);
  }
}

function refuse(transform: Transform, sourceType: IcebergType): InvalidInput {
  const shown = typeof sourceType === 'string' ? sourceType : sourceType.type;
  return new InvalidInput(
    'INVALID_TRANSFORM',
    `Transform ${transform} cannot be applied to a column of type ${shown}.`,
    {
      hint: 'year/month/day need a date or timestamp, hour a timestamp, truncate an int, long, decimal, string or binary.',
    },
  );
}

/** Type of the partition values the transform produces. */
export function transformResultType(transform: Transform, sourceType: IcebergType): PrimitiveType {
  const parsed = requireTransform(transform);
  if (parsed.kind === 'void') return isPrimitive(sourceType) ? sourceType : 'int';
  if (!canTransform(transform, sourceType) || !isPrimitive(sourceType)) {
    throw refuse(transform, sourceType);
  }
  switch (parsed.kind) {
    case 'identity':
    case 'truncate':
      return sourceType;
    case 'day':
      return 'date';
    case 'bucket':
    case 'year':
    case 'month':
    case 'hour':
      return 'int';
  }
}

/** The 32-bit hash of a value as Appendix B defines it. */
export function bucketHash(type: PrimitiveType, value: unknown): number {
  return murmur3_32(hashInput(type, value));
}

function hashInput(type: PrimitiveType, value: unknown): Uint8Array {
  // int and date hash as longs so that int → long promotion keeps bucket values.
  if (type === 'int' || type === 'date') return longToBytes(BigInt(asNumber(type, value)));
  if (type === 'long' || type === 'time' || TIMESTAMPS.includes(type)) {
    return longToBytes(floorDiv(asBigint(type, value), unitsPerMicro(type)));
  }
  if (type === 'string') return utf8Bytes(asString(type, value));
  if (type === 'uuid') return uuidToBytes(asString(type, value));
  const decimal = decimalParams(type);
  if (decimal) return bigintToMinBytes(decimalToUnscaled(value, decimal.scale));
  return asBytes(type, value);
}

/** Days since 1970-01-01 of a date or timestamp value. */
function epochDays(type: PrimitiveType, value: unknown): number {
  if (type === 'date') return asNumber(type, value);
  return Number(floorDiv(asBigint(type, value), MICROS_PER_DAY * unitsPerMicro(type)));
}

function truncate(type: PrimitiveType, width: number, value: unknown): unknown {
  if (type === 'int') {
    const v = asNumber(type, value);
    return v - (((v % width) + width) % width);
  }
  if (type === 'long') {
    const v = asBigint(type, value);
    const w = BigInt(width);
    return v - (((v % w) + w) % w);
  }
  if (type === 'string') return [...asString(type, value)].slice(0, width).join('');
  if (type === 'binary') return asBytes(type, value).slice(0, width);
  const scale = decimalParams(type)?.scale ?? 0;
  const unscaled = decimalToUnscaled(value, scale);
  const w = BigInt(width);
  return unscaledToDecimal(unscaled - (((unscaled % w) + w) % w), scale);
}

/** Partition value of one source value; null stays null. */
export function applyTransform(
  transform: Transform,
  sourceType: IcebergType,
  value: unknown,
): unknown {
  if (value === null || value === undefined) return null;
  const parsed = requireTransform(transform);
  if (parsed.kind === 'void') return null;
  if (!canTransform(transform, sourceType) || !isPrimitive(sourceType)) {
    throw refuse(transform, sourceType);
  }
  switch (parsed.kind) {
    case 'identity':
      return value;
    case 'bucket':
      return (bucketHash(sourceType, value) & 0x7fffffff) % parsed.buckets;
    case 'truncate':
      return truncate(sourceType, parsed.width, value);
    case 'year':
      return civilOfDays(epochDays(sourceType, value)).year - 1970;
    case 'month': {
      const { year, month } = civilOfDays(epochDays(sourceType, value));
      return (year - 1970) * 12 + month - 1;
    }
    case 'day':
      return epochDays(sourceType, value);
    case 'hour':
      return Number(
        floorDiv(asBigint(sourceType, value), MICROS_PER_HOUR * unitsPerMicro(sourceType)),
      );
  }
}
