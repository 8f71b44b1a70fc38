import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  icebergToDuckType,
  quoteIdent,
  quoteLiteral,
  writeDataFiles,
} from '../../../engine/index.js';
import type { Session } from '../../../engine/index.js';
import type { DataFile, IcebergTable } from '../../../iceberg/index.js';

export interface RowFilesOptions {
  tempDir: string;
  targetFileSizeBytes: number;
  /** Largest line DuckDB must accept. */
  maxLineBytes: number;
  /** SQL values of columns that are the same for every row (not in the lines). */
  constants: Record<string, string>;
  /** Called once DuckDB has the write in hand (it runs on its own threads from then on). */
  onWriting?: () => void;
  /** Columns read as another type and converted by an SQL expression over `j.<column>`. */
  converted?: Record<string, { readAs: string; sql: (ref: string) => string }>;
}

const MIN_OBJECT_BYTES = 16 * 1024 ** 2;

/**
 * Writes NDJSON rows as data files of the table: DuckDB reads the scratch file with
 * the table's column types given (no sniffing), and the select yields the table's
 * columns in order, so the writer need not describe it.
 */
export async function writeRowFiles(
  session: Session,
  table: IcebergTable,
  ndjson: Buffer,
  options: RowFilesOptions,
): Promise<DataFile[]> {
  if (ndjson.length === 0) return [];
  const file = path.join(options.tempDir, `stream-${randomUUID()}.ndjson`);
  await writeFile(file, ndjson);
  try {
    const read: string[] = [];
    const select: string[] = [];
    for (const field of table.schema().fields) {
      const constant = options.constants[field.name];
      const type = icebergToDuckType(field.type);
      if (constant !== undefined) {
        select.push(`CAST(${constant} AS ${type}) AS ${quoteIdent(field.name)}`);
        continue;
      }
      const converted = options.converted?.[field.name];
      const ref = `j.${quoteIdent(field.name)}`;
      read.push(`${quoteLiteral(field.name)}: ${quoteLiteral(converted?.readAs ?? type)}`);
      select.push(
        `${converted === undefined ? ref : converted.sql(ref)} AS ${quoteIdent(field.name)}`,
      );
    }
    const objectBytes = Math.max(MIN_OBJECT_BYTES, options.maxLineBytes * 2);
    const reader =
      `read_json(${quoteLiteral(file)}, format = 'newline_delimited', records = true, ` +
      `columns = {${read.join(', ')}}, maximum_object_size = ${objectBytes})`;
    const sql = `SELECT ${select.join(', ')} FROM ${reader} AS j`;
    const writing = writeDataFiles(session, table, sql, {
      tempDir: options.tempDir,
      targetFileSizeBytes: options.targetFileSizeBytes,
      inTableShape: true,
    });
    options.onWriting?.();
    return (await writing).files;
  } finally {
    await rm(file, { force: true });
  }
}
