import { createHash } from 'node:crypto';
import { quoteIdent, quoteLiteral } from '../../engine/index.js';
import type { ColumnShape, MaskFunction } from '../contract.js';

/** What a mask needs: its function, and the SQL of a CUSTOM one. */
export interface MaskSpec {
  function: MaskFunction | string;
  expression: string | null;
}

const HMAC_BLOCK = 64;

/** A DuckDB BLOB literal of the bytes, e.g. '\xAB\x01'::BLOB. */
function blobLiteral(bytes: Buffer): string {
  let text = '';
  for (const byte of bytes) text += `\\x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return `'${text}'::BLOB`;
}

/**
 * The inner and outer padded keys of HMAC-SHA-256 (RFC 2104): computed here so the
 * SQL carries only the two 64-byte blobs, never the key itself.
 */
function hmacPads(key: Buffer): { inner: Buffer; outer: Buffer } {
  const block = Buffer.alloc(HMAC_BLOCK);
  (key.length > HMAC_BLOCK ? createHash('sha256').update(key).digest() : key).copy(block);
  return {
    inner: Buffer.from(block.map((b) => b ^ 0x36)),
    outer: Buffer.from(block.map((b) => b ^ 0x5c)),
  };
}

function isDateLike(type: string): boolean {
  return type === 'date' || type.startsWith('timestamp');
}

/**
 * The SQL expression that replaces a column's value for a masked caller. NULL stays
 * NULL in every function. A date mask on a non-date column, or an unknown function,
 * gives NULL: an unexpected mask must hide, never reveal.
 */
export function maskSql(mask: MaskSpec, column: ColumnShape, hashKey: Buffer): string {
  const col = quoteIdent(column.name);
  const text = `CAST(${col} AS VARCHAR)`;
  const hidden = `CASE WHEN false THEN ${col} END`;
  switch (mask.function) {
    case 'MASK':
      return `regexp_replace(regexp_replace(regexp_replace(${text}, '[A-Z]', 'X', 'g'), '[a-z]', 'x', 'g'), '[0-9]', 'n', 'g')`;
    case 'MASK_SHOW_LAST_4':
      return `CASE WHEN length(${text}) <= 4 THEN ${text} ELSE repeat('x', length(${text}) - 4) || right(${text}, 4) END`;
    case 'MASK_SHOW_FIRST_4':
      return `CASE WHEN length(${text}) <= 4 THEN ${text} ELSE left(${text}, 4) || repeat('x', length(${text}) - 4) END`;
    case 'MASK_HASH': {
      const { inner, outer } = hmacPads(hashKey);
      return `sha256(${blobLiteral(outer)} || unhex(sha256(${blobLiteral(inner)} || encode(${text}))))`;
    }
    case 'MASK_NULL':
      return hidden;
    case 'MASK_DATE_SHOW_YEAR':
      if (!isDateLike(column.type)) return hidden;
      return column.type === 'date'
        ? `CAST(date_trunc('year', ${col}) AS DATE)`
        : `date_trunc('year', ${col})`;
    case 'CUSTOM':
      return mask.expression === null ? hidden : `(${mask.expression})`;
    default:
      return hidden;
  }
}

/** A one-line name of the mask for audit records and explanations. */
export function maskLabel(column: string, mask: MaskSpec): string {
  return mask.function === 'CUSTOM' && mask.expression !== null
    ? `${column}: CUSTOM ${quoteLiteral(mask.expression)}`
    : `${column}: ${mask.function}`;
}
