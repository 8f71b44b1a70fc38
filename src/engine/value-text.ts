import type { PrimitiveType } from '../iceberg/index.js';

/**
 * An Iceberg value from the text DuckDB prints for it (numbers as numbers, 64-bit
 * and temporal values as bigint micros or days); other types stay text for the caller.
 */
export function numericValueFromText(type: PrimitiveType, text: string): unknown {
  switch (type) {
    case 'boolean':
      return text === 'true';
    case 'int':
    case 'date':
    case 'float':
    case 'double':
      return Number(text);
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return BigInt(text);
  }
  return text;
}
