import type { IcebergType } from '../../../iceberg/index.js';

/**
 * How JSON values meet Iceberg column types on the stream write path. Values are
 * handed to DuckDB as NDJSON text, so "fits" also yields the JSON text to write.
 */

/** The type a column gets from a JSON value when the schema is inferred. */
export function inferredType(value: unknown): IcebergType | undefined {
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? 'long' : 'double';
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'string';
    case 'object':
      // null says nothing about the type; objects and arrays are kept as their JSON text.
      return value === null ? undefined : 'string';
    default:
      return undefined;
  }
}

/** One type for values seen with several: numbers meet at double, anything else at string. */
export function unifyTypes(a: IcebergType, b: IcebergType): IcebergType {
  if (a === b) return a;
  const numbers = new Set<IcebergType>(['long', 'double']);
  if (numbers.has(a) && numbers.has(b)) return 'double';
  return 'string';
}

export type Fit =
  | { ok: true; text: string }
  /** widen: the value fits once the column is widened to this type (int→long, float→double). */
  | { ok: false; reason: string; widen?: IcebergType };

const INT_MAX = 2 ** 31 - 1;
const FLOAT_MAX = 3.4028234663852886e38;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DECIMAL_TYPE = /^decimal\((\d+),\s*(\d+)\)$/;

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value;
}

function refuse(value: unknown, type: IcebergType): Fit {
  const shown = typeof type === 'string' ? type : type.type;
  return { ok: false, reason: `a ${kindOf(value)} cannot be stored in a ${shown} column` };
}

function validDate(text: string): boolean {
  return !Number.isNaN(Date.parse(`${text.slice(0, 10)}T00:00:00Z`));
}

/** The JSON text to write for a value of a column of this type, or why it does not fit. */
export function fitValue(value: unknown, type: IcebergType): Fit {
  if (value === null) return { ok: true, text: 'null' };
  switch (type) {
    case 'string':
      // A string column holds any JSON value: strings as sent, the others as their JSON text.
      return {
        ok: true,
        text: JSON.stringify(typeof value === 'string' ? value : JSON.stringify(value)),
      };
    case 'long':
      if (typeof value !== 'number' || !Number.isInteger(value)) return refuse(value, type);
      if (!Number.isSafeInteger(value)) {
        return { ok: false, reason: `${String(value)} is beyond ±2^53 and cannot be read exactly` };
      }
      return { ok: true, text: String(value) };
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) return refuse(value, type);
      if (Math.abs(value) > INT_MAX) {
        return {
          ok: false,
          reason: `${String(value)} does not fit a 32-bit int column`,
          widen: 'long',
        };
      }
      return { ok: true, text: String(value) };
    case 'double':
      return typeof value === 'number' ? { ok: true, text: String(value) } : refuse(value, type);
    case 'float':
      if (typeof value !== 'number') return refuse(value, type);
      if (Math.abs(value) > FLOAT_MAX) {
        return {
          ok: false,
          reason: `${String(value)} does not fit a float column`,
          widen: 'double',
        };
      }
      return { ok: true, text: String(value) };
    case 'boolean':
      return typeof value === 'boolean' ? { ok: true, text: String(value) } : refuse(value, type);
    case 'date':
      return typeof value === 'string' && DATE.test(value) && validDate(value)
        ? { ok: true, text: JSON.stringify(value) }
        : { ok: false, reason: `${JSON.stringify(value)} is not a date (YYYY-MM-DD)` };
    case 'timestamp':
    case 'timestamptz':
      return typeof value === 'string' && TIMESTAMP.test(value) && validDate(value)
        ? { ok: true, text: JSON.stringify(value) }
        : { ok: false, reason: `${JSON.stringify(value)} is not an ISO 8601 timestamp` };
    case 'uuid':
      return typeof value === 'string' && UUID.test(value)
        ? { ok: true, text: JSON.stringify(value) }
        : { ok: false, reason: `${JSON.stringify(value)} is not a UUID` };
    default:
      return fitDecimal(value, type);
  }
}

function fitDecimal(value: unknown, type: IcebergType): Fit {
  const decimal = typeof type === 'string' ? DECIMAL_TYPE.exec(type) : null;
  if (decimal === null)
    return { ok: false, reason: `streams cannot write ${JSON.stringify(type)} columns` };
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
  const digits = /^-?(\d+)(?:\.(\d+))?$/.exec(text);
  const [precision, scale] = [Number(decimal[1]), Number(decimal[2])];
  const whole = digits?.[1]?.replace(/^0+(?=\d)/, '') ?? '';
  if (digits === null || whole.length > precision - scale || (digits[2]?.length ?? 0) > scale) {
    return { ok: false, reason: `${JSON.stringify(value)} is not a ${type} value` };
  }
  return { ok: true, text: JSON.stringify(text) };
}

/**
 * Whether the value's JSON text as sent means what fitValue would write for it, so the
 * bytes as sent can be handed to DuckDB. Numbers read as sent parse to the same value
 * (5.0 and 1e3 into an integer column too); values that need a conversion (a number
 * or an object in a string column, a number in a decimal column) do not qualify.
 */
export function fitsAsSent(value: unknown, type: IcebergType): boolean {
  if (value === null) return true;
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'long':
      return Number.isSafeInteger(value);
    case 'double':
      return Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'int':
    case 'float':
      return typeof value === 'number' && Number.isFinite(value) && fitValue(value, type).ok;
    default:
      return typeof value === 'string' && fitValue(value, type).ok;
  }
}

/**
 * The column types a stream writer can fill from JSON, besides decimal(P, S): what a stream
 * may declare and what its table may hold.
 */
export const WRITABLE_TYPES: readonly string[] = [
  'string',
  'long',
  'int',
  'double',
  'float',
  'boolean',
  'date',
  'timestamp',
  'timestamptz',
  'uuid',
];

/** How a user is told which types a stream can declare. */
export const WRITABLE_TYPES_TEXT = `${WRITABLE_TYPES.join(', ')}, decimal(P, S)`;

/** Declared column types the stream writer can fill from JSON. */
export function writableType(type: IcebergType | string): boolean {
  if (typeof type !== 'string') return false;
  return WRITABLE_TYPES.includes(type) || DECIMAL_TYPE.test(type);
}
