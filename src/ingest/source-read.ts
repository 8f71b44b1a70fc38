import { quoteIdent, quoteLiteral } from '../engine/index.js';
import type { IngestRequest } from './contract.js';
import type { TypedFile } from './file-format.js';

/** The column DuckDB fills with each row's source file; a name no real data set uses. */
export const SOURCE_FILE_COLUMN = '__lakeward_source_file';

/** Where DuckDB puts the rows it could not parse, per command (temporary tables of the session). */
export interface RejectsSink {
  table: string;
  scan: string;
}

export interface ReaderOptions {
  csv?: IngestRequest['csv'];
  rejects: RejectsSink;
  /** DuckDB type per column name, forced on CSV columns so all files of a group agree. */
  types?: Record<string, string>;
}

/**
 * A table function call reading files of one format and compression. CSV is sniffed
 * (delimiter, quote, header, types) with malformed rows sent to the rejects tables;
 * JSON and Parquet files are combined by column name.
 */
export function readerSql(files: TypedFile[], options: ReaderOptions): string {
  const first = files[0];
  if (first === undefined) throw new Error('readerSql needs at least one file');
  const list = `[${files.map((f) => quoteLiteral(f.path)).join(', ')}]`;
  const args = [list, `filename = ${quoteLiteral(SOURCE_FILE_COLUMN)}`];
  if (first.compression !== 'none') args.push(`compression = ${quoteLiteral(first.compression)}`);
  switch (first.format) {
    case 'csv':
    case 'tsv':
      return `read_csv(${[...args, ...csvArgs(first, options)].join(', ')})`;
    case 'json':
    case 'ndjson': {
      const layout = first.format === 'ndjson' ? 'newline_delimited' : 'auto';
      return `read_json(${[...args, `format = ${quoteLiteral(layout)}`, 'union_by_name = true'].join(', ')})`;
    }
    case 'parquet':
      return `read_parquet(${[...args, 'union_by_name = true'].join(', ')})`;
  }
}

function csvArgs(file: TypedFile, options: ReaderOptions): string[] {
  const args = [
    'auto_detect = true',
    // The sniffer types columns from a sample; a later value that does not fit the
    // type becomes a rejected row (with its reason) instead of failing the whole load.
    'store_rejects = true',
    `rejects_table = ${quoteLiteral(options.rejects.table)}`,
    `rejects_scan = ${quoteLiteral(options.rejects.scan)}`,
  ];
  const dialect = file.dialect;
  if (dialect === undefined) args.push(...userCsvArgs(file, options.csv));
  else {
    args.push(
      `delim = ${quoteLiteral(dialect.delim)}`,
      `quote = ${quoteLiteral(dialect.quote)}`,
      `escape = ${quoteLiteral(dialect.escape)}`,
      `header = ${dialect.header}`,
      `skip = ${dialect.skip}`,
    );
  }
  if (options.types !== undefined && Object.keys(options.types).length > 0) {
    const entries = Object.entries(options.types).map(
      ([name, type]) => `${quoteLiteral(name)}: ${quoteLiteral(type)}`,
    );
    args.push(`types = {${entries.join(', ')}}`);
  }
  return args;
}

/** What the user said about the CSV layout (TSV means a tab delimiter). */
export function userCsvArgs(file: TypedFile, csv: IngestRequest['csv'] = {}): string[] {
  const args: string[] = [];
  const delimiter = csv.delimiter ?? (file.format === 'tsv' ? '\t' : undefined);
  if (delimiter !== undefined) args.push(`delim = ${quoteLiteral(delimiter)}`);
  if (csv.quote !== undefined) args.push(`quote = ${quoteLiteral(csv.quote)}`);
  if (csv.header !== undefined) args.push(`header = ${csv.header}`);
  return args;
}

/** Files that can be read by one call: same format and compression, and for CSV the same header. */
export function groupKey(file: TypedFile, columns: string[]): string {
  const csv = file.format === 'csv' || file.format === 'tsv';
  const layout = csv ? `${JSON.stringify(file.dialect ?? {})}|${columns.join('\u0000')}` : '';
  return `${file.format}|${file.compression}|${layout}`;
}

/** SQL that counts a column's values in one file (zero means DuckDB only guessed its type). */
export function countValuesSql(file: TypedFile, column: string, options: ReaderOptions): string {
  return `SELECT count(${quoteIdent(column)}) AS n FROM ${readerSql([file], options)}`;
}
