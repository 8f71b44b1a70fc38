import type { Session } from '../engine/index.js';
import { InvalidInput, LakewardError } from '../errors/index.js';
import type { TypedFile } from './file-format.js';
import type { FileColumns } from './schema-plan.js';
import {
  countValuesSql,
  readerSql,
  SOURCE_FILE_COLUMN,
  type ReaderOptions,
} from './source-read.js';

/** The columns and DuckDB types of each file, read from its header or footer (CSV: a sample). */
export async function describeFiles(
  session: Session,
  files: TypedFile[],
  options: ReaderOptions,
): Promise<FileColumns[]> {
  const described: FileColumns[] = [];
  for (const file of files) {
    const columns = await readable(file, () =>
      session.describe(`SELECT * FROM ${readerSql([file], options)}`),
    );
    described.push({
      file: file.path,
      columns: columns.filter((c) => c.name !== SOURCE_FILE_COLUMN),
    });
  }
  return described;
}

/** Whether a column of a file holds no value; reads the file, so only asked on a type clash. */
export function allNullProbe(
  session: Session,
  files: TypedFile[],
  options: ReaderOptions,
): (file: string, column: string) => Promise<boolean> {
  return async (path, column) => {
    const file = files.find((f) => f.path === path);
    if (file === undefined) return false;
    const rows = await readable(file, () =>
      session.all<{ n: number | string }>(countValuesSql(file, column, options)),
    );
    return Number(rows[0]?.n ?? 0) === 0;
  };
}

/**
 * Runs a read and turns DuckDB's complaint about an input into an error naming the
 * file. Describing one file blames that file; a read of several blames the file
 * DuckDB names, and anything else (disk full, out of memory) passes through.
 */
export async function readable<T>(
  files: TypedFile | TypedFile[],
  read: () => Promise<T>,
): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof LakewardError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    const file = Array.isArray(files) ? files.find((f) => message.includes(f.path)) : files;
    if (file === undefined) throw err;
    throw new InvalidInput(
      'UNREADABLE_FILE',
      `Cannot read ${file.path} as ${file.format}: ${firstLines(message)}`,
      {
        hint: 'Check that the file is what its name says, or pass --format (and for CSV --delimiter, --quote, --header).',
        details: { path: file.path, format: file.format },
        cause: err,
      },
    );
  }
}

/** DuckDB's own words, without its error class and without the SQL we built (not the user's). */
function firstLines(message: string): string {
  const withoutSql = message.split(/\n\s*LINE \d+:/)[0] ?? message;
  const lines = withoutSql.replace(/^[A-Za-z ]+ Error: /, '').split('\n');
  return lines.slice(0, 3).join(' ').replace(/\s+/g, ' ').trim();
}
