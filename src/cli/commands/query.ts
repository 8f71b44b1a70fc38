import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { formatTable } from '../../engine/index.js';
import type { QueryOptions } from '../../engine/index.js';
import { InvalidInput } from '../../errors/index.js';
import type { Output } from '../output.js';
import { withSession, type GlobalOptions, type Session } from '../session.js';

const FORMATS = ['table', 'json', 'csv', 'ndjson', 'parquet'] as const;
type Format = (typeof FORMATS)[number];

interface QueryCommandOptions {
  format: string;
  output?: string;
  timeout?: string;
  maxRows?: string;
}

function parseFormat(text: string): Format {
  if ((FORMATS as readonly string[]).includes(text)) return text as Format;
  throw new InvalidInput('INVALID_OUTPUT_FORMAT', `"${text}" is not an output format.`, {
    hint: `Use --format with one of: ${FORMATS.join(', ')}.`,
  });
}

function positiveInt(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidInput(
      'INVALID_OPTION',
      `${flag} must be a positive whole number, got "${text}".`,
      {
        hint: `Pass e.g. ${flag} 1000.`,
      },
    );
  }
  return value;
}

/** Ctrl-C cancels the running query instead of killing the process mid-write. */
async function cancellableOnSigint<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const cancel = () => controller.abort();
  process.once('SIGINT', cancel);
  try {
    return await run(controller.signal);
  } finally {
    process.off('SIGINT', cancel);
  }
}

export function registerQuery(program: Command, out: Output): void {
  program
    .command('query')
    .description(
      'run SQL over the catalog, e.g. SELECT * FROM bronze.retail.invoices LIMIT 10; ' +
        "time travel: FROM t AT (VERSION => snapshot_id) or AT (TIMESTAMP => TIMESTAMP '…')",
    )
    .argument('<sql>', 'the SQL statement')
    .option('--format <format>', FORMATS.join(' | '), 'table')
    .option('--output <file>', 'write the answer to a file (required for parquet)')
    .option('--timeout <ms>', 'cancel the query after this many milliseconds')
    .option('--max-rows <n>', 'rows to keep for table and json output')
    .action(async (sql: string, options: QueryCommandOptions, command: Command) => {
      const format = parseFormat(options.format);
      if (format === 'parquet' && options.output === undefined) {
        throw new InvalidInput('OUTPUT_FILE_REQUIRED', 'Parquet output needs a file.', {
          hint: 'Add --output answer.parquet.',
        });
      }
      const limits = {
        timeoutMs: positiveInt('--timeout', options.timeout),
        maxRows: positiveInt('--max-rows', options.maxRows),
      };
      await withSession(command.optsWithGlobals<GlobalOptions>(), (session) =>
        cancellableOnSigint((signal) =>
          answer(session, out, sql, format, options.output, { ...limits, signal }),
        ),
      );
    });
}

async function answer(
  { services, caller }: Session,
  out: Output,
  sql: string,
  format: Format,
  outputFile: string | undefined,
  options: QueryOptions,
): Promise<void> {
  if (format === 'parquet') {
    const { rows } = await services.query.exportParquet(caller, sql, outputFile!, options);
    out.stderr.write(`Wrote ${rows} rows to ${outputFile}\n`);
    return;
  }
  if (format === 'csv' || format === 'ndjson') {
    const source = services.query.stream(caller, sql, format, options);
    if (outputFile) await writeFileWhole(outputFile, source);
    else await toStdout(source, out.stdout as Writable);
    return;
  }
  const result = await services.query.execute(caller, sql, options);
  const { columns, rows, rowCount, truncated, elapsedMs } = result;
  const text =
    format === 'json'
      ? JSON.stringify({ columns, rows, rowCount, truncated, elapsedMs })
      : formatTable(result);
  if (outputFile) await writeFileWhole(outputFile, [`${text}\n`]);
  else out.stdout.write(`${text}\n`);
}

/** A reader that stops early (`| head`) is not an error. */
async function toStdout(source: AsyncIterable<string>, stdout: Writable): Promise<void> {
  try {
    await pipeline(Readable.from(source), stdout, { end: false });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw err;
  }
}

/** Writes beside the target and renames at the end, so a failed query leaves no partial file. */
async function writeFileWhole(
  file: string,
  source: AsyncIterable<string> | Iterable<string>,
): Promise<void> {
  const target = resolve(file);
  const staged = join(dirname(target), `.${basename(target)}.${randomUUID()}.tmp`);
  try {
    await pipeline(Readable.from(source), createWriteStream(staged));
    await rename(staged, target);
  } finally {
    await rm(staged, { force: true });
  }
}
