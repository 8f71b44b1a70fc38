import type { Session } from '../engine/index.js';
import { quoteLiteral } from '../engine/index.js';
import type { IngestRequest } from './contract.js';
import type { CsvDialect, TypedFile } from './file-format.js';
import { readable } from './file-columns.js';
import { userCsvArgs } from './source-read.js';

interface SniffedDialect {
  Delimiter: string;
  Quote: string;
  Escape: string;
  HasHeader: boolean;
  SkipRows: number | string;
}

/**
 * Finds each CSV file's dialect (delimiter, quote, escape, header). Guessing the dialect
 * is most of what DuckDB's sniffer costs, so it is done once per set of files that
 * start with the same line (the usual daily exports of one system) and then given to
 * every read of those files.
 */
export async function sniffDialects<T extends TypedFile>(
  session: Session,
  files: T[],
  csv: IngestRequest['csv'],
): Promise<T[]> {
  const byFirstLine = new Map<string, CsvDialect | undefined>();
  const sniffed: T[] = [];
  for (const file of files) {
    if (file.format !== 'csv' && file.format !== 'tsv') {
      sniffed.push(file);
      continue;
    }
    const key = `${file.format}|${file.compression}|${file.firstLine ?? file.path}`;
    let dialect = byFirstLine.get(key);
    if (!byFirstLine.has(key)) {
      dialect = await sniff(session, file, csv);
      byFirstLine.set(key, dialect);
    }
    sniffed.push(dialect === undefined ? file : { ...file, dialect });
  }
  return sniffed;
}

/**
 * A file without any quoted field tells nothing about how its siblings quote, so its
 * dialect is not shared (undefined): each such file is then sniffed on its own.
 */
async function sniff(
  session: Session,
  file: TypedFile,
  csv: IngestRequest['csv'],
): Promise<CsvDialect | undefined> {
  const args = [quoteLiteral(file.path), 'store_rejects = true', ...userCsvArgs(file, csv)];
  if (file.compression !== 'none') args.push(`compression = ${quoteLiteral(file.compression)}`);
  const [row] = await readable(file, () =>
    session.all<SniffedDialect>(
      `SELECT Delimiter, Quote, Escape, HasHeader, SkipRows FROM sniff_csv(${args.join(', ')})`,
    ),
  );
  const quote = emptyMarker(row?.Quote);
  if (row === undefined || quote === '') return undefined;
  return {
    delim: row.Delimiter,
    quote,
    // RFC 4180 doubles the quote to escape it; a sibling file may do so even if this one does not.
    escape: emptyMarker(row.Escape) || quote,
    header: row.HasHeader,
    skip: Number(row.SkipRows),
  };
}

/** sniff_csv writes "(empty)" for "no quote" / "no escape"; read_csv wants ''. */
function emptyMarker(value: string | undefined): string {
  return value === undefined || value === '(empty)' ? '' : value;
}
