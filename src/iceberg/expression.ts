/**
 * Row predicates that scan planning can evaluate against partition values and
 * column bounds. Fields are column names of the schema being scanned (nested with
 * dots). Values are in Iceberg's JS form (see values.ts): int/float/double/date as
 * number (date = days since 1970-01-01), long/time/timestamp* as bigint (micros, or
 * nanos for *_ns), decimal as string, string/uuid as string, binary/fixed as Uint8Array.
 */
export type Expression =
  | { op: 'true' }
  | { op: 'false' }
  | { op: 'and' | 'or'; left: Expression; right: Expression }
  | { op: 'not'; arg: Expression }
  | { op: 'lt' | 'lte' | 'gt' | 'gte' | 'eq' | 'neq'; field: string; value: unknown }
  | { op: 'in' | 'notIn'; field: string; values: unknown[] }
  | { op: 'isNull' | 'notNull' | 'isNan' | 'notNan'; field: string }
  | { op: 'startsWith' | 'notStartsWith'; field: string; value: string };
