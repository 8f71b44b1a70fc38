import {
  icebergToDuckType,
  parseColumnExpression,
  quoteIdent,
  quoteLiteral,
} from '../engine/index.js';
import type { Session } from '../engine/index.js';
import { InvalidInput, LakewardError } from '../errors/index.js';
import type { Schema } from '../iceberg/index.js';
import type { ResultColumn } from './target-schema.js';

/** The rows of a staged Parquet file. */
export function stagedSql(file: string): string {
  return `SELECT * FROM read_parquet(${quoteLiteral(file)})`;
}

export async function resultColumns(session: Session, file: string): Promise<ResultColumn[]> {
  return session.describe(stagedSql(file));
}

/**
 * One row per key: the last by `orderBy` (largest first, NULLs last), else any. The
 * ordering is the job definition's text and runs in a trusted session, so it must be a
 * plain expression over the result's columns (what a column mask may be: no
 * subqueries, table functions or file access).
 */
export async function dedupedSql(
  rowsSql: string,
  columns: ResultColumn[],
  keys: string[],
  orderBy: string | null,
): Promise<string> {
  requireColumns(columns, keys, 'dedupe key');
  const partition = keys.map(quoteIdent).join(', ');
  const order =
    orderBy === null ? '' : ` ORDER BY (${await checkedOrder(orderBy, columns)}) DESC NULLS LAST`;
  return `SELECT * FROM (${rowsSql}) AS rows QUALIFY row_number() OVER (PARTITION BY ${partition}${order}) = 1`;
}

/** Writes the rows with the target's columns and types (by name; a missing one is NULL). */
export async function stageTyped(
  session: Session,
  rowsSql: string,
  columns: ResultColumn[],
  schema: Schema,
  file: string,
): Promise<number> {
  const projection = schema.fields.map((field) => {
    const source = columns.find((c) => c.name.toLowerCase() === field.name.toLowerCase());
    const value = source === undefined ? 'NULL' : `rows.${quoteIdent(source.name)}`;
    return `CAST(${value} AS ${icebergToDuckType(field.type)}) AS ${quoteIdent(field.name)}`;
  });
  const [written] = await session.all<{ Count: string | number }>(
    `COPY (SELECT ${projection.join(', ')} FROM (${rowsSql}) AS rows) TO ${quoteLiteral(file)} (FORMAT PARQUET)`,
  );
  return Number(written?.Count ?? 0);
}

export async function countRows(session: Session, rowsSql: string): Promise<number> {
  const [row] = await session.all<{ n: string | number }>(
    `SELECT count(*) AS n FROM (${rowsSql}) AS rows`,
  );
  return Number(row?.n ?? 0);
}

/** Keys shared by two rows of the result: a merge would not know which row wins. */
export async function duplicateKeys(
  session: Session,
  rowsSql: string,
  keys: string[],
): Promise<number> {
  const list = keys.map(quoteIdent).join(', ');
  const [row] = await session.all<{ n: string | number }>(
    `SELECT count(*) AS n FROM (SELECT ${list} FROM (${rowsSql}) AS rows GROUP BY ALL HAVING count(*) > 1)`,
  );
  return Number(row?.n ?? 0);
}

export function requireColumns(columns: ResultColumn[], wanted: string[], what: string): void {
  const names = new Set(columns.map((c) => c.name.toLowerCase()));
  const missing = wanted.filter((k) => !names.has(k.toLowerCase()));
  if (missing.length > 0) {
    throw new InvalidInput(
      'UNKNOWN_KEY_COLUMN',
      `The job's ${what} ${missing.map((m) => `"${m}"`).join(', ')} is not a column of its SELECT's result.`,
      { hint: `Name columns the SELECT yields: ${columns.map((c) => c.name).join(', ')}.` },
    );
  }
}

async function checkedOrder(orderBy: string, columns: ResultColumn[]): Promise<string> {
  try {
    return await parseColumnExpression(
      orderBy,
      columns.map((c) => c.name),
    );
  } catch (err) {
    if (!(err instanceof LakewardError)) throw err;
    throw new InvalidInput('INVALID_DEDUPE_ORDER', `dedupeOrderBy is not usable: ${err.message}`, {
      hint: 'Give one expression over the result columns; the row with its largest value is kept, e.g. invoice_date.',
    });
  }
}
