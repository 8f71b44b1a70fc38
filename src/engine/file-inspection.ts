import { typeToString } from '../iceberg/index.js';
import type { Session } from './session.js';
import { quoteLiteral } from './sql-quote.js';
import { duckToIcebergType } from './types-mapping.js';

/**
 * What a crawler learns of raw files without reading them whole: the dialect of CSV
 * files, the columns of text files from a sample of their heads, Parquet columns and
 * row counts from the footers. Only the engine talks to DuckDB, so this lives here.
 */

export type InspectedFormat = 'csv' | 'tsv' | 'json' | 'ndjson' | 'parquet';
export type InspectedCompression = 'none' | 'gzip' | 'zstd';

export interface CsvDialectFound {
  delimiter: string;
  quote: string;
  escape: string;
  header: boolean;
}

/** A column as DuckDB read it, and its Iceberg type as text ('long', 'list<string>' …). */
export interface InspectedColumn {
  name: string;
  duckType: string;
  type: string;
}

export interface FileSetInspection {
  columns: InspectedColumn[];
  /** CSV/TSV only: the dialect sniffed on the first file. */
  csv?: CsvDialectFound;
}

/** Rows DuckDB samples from the head of each file to type its columns. */
const SAMPLE_ROWS = 4096;

/**
 * The dialect of one CSV/TSV file (delimiter, quote, escape, header), from its head.
 * sniff_csv writes "(empty)" for "no quote" / "no escape".
 */
export async function sniffCsvDialect(
  session: Session,
  path: string,
  compression: InspectedCompression,
): Promise<CsvDialectFound> {
  const args = [quoteLiteral(path), `sample_size = ${SAMPLE_ROWS}`, ...compressionArg(compression)];
  const [row] = await session.all<{
    Delimiter: string;
    Quote: string;
    Escape: string;
    HasHeader: boolean;
  }>(`SELECT Delimiter, Quote, Escape, HasHeader FROM sniff_csv(${args.join(', ')})`);
  const empty = (v: string | undefined): string => (v === undefined || v === '(empty)' ? '' : v);
  // A file without quoted fields reads the same with the RFC 4180 quote, which its siblings may use.
  const quote = empty(row?.Quote) || '"';
  return {
    delimiter: row?.Delimiter ?? ',',
    quote,
    // RFC 4180 doubles the quote to escape it; a sibling file may do so even if this one does not.
    escape: empty(row?.Escape) || quote,
    header: row?.HasHeader ?? true,
  };
}

/**
 * The columns of a set of files of one format, typed from a sample of each file's head
 * and unified by name across the files (a column that is a number in one file and text
 * in another is text). Paths whose folders look like key=value are not read as partitions.
 */
export async function inspectFileSet(
  session: Session,
  paths: string[],
  format: InspectedFormat,
  compression: InspectedCompression,
): Promise<FileSetInspection> {
  const list = `[${paths.map(quoteLiteral).join(', ')}]`;
  const common = [
    'union_by_name = true',
    'hive_partitioning = false',
    ...compressionArg(compression),
  ];
  if (format === 'parquet') {
    return { columns: await describe(session, `read_parquet(${list}, ${common.join(', ')})`) };
  }
  if (format === 'json' || format === 'ndjson') {
    const layout = format === 'json' ? 'array' : 'newline_delimited';
    const args = [`format = ${quoteLiteral(layout)}`, `sample_size = ${SAMPLE_ROWS}`, ...common];
    return { columns: await describe(session, `read_json(${list}, ${args.join(', ')})`) };
  }
  const csv = await sniffCsvDialect(session, paths[0]!, compression);
  const args = [
    `delim = ${quoteLiteral(csv.delimiter)}`,
    `quote = ${quoteLiteral(csv.quote)}`,
    `escape = ${quoteLiteral(csv.escape)}`,
    `header = ${csv.header}`,
    `sample_size = ${SAMPLE_ROWS}`,
    ...common,
  ];
  return { columns: await describe(session, `read_csv(${list}, ${args.join(', ')})`), csv };
}

/** What the footer of a Parquet file tells: exact row count and top-level column names. */
export interface ParquetFooter {
  rowCount: number;
  columnNames: string[];
}

/** The footers of many Parquet files, read in two queries (footers only, no data pages). */
export async function readParquetFooters(
  session: Session,
  paths: string[],
): Promise<Map<string, ParquetFooter>> {
  const footers = new Map<string, ParquetFooter>();
  if (paths.length === 0) return footers;
  const list = `[${paths.map(quoteLiteral).join(', ')}]`;
  const counts = await session.all<{ file_name: string; num_rows: string | number }>(
    `SELECT file_name, num_rows FROM parquet_file_metadata(${list})`,
  );
  for (const c of counts) {
    footers.set(c.file_name, { rowCount: Number(c.num_rows), columnNames: [] });
  }
  const nodes = await session.all<{ file_name: string; name: string; num_children: number | null }>(
    `SELECT file_name, name, num_children FROM parquet_schema(${list})`,
  );
  // The schema is a tree written depth first: the root, then each top-level column
  // followed by its nested fields; only the root's direct children are columns.
  let file = '';
  let pending: number[] = [];
  for (const node of nodes) {
    if (node.file_name !== file || pending.length === 0) {
      file = node.file_name;
      pending = [Number(node.num_children ?? 0)];
      continue;
    }
    if (pending.length === 1) footers.get(file)?.columnNames.push(node.name);
    pending[pending.length - 1]!--;
    const children = Number(node.num_children ?? 0);
    if (children > 0) pending.push(children);
    while (pending.length > 1 && pending[pending.length - 1] === 0) pending.pop();
  }
  return footers;
}

/**
 * Rows in a text file, estimated from a sample of its head: the file's (uncompressed)
 * size divided by the average size of the whole lines in the sample. sampleBytes is
 * the decompressed head; sampledInputBytes how many bytes of the file it came from.
 */
export function estimateTextRecordCount(input: {
  sizeBytes: number;
  sample: Buffer;
  sampledInputBytes: number;
  format: InspectedFormat;
  header: boolean;
}): number {
  const { sample, sizeBytes, sampledInputBytes } = input;
  if (sizeBytes === 0 || sample.length === 0) return 0;
  const lastNewline = sample.lastIndexOf(0x0a);
  const wholeFile = sampledInputBytes >= sizeBytes;
  const body = wholeFile ? sample : sample.subarray(0, lastNewline + 1);
  let lines = 0;
  for (let i = body.indexOf(0x0a); i >= 0; i = body.indexOf(0x0a, i + 1)) lines++;
  if (wholeFile && body.length > 0 && body[body.length - 1] !== 0x0a) lines++;
  const headerLines = input.header && (input.format === 'csv' || input.format === 'tsv') ? 1 : 0;
  if (wholeFile || lines <= headerLines) return Math.max(0, lines - headerLines);
  // The header is no row: its bytes are left out of the average and of the total.
  const headerBytes = headerLines === 0 ? 0 : body.indexOf(0x0a) + 1;
  // A compressed file holds more text than its size: scale by the sample's expansion.
  const uncompressedBytes = sizeBytes * (sample.length / sampledInputBytes);
  const bytesPerRow = (body.length - headerBytes) / (lines - headerLines);
  return Math.max(0, Math.round((uncompressedBytes - headerBytes) / bytesPerRow));
}

async function describe(session: Session, from: string): Promise<InspectedColumn[]> {
  const columns = await session.describe(`SELECT * FROM ${from}`);
  return columns.map((c) => ({ name: c.name, duckType: c.type, type: icebergText(c.type) }));
}

function icebergText(duckType: string): string {
  return typeToString(duckToIcebergType(duckType));
}

function compressionArg(compression: InspectedCompression): string[] {
  return compression === 'none' ? [] : [`compression = ${quoteLiteral(compression)}`];
}
