import { InvalidInput } from '../errors/index.js';
import type { NestedField, Schema } from '../iceberg/index.js';
import { externalScanSql } from './external-scan.js';
import type { ResolvedTable } from './ports.js';
import { quoteIdent, quoteLiteral } from './sql-quote.js';
import { icebergToDuckType } from './types-mapping.js';

export interface ScanSqlOptions {
  /** Top-level columns to read, in this order; every column of the schema when omitted. */
  columns?: string[];
  /**
   * Files written with exactly this schema, read by column name. DuckDB's field-id
   * mapping (`schema = MAP {…}`) defeats its projection pushdown and costs about twice
   * the scan time, so it is kept for files whose names or types may differ.
   */
  namedFiles?: string[];
}

/** The rows of a resolved table: an Iceberg table's data files, or an external table's raw files. */
export function tableScanSql(
  table: Pick<ResolvedTable, 'schema' | 'dataFiles' | 'namedFiles' | 'external'>,
): string {
  if (table.external !== undefined) {
    return externalScanSql(table.schema, table.dataFiles, table.external);
  }
  return scanSql(table.schema, table.dataFiles, { namedFiles: table.namedFiles ?? [] });
}

/**
 * A SELECT over Parquet data files that yields the schema's top-level columns by
 * their current names. Columns are matched by Parquet field id, so a renamed column
 * keeps its data, a dropped one vanishes, a column added later reads NULL from older
 * files, and a widened type (int→long, float→double) is cast on read.
 */
export function scanSql(schema: Schema, files: string[], options: ScanSqlOptions = {}): string {
  const fields = selectedFields(schema, options.columns);
  const named = options.namedFiles ?? [];
  if (files.length === 0 && named.length === 0) {
    const nulls = fields.map(
      (f) => `CAST(NULL AS ${icebergToDuckType(f.type)}) AS ${quoteIdent(f.name)}`,
    );
    return `SELECT ${nulls.join(', ')} WHERE false`;
  }
  const parts = [
    ...(named.length > 0 ? [scanByName(fields, named)] : []),
    ...(files.length > 0 ? [scanByFieldId(fields, files)] : []),
  ];
  return parts.join(' UNION ALL ');
}

function scanByName(fields: NestedField[], files: string[]): string {
  const paths = files.map(quoteLiteral).join(', ');
  const columns = fields.map(
    (f) => `CAST(${quoteIdent(f.name)} AS ${icebergToDuckType(f.type)}) AS ${quoteIdent(f.name)}`,
  );
  return `SELECT ${columns.join(', ')} FROM read_parquet([${paths}], hive_partitioning = false)`;
}

function scanByFieldId(fields: NestedField[], files: string[]): string {
  const byId = fields.map(
    (f) =>
      `${f.id}: {name: ${quoteLiteral(f.name)}, type: ${quoteLiteral(icebergToDuckType(f.type))}, default_value: NULL}`,
  );
  const paths = files.map(quoteLiteral).join(', ');
  const columns = fields.map((f) => quoteIdent(f.name)).join(', ');
  // hive_partitioning off: our partition folders (day=…) must not turn into extra columns.
  return (
    `SELECT ${columns} FROM read_parquet([${paths}], ` +
    `schema = MAP {${byId.join(', ')}}, hive_partitioning = false)`
  );
}

function selectedFields(schema: Schema, columns: string[] | undefined): NestedField[] {
  if (columns === undefined) return schema.fields;
  return columns.map((name) => {
    const found = schema.fields.find((f) => f.name === name);
    if (!found) {
      throw new InvalidInput('COLUMN_NOT_FOUND', `The table has no column '${name}'.`, {
        hint: `Columns are: ${schema.fields.map((f) => f.name).join(', ')}.`,
      });
    }
    return found;
  });
}
