import { DuckDBTypeId, JsonDuckDBValueConverter } from '@duckdb/node-api';
import type { DuckDBBlobValue, DuckDBValueConverter, Json } from '@duckdb/node-api';

/**
 * DuckDB values in JSON-safe form, the same for JSON answers, NDJSON and CSV:
 * - integers beyond ±2^53 (BIGINT, HUGEINT, …) as strings, smaller ones as numbers;
 * - DECIMAL always as a string, so money keeps every digit whatever its size;
 * - DATE as 'YYYY-MM-DD', TIMESTAMP as ISO 8601 ('2026-01-01T10:00:00'), TIMESTAMPTZ
 *   in UTC with 'Z'; TIME and INTERVAL as DuckDB prints them;
 * - BLOB as base64; LIST/STRUCT/MAP as JSON arrays and objects (MAP as [{key, value}]);
 * - NaN and ±Infinity of FLOAT/DOUBLE as strings.
 */
export const toJsonSafe: DuckDBValueConverter<unknown> = (value, type, self) => {
  if (value === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return safeInteger(value as bigint);
    case DuckDBTypeId.DECIMAL:
    case DuckDBTypeId.INTERVAL:
      return String(value);
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return String(value).replace(' ', 'T');
    case DuckDBTypeId.TIMESTAMP_TZ:
      // Sandboxes run with TimeZone UTC, so DuckDB prints '+00'.
      return String(value).replace(' ', 'T').replace(/\+00$/, 'Z');
    case DuckDBTypeId.BLOB:
      return Buffer.from((value as DuckDBBlobValue).bytes).toString('base64');
  }
  // Nested values recurse through this converter, so their leaves get the same rules.
  return JsonDuckDBValueConverter(value, type, self as DuckDBValueConverter<Json>);
};

function safeInteger(value: bigint): number | string {
  const safe = value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER);
  return safe ? Number(value) : value.toString();
}

/** One CSV record (RFC 4180, CRLF). NULL is an empty field; an empty string is `""`. */
export function csvRecord(values: readonly unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text === '' || /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One NDJSON line: an object keyed by (deduplicated) column name. */
export function ndjsonRecord(names: readonly string[], values: readonly unknown[]): string {
  const record: Record<string, unknown> = {};
  names.forEach((name, i) => (record[name] = values[i] ?? null));
  return `${JSON.stringify(record)}\n`;
}
