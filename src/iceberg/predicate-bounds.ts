import type { Predicate } from './rewrite-not.js';
import type { PrimitiveType } from './types.js';
import { compareValues } from './values.js';

/**
 * What is known about one column's values in a file or a manifest. Bounds exclude
 * nulls and NaN; a truncated string upper bound is still an upper bound.
 */
export interface ValueRange {
  lower?: unknown;
  upper?: unknown;
  mayHaveNull: boolean;
  /** False only when every value is known to be null. */
  mayHaveNonNull: boolean;
  mayHaveNan: boolean;
}

const NEGATIVE_OPS: readonly string[] = ['neq', 'notIn', 'notStartsWith'];

function isNaNValue(v: unknown): boolean {
  return typeof v === 'number' && Number.isNaN(v);
}

function prefixOf(value: string, length: number): string {
  return [...value].slice(0, length).join('');
}

function startsWithMayMatch(type: PrimitiveType, prefix: string, range: ValueRange): boolean {
  if (type !== 'string') return true;
  const length = [...prefix].length;
  const { lower, upper } = range;
  if (typeof lower === 'string' && compareValues(type, prefixOf(lower, length), prefix) > 0)
    return false;
  if (typeof upper === 'string' && compareValues(type, prefixOf(upper, length), prefix) < 0)
    return false;
  return true;
}

/** True when every non-null value is known to equal `value` (lower == upper == value). */
function allEqual(type: PrimitiveType, range: ValueRange, value: unknown): boolean {
  const { lower, upper } = range;
  if (lower === undefined || upper === undefined) return false;
  return compareValues(type, lower, value) === 0 && compareValues(type, upper, value) === 0;
}

function comparisonMayMatch(type: PrimitiveType, p: Predicate, range: ValueRange): boolean {
  const { lower, upper } = range;
  const cmpLower = (v: unknown): number =>
    lower === undefined ? -1 : compareValues(type, lower, v);
  const cmpUpper = (v: unknown): number =>
    upper === undefined ? 1 : compareValues(type, upper, v);
  switch (p.op) {
    case 'lt':
      return cmpLower(p.value) < 0;
    case 'lte':
      return cmpLower(p.value) <= 0;
    case 'gt':
      return cmpUpper(p.value) > 0;
    case 'gte':
      return cmpUpper(p.value) >= 0;
    case 'eq':
      return cmpLower(p.value) <= 0 && cmpUpper(p.value) >= 0;
    case 'in':
      return p.values.some((v) => cmpLower(v) <= 0 && cmpUpper(v) >= 0);
    case 'neq':
      return !allEqual(type, range, p.value);
    case 'notIn':
      return !p.values.some((v) => allEqual(type, range, v));
    case 'startsWith':
      return startsWithMayMatch(type, p.value, range);
    case 'notStartsWith':
      return !(
        typeof lower === 'string' &&
        typeof upper === 'string' &&
        lower.startsWith(p.value) &&
        upper.startsWith(p.value)
      );
    default:
      return true;
  }
}

function literals(p: Predicate): unknown[] {
  if ('values' in p) return p.values;
  return 'value' in p ? [p.value] : [];
}

/** SQL engines treat -0 and +0 as equal, so bounds at zero must cover both. */
function widenZeros(type: PrimitiveType, range: ValueRange): ValueRange {
  if (type !== 'float' && type !== 'double') return range;
  return {
    ...range,
    lower: range.lower === 0 ? -0 : range.lower,
    upper: range.upper === 0 ? 0 : range.upper,
  };
}

/**
 * Whether rows with values in this range may satisfy the predicate. False only when
 * none can. Negative predicates never prune columns that may hold nulls, since
 * engines disagree on whether `x != 1` matches a null x.
 */
export function rangeMayMatch(type: PrimitiveType, p: Predicate, range: ValueRange): boolean {
  switch (p.op) {
    case 'isNull':
      return range.mayHaveNull;
    case 'notNull':
      return range.mayHaveNonNull;
    case 'isNan':
      return range.mayHaveNan && range.mayHaveNonNull;
    case 'notNan':
      return true;
  }
  if (NEGATIVE_OPS.includes(p.op) && range.mayHaveNull) return true;
  if (!range.mayHaveNonNull) return NEGATIVE_OPS.includes(p.op);
  // NaN lies outside the bounds and sorts above every number in DuckDB.
  if (range.mayHaveNan && !['lt', 'lte', 'startsWith'].includes(p.op)) return true;
  if (literals(p).some(isNaNValue)) return true;
  try {
    return comparisonMayMatch(type, p, widenZeros(type, range));
  } catch {
    return true;
  }
}

/** The range of a single known value, e.g. a file's partition value. */
export function exactRange(value: unknown): ValueRange {
  const isNull = value === null || value === undefined;
  const nan = isNaNValue(value);
  return {
    lower: isNull || nan ? undefined : value,
    upper: isNull || nan ? undefined : value,
    mayHaveNull: isNull,
    mayHaveNonNull: !isNull,
    mayHaveNan: nan,
  };
}
