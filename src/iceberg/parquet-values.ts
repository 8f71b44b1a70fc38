import type { SchemaElement } from 'hyparquet';
import { bigintFromBytes, unscaledToDecimal } from './decimal.js';
import { decimalParams } from './primitive-types.js';
import { floorDiv } from './temporal.js';
import type { PrimitiveType } from './types.js';
import { uuidFromBytes } from './values.js';

/** Which end of a range a value bounds: unit conversions round outwards. */
export type BoundSide = 'lower' | 'upper';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Converts between time units so that the result still bounds the original value. */
function rescale(
  value: bigint,
  fromPerSecond: bigint,
  toPerSecond: bigint,
  side: BoundSide,
): bigint {
  if (fromPerSecond === toPerSecond) return value;
  if (fromPerSecond < toPerSecond) return value * (toPerSecond / fromPerSecond);
  const divisor = fromPerSecond / toPerSecond;
  const down = floorDiv(value, divisor);
  return side === 'lower' || down * divisor === value ? down : down + 1n;
}

function fileUnitsPerSecond(element: SchemaElement): bigint | undefined {
  const logical = element.logical_type;
  const unit =
    logical?.type === 'TIMESTAMP' || logical?.type === 'TIME'
      ? logical.unit
      : element.converted_type?.endsWith('_MILLIS')
        ? 'MILLIS'
        : element.converted_type?.endsWith('_MICROS')
          ? 'MICROS'
          : undefined;
  if (unit === 'MILLIS') return 1_000n;
  if (unit === 'MICROS') return 1_000_000n;
  if (unit === 'NANOS') return 1_000_000_000n;
  return undefined;
}

function targetUnitsPerSecond(type: PrimitiveType): bigint {
  return type.endsWith('_ns') ? 1_000_000_000n : 1_000_000n;
}

function fileDecimalScale(element: SchemaElement): number {
  const logical = element.logical_type;
  return logical?.type === 'DECIMAL' ? logical.scale : (element.scale ?? 0);
}

function decimalValue(unscaled: bigint, element: SchemaElement, type: PrimitiveType): unknown {
  const target = decimalParams(type);
  // Promotion never changes the scale, so a differing scale means another column.
  if (!target || fileDecimalScale(element) !== target.scale) return undefined;
  return unscaledToDecimal(unscaled, target.scale);
}

function isUnsigned(element: SchemaElement): boolean {
  const logical = element.logical_type;
  return (
    element.converted_type?.startsWith('UINT') === true ||
    (logical?.type === 'INTEGER' && !logical.isSigned)
  );
}

function fromInt32(bytes: Uint8Array, element: SchemaElement, type: PrimitiveType): unknown {
  const value = isUnsigned(element)
    ? view(bytes).getUint32(0, true)
    : view(bytes).getInt32(0, true);
  if (type === 'int' || type === 'date') return value <= 0x7fffffff ? value : undefined;
  if (type === 'long') return BigInt(value);
  if (type === 'time') return BigInt(value) * 1000n;
  return decimalValue(BigInt(value), element, type);
}

function fromInt64(
  bytes: Uint8Array,
  element: SchemaElement,
  type: PrimitiveType,
  side: BoundSide,
): unknown {
  const value = isUnsigned(element)
    ? view(bytes).getBigUint64(0, true)
    : view(bytes).getBigInt64(0, true);
  if (type === 'long') return value <= 0x7fffffffffffffffn ? value : undefined;
  if (type === 'time' || type.startsWith('timestamp')) {
    const from = fileUnitsPerSecond(element) ?? targetUnitsPerSecond(type);
    return rescale(value, from, targetUnitsPerSecond(type), side);
  }
  return decimalValue(value, element, type);
}

/** Parquet writes floating-point zero bounds with either sign; widen them to bound both zeros. */
function fromFloat(value: number, side: BoundSide): number | undefined {
  if (Number.isNaN(value)) return undefined;
  if (value === 0) return side === 'lower' ? -0 : 0;
  return value;
}

function fromBytes(bytes: Uint8Array, element: SchemaElement, type: PrimitiveType): unknown {
  if (type === 'string') {
    try {
      return strictUtf8.decode(bytes);
    } catch {
      return undefined;
    }
  }
  if (type === 'uuid') return bytes.length === 16 ? uuidFromBytes(bytes) : undefined;
  if (type === 'binary' || type.startsWith('fixed')) return Uint8Array.from(bytes);
  return decimalValue(bigintFromBytes(bytes), element, type);
}

/**
 * The Iceberg value (JS form) of a plain-encoded Parquet statistic, or undefined
 * when it cannot be read as a bound of the column's Iceberg type.
 */
export function parquetStatToValue(
  bytes: Uint8Array,
  element: SchemaElement,
  type: PrimitiveType,
  side: BoundSide,
): unknown {
  switch (element.type) {
    case 'BOOLEAN':
      return type === 'boolean' && bytes.length > 0 ? bytes[0] !== 0 : undefined;
    case 'INT32':
      return bytes.length === 4 ? fromInt32(bytes, element, type) : undefined;
    case 'INT64':
      return bytes.length === 8 ? fromInt64(bytes, element, type, side) : undefined;
    case 'FLOAT':
      if (bytes.length !== 4 || (type !== 'float' && type !== 'double')) return undefined;
      return fromFloat(view(bytes).getFloat32(0, true), side);
    case 'DOUBLE':
      if (bytes.length !== 8 || type !== 'double') return undefined;
      return fromFloat(view(bytes).getFloat64(0, true), side);
    case 'BYTE_ARRAY':
    case 'FIXED_LEN_BYTE_ARRAY':
      return fromBytes(bytes, element, type);
    default:
      // INT96 (legacy timestamps) has no defined order; no bounds.
      return undefined;
  }
}
