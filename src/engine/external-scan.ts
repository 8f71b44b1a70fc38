import type { NestedField, Schema } from '../iceberg/index.js';
import type { ExternalSource } from './ports.js';
import { quoteIdent, quoteLiteral } from './sql-quote.js';
import { icebergToDuckType } from './types-mapping.js';

/**
 * A SELECT over an external table's raw files that yields the schema's columns by name,
 * cast to their declared types. Data columns are read from the files with the declared
 * types (no sniffing: CSV columns are positional, as in Hive and Athena); partition
 * columns come from the `name=value` folders of each file's path, typed as declared,
 * which also lets DuckDB skip the files of partitions a filter rules out.
 */
export function externalScanSql(schema: Schema, files: string[], source: ExternalSource): string {
  const partitioned = new Set(source.partitionColumns);
  const dataFields = schema.fields.filter((f) => !partitioned.has(f.name));
  const partitionFields = schema.fields.filter((f) => partitioned.has(f.name));
  const columns = schema.fields.map(
    (f) => `CAST(${quoteIdent(f.name)} AS ${icebergToDuckType(f.type)}) AS ${quoteIdent(f.name)}`,
  );
  if (files.length === 0) {
    const nulls = schema.fields.map(
      (f) => `CAST(NULL AS ${icebergToDuckType(f.type)}) AS ${quoteIdent(f.name)}`,
    );
    return `SELECT ${nulls.join(', ')} WHERE false`;
  }
  const paths = `[${files.map(quoteLiteral).join(', ')}]`;
  const options = [...readOptions(source, dataFields), ...hiveOptions(partitionFields)];
  return `SELECT ${columns.join(', ')} FROM ${READERS[source.format]}(${[paths, ...options].join(', ')})`;
}

const READERS = {
  csv: 'read_csv',
  json: 'read_json',
  ndjson: 'read_json',
  parquet: 'read_parquet',
} as const satisfies Record<ExternalSource['format'], string>;

function readOptions(source: ExternalSource, fields: NestedField[]): string[] {
  switch (source.format) {
    case 'parquet':
      // Files written at different times may add, drop or reorder columns.
      return ['union_by_name = true'];
    case 'csv': {
      const dialect = source.csv;
      return [
        `columns = ${typeStruct(fields)}`,
        'auto_detect = false',
        `header = ${dialect?.header === false ? 'false' : 'true'}`,
        ...(dialect === undefined
          ? []
          : [
              `delim = ${quoteLiteral(dialect.delimiter)}`,
              `quote = ${quoteLiteral(dialect.quote)}`,
              `escape = ${quoteLiteral(dialect.escape)}`,
            ]),
      ];
    }
    case 'json':
    case 'ndjson':
      return [
        `columns = ${typeStruct(fields)}`,
        `format = ${quoteLiteral(source.format === 'ndjson' ? 'newline_delimited' : 'auto')}`,
      ];
  }
}

function hiveOptions(fields: NestedField[]): string[] {
  if (fields.length === 0) return ['hive_partitioning = false'];
  return ['hive_partitioning = true', `hive_types = ${typeStruct(fields)}`];
}

/** `{'name': 'BIGINT', …}`: the column names and DuckDB types DuckDB's readers take. */
function typeStruct(fields: NestedField[]): string {
  const entries = fields.map(
    (f) => `${quoteLiteral(f.name)}: ${quoteLiteral(icebergToDuckType(f.type))}`,
  );
  return `{${entries.join(', ')}}`;
}
