import { describeTransform } from './transforms.js';
import { formatDate, formatHour, formatMonth, formatTime, formatTimestamp } from './temporal.js';
import type { PartitionSpec, PrimitiveType, Transform } from './types.js';

/** A partition value as people read it (Java Iceberg's "human string"). */
export function partitionValueText(
  transform: Transform,
  resultType: PrimitiveType,
  value: unknown,
): string {
  if (value === null || value === undefined) return 'null';
  const kind = describeTransform(transform)?.kind;
  if (typeof value === 'number') {
    if (kind === 'year') return String(1970 + value);
    if (kind === 'month') return formatMonth(value);
    if (kind === 'hour') return formatHour(value);
    if (resultType === 'date') return formatDate(value);
  }
  if (typeof value === 'bigint') {
    if (resultType === 'time') return formatTime(value);
    if (resultType.startsWith('timestamp')) return formatTimestamp(resultType, value);
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return String(value);
}

/** The folder name text of one partition value: human-readable and URL-escaped. */
export function partitionValueToPath(
  transform: Transform,
  resultType: PrimitiveType,
  value: unknown,
): string {
  return encodeURIComponent(partitionValueText(transform, resultType, value));
}

/**
 * The `name=value/…` folder of a partition tuple. Result types come from the
 * caller (transformResultType of each field's source column).
 */
export function partitionPath(
  spec: PartitionSpec,
  resultTypes: Map<number, PrimitiveType>,
  partition: Record<string, unknown>,
): string {
  return spec.fields
    .map((field) => {
      const type = resultTypes.get(field['field-id']) ?? 'string';
      const value = partitionValueToPath(field.transform, type, partition[field.name]);
      return `${encodeURIComponent(field.name)}=${value}`;
    })
    .join('/');
}
