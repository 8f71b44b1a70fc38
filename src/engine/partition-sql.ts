import { InvalidInput } from '../errors/index.js';
import { describeTransform, transformResultType, unscaledToDecimal } from '../iceberg/index.js';
import type { IcebergType, PartitionField, PrimitiveType } from '../iceberg/index.js';
import { numericValueFromText } from './value-text.js';

/**
 * A partition transform computed in SQL, for DuckDB's PARTITION_BY. The SQL yields
 * the partition value in a text form that `parse` turns into Iceberg's JS form.
 * Text-like values get a leading '=' so that no value can be mistaken for DuckDB's
 * NULL folder (__HIVE_DEFAULT_PARTITION__).
 */
export interface PartitionColumn {
  field: PartitionField;
  resultType: PrimitiveType;
  sql: string;
  parse(text: string | null): unknown;
}

const MICROS_PER_DAY = '86400000000';
const MICROS_PER_HOUR = '3600000000';

export function partitionColumn(
  field: PartitionField,
  sourceType: IcebergType,
  column: string,
): PartitionColumn {
  const resultType = transformResultType(field.transform, sourceType);
  const transform = describeTransform(field.transform);
  if (!transform || typeof sourceType !== 'string') throw unsupported(field);
  let sql: string;
  switch (transform.kind) {
    case 'identity':
      sql = canonical(sourceType, column);
      break;
    case 'void':
      sql = 'NULL';
      break;
    case 'year':
      sql = `(year(${asTimestamp(sourceType, column)}) - 1970)`;
      break;
    case 'month': {
      const ts = asTimestamp(sourceType, column);
      sql = `((year(${ts}) - 1970) * 12 + month(${ts}) - 1)`;
      break;
    }
    case 'day':
      sql =
        sourceType === 'date'
          ? `(${column} - DATE '1970-01-01')`
          : floorDiv(epochMicros(sourceType, column), MICROS_PER_DAY);
      break;
    case 'hour':
      sql = floorDiv(epochMicros(sourceType, column), MICROS_PER_HOUR);
      break;
    case 'bucket':
      sql = bucketSql(sourceType, column, transform.buckets);
      break;
    case 'truncate':
      sql = canonical(resultType, truncateSql(sourceType, column, transform.width));
      break;
  }
  return { field, resultType, sql, parse: (text) => parseValue(resultType, text) };
}

/** The partition value of a source value as text (numbers plain, text-like ones prefixed with '='). */
function canonical(type: PrimitiveType, sql: string): string {
  switch (type) {
    case 'boolean':
    case 'int':
    case 'long':
    case 'float':
    case 'double':
      return sql;
    case 'date':
      return `(${sql} - DATE '1970-01-01')`;
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamptz_ns':
    case 'timestamp_ns':
      return epochOf(type, sql);
    case 'binary':
      return `('=' || hex(${sql}))`;
  }
  if (type.startsWith('fixed')) return `('=' || hex(${sql}))`;
  return `('=' || CAST(${sql} AS VARCHAR))`;
}

function epochOf(type: PrimitiveType, sql: string): string {
  if (type === 'time') return `epoch_us(DATE '1970-01-01' + ${sql})`;
  if (type === 'timestamp_ns') return `epoch_ns(${sql})`;
  // DuckDB keeps timestamptz at microseconds; Iceberg's nanosecond form is 1000× that.
  if (type === 'timestamptz_ns') return `(epoch_us(${sql}) * 1000)`;
  return `epoch_us(${sql})`;
}

function epochMicros(type: PrimitiveType, sql: string): string {
  return type === 'timestamp_ns' ? floorDiv(`epoch_ns(${sql})`, '1000') : `epoch_us(${sql})`;
}

/** A naive UTC timestamp of a date or timestamp, so year()/month() need no time zone support. */
function asTimestamp(type: PrimitiveType, sql: string): string {
  return type === 'date'
    ? `CAST(${sql} AS TIMESTAMP)`
    : `make_timestamp(${epochMicros(type, sql)})`;
}

/** Integer division rounding toward −∞, as Iceberg's transforms do for times before 1970. */
function floorDiv(sql: string, divisor: string): string {
  return `((${sql} - (((${sql}) % ${divisor}) + ${divisor}) % ${divisor}) // ${divisor})`;
}

function bucketSql(type: PrimitiveType, sql: string, buckets: number): string {
  if (type.startsWith('decimal'))
    return `iceberg_bucket_decimal(CAST(${sql} AS VARCHAR), ${buckets})`;
  return `iceberg_bucket(${sql}, ${buckets})`;
}

function truncateSql(type: PrimitiveType, sql: string, width: number): string {
  if (type === 'int' || type === 'long')
    return `(${sql} - (((${sql} % ${width}) + ${width}) % ${width}))`;
  if (type === 'string') return `left(${sql}, ${width})`;
  if (type === 'binary') return `${sql}[1:${width}]`;
  const scale = Number(/,\s*(\d+)\)/.exec(type)?.[1] ?? 0);
  // W units of the last decimal digit, as an exact DuckDB decimal.
  const unit = `CAST('${unscaledToDecimal(BigInt(width), scale)}' AS DECIMAL(38, ${scale}))`;
  return `CAST(${sql} - (((${sql} % (${unit})) + (${unit})) % (${unit})) AS ${decimalDuck(type)})`;
}

function decimalDuck(type: PrimitiveType): string {
  return type.replace(/^decimal/, 'DECIMAL').replace(/\s/g, '');
}

function parseValue(type: PrimitiveType, text: string | null): unknown {
  if (text === null) return null;
  const numeric = numericValueFromText(type, text);
  if (typeof numeric !== 'string') return numeric;
  // Text values carry a one-character prefix so that they never read as DuckDB's NULL folder.
  const value = text.slice(1);
  if (type === 'binary' || type.startsWith('fixed'))
    return Uint8Array.from(Buffer.from(value, 'hex'));
  return value;
}

function unsupported(field: PartitionField): InvalidInput {
  return new InvalidInput(
    'UNSUPPORTED_PARTITION',
    `Partition field '${field.name}' (${field.transform}) cannot be written by this version.`,
  );
}
