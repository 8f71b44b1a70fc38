import { InvalidInput } from '../errors/index.js';
import type { IcebergType, PrimitiveType } from './types.js';

const SIMPLE_TYPES = [
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'date',
  'time',
  'timestamp',
  'timestamptz',
  'timestamp_ns',
  'timestamptz_ns',
  'string',
  'uuid',
  'binary',
  'unknown',
] as const;

/** Names people type in a CLI or know from SQL, mapped onto Iceberg's own. */
const ALIASES: Record<string, PrimitiveType> = {
  integer: 'int',
  int32: 'int',
  bigint: 'long',
  int64: 'long',
  bool: 'boolean',
  real: 'float',
  float32: 'float',
  float64: 'double',
  varchar: 'string',
  text: 'string',
  blob: 'binary',
  bytes: 'binary',
  timestamp_tz: 'timestamptz',
};

const DECIMAL = /^decimal\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)$/i;
const FIXED = /^fixed\s*[[(]\s*(\d+)\s*[\])]$/i;

export const MAX_DECIMAL_PRECISION = 38;

export function isPrimitive(type: IcebergType): type is PrimitiveType {
  return typeof type === 'string';
}

/** Precision and scale of a decimal type, or undefined for any other type. */
export function decimalParams(type: IcebergType): { precision: number; scale: number } | undefined {
  if (typeof type !== 'string') return undefined;
  const match = DECIMAL.exec(type);
  if (!match) return undefined;
  return { precision: Number(match[1]), scale: Number(match[2]) };
}

/** Length of a fixed[L] type, or undefined for any other type. */
export function fixedLength(type: IcebergType): number | undefined {
  if (typeof type !== 'string') return undefined;
  const match = FIXED.exec(type);
  return match ? Number(match[1]) : undefined;
}

export function decimalType(precision: number, scale: number): PrimitiveType {
  return `decimal(${precision}, ${scale})`;
}

export function typeToString(type: IcebergType): string {
  if (typeof type === 'string') return type;
  switch (type.type) {
    case 'list':
      return `list<${typeToString(type.element)}>`;
    case 'map':
      return `map<${typeToString(type.key)}, ${typeToString(type.value)}>`;
    case 'struct':
      return `struct<${type.fields.map((f) => `${f.name}: ${typeToString(f.type)}`).join(', ')}>`;
  }
}

/** Parses a primitive type name (Iceberg's spelling or a common SQL alias). */
export function parseType(text: string): PrimitiveType {
  const name = text.trim().toLowerCase();
  if ((SIMPLE_TYPES as readonly string[]).includes(name)) return name as PrimitiveType;
  const alias = ALIASES[name];
  if (alias) return alias;
  const decimal = decimalParams(name as PrimitiveType);
  if (decimal) {
    if (decimal.precision < 1 || decimal.precision > MAX_DECIMAL_PRECISION) {
      throw new InvalidInput('INVALID_TYPE', `Decimal precision must be 1 to 38, got "${text}".`, {
        hint: 'Use decimal(P, S) with 1 <= P <= 38 and 0 <= S <= P.',
      });
    }
    if (decimal.scale > decimal.precision) {
      throw new InvalidInput('INVALID_TYPE', `Decimal scale exceeds precision in "${text}".`, {
        hint: 'Use decimal(P, S) with 0 <= S <= P.',
      });
    }
    return decimalType(decimal.precision, decimal.scale);
  }
  const length = fixedLength(name as PrimitiveType);
  if (length !== undefined && length > 0) return `fixed[${length}]`;
  throw new InvalidInput('INVALID_TYPE', `Unknown column type "${text}".`, {
    hint: `Use one of: ${SIMPLE_TYPES.filter((t) => t !== 'unknown').join(', ')}, decimal(P, S), fixed[L].`,
  });
}

/** Type promotions an Iceberg v2 table allows (spec, "Schema Evolution"). */
export function canPromote(from: IcebergType, to: IcebergType): boolean {
  if (typeof from !== 'string' || typeof to !== 'string') return false;
  if (from === to) return true;
  if (from === 'int') return to === 'long';
  if (from === 'float') return to === 'double';
  const a = decimalParams(from);
  const b = decimalParams(to);
  return a !== undefined && b !== undefined && a.scale === b.scale && b.precision > a.precision;
}
