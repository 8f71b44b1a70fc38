import { InvalidInput } from '../errors/index.js';
import type { NestedField, Schema } from '../iceberg/index.js';
import { quoteIdent, quoteLiteral } from './sql-quote.js';
import { icebergToDuckType } from './types-mapping.js';

export interface ScanSqlOptions {
  /** Top-level columns to read, in this order; every column of the schema when omitted. */
  columns?: string[];
}

/**
 * A SELECT over Parquet data files that yields the schema's top-level columns by
 * their current names. Columns are matched by Parquet field id, so a renamed column
 * keeps its data, a dropped one vanishes, a column added later reads NULL from older
 * files, and a widened type (int→long, float→double) is cast on read.
 */
export function scanSql(schema: Schema, files: string[], options: ScanSqlOptions = {}): string {
  const fields = selectedFields(schema, options.columns);
  if (files.length === 0) {
    const nulls = fields.map(
      (f) => `CAST(NULL AS ${icebergToDuckType(f.type)}) AS ${quoteIdent(f.name)}`,
    );
    return `SELECT ${nulls.join(', ')} WHERE false`;
  }
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
