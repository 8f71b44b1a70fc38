import type { Command } from 'commander';
import { parseTableName } from '../../catalog/index.js';
import { InvalidInput } from '../../errors/index.js';
import type { IngestFormat, IngestRequest, IngestSummary } from '../../ingest/index.js';
import { INGEST_FORMATS } from '../../ingest/index.js';
import { IngestProgressBar } from '../ingest-progress.js';
import { printJson, type Output } from '../output.js';
import { withSession, type GlobalOptions } from '../session.js';

interface IngestOptions {
  table: string;
  format?: string;
  sourceSystem?: string;
  mode?: string;
  where?: string;
  force?: boolean;
  delimiter?: string;
  header: boolean;
  json?: boolean;
}

function parseFormat(text: string | undefined): IngestFormat | undefined {
  if (text === undefined) return undefined;
  const format = text.toLowerCase();
  if (!(INGEST_FORMATS as readonly string[]).includes(format)) {
    throw new InvalidInput('UNSUPPORTED_FORMAT', `"${text}" is not a format Lakeward can ingest.`, {
      hint: `Use one of: ${INGEST_FORMATS.join(', ')} (gzip or zstd compressed too).`,
    });
  }
  return format as IngestFormat;
}

function parseMode(text: string | undefined): 'append' | 'overwrite' | undefined {
  if (text === undefined || text === 'append' || text === 'overwrite') return text;
  throw new InvalidInput('INVALID_MODE', `"${text}" is not an ingest mode.`, {
    hint: 'Use --mode append (the default) or --mode overwrite.',
  });
}

function toRequest(paths: string[], options: IngestOptions): IngestRequest {
  const format = parseFormat(options.format);
  const mode = parseMode(options.mode);
  return {
    paths,
    table: parseTableName(options.table),
    ...(format ? { format } : {}),
    ...(mode ? { mode } : {}),
    ...(options.where === undefined ? {} : { where: options.where }),
    ...(options.sourceSystem ? { sourceSystem: options.sourceSystem } : {}),
    force: options.force === true,
    // Only what was said on the command line: the rest is sniffed from the files.
    csv: {
      ...(options.header === false ? { header: false } : {}),
      ...(options.delimiter !== undefined ? { delimiter: options.delimiter } : {}),
    },
  };
}

export function registerIngest(program: Command, out: Output): void {
  program
    .command('ingest')
    .description('load files, folders or globs into a bronze table')
    .argument('<path...>', 'files, folders (recursive) or globs')
    .requiredOption('--table <name>', 'target table, e.g. bronze.retail.invoices')
    .option('--format <format>', `one of ${INGEST_FORMATS.join(', ')} (detected when omitted)`)
    .option('--source-system <name>', 'the system the data comes from (table property)')
    .option('--mode <mode>', 'append or overwrite', 'append')
    .option('--where <condition>', 'with --mode overwrite: replace only the rows matching it')
    .option('--force', 'load files again even if the same content was loaded before')
    .option('--delimiter <char>', 'CSV field delimiter (sniffed when omitted)')
    .option('--no-header', 'CSV files have no header row')
    .option('--json', 'print the summary as JSON')
    .action(async (paths: string[], options: IngestOptions, command: Command) => {
      const request = toRequest(paths, options);
      const summary = await withSession(command.optsWithGlobals<GlobalOptions>(), async (s) => {
        const bar = new IngestProgressBar(out.stderr);
        try {
          return await s.services.ingest.ingest(s.caller, {
            ...request,
            onProgress: (e) => bar.update(e),
          });
        } finally {
          bar.stop();
        }
      });
      if (options.json) printJson(out, summary);
      else printSummary(out, summary);
    });
}

function printSummary(out: Output, summary: IngestSummary): void {
  const write = (line: string) => out.stdout.write(`${line}\n`);
  const loaded = summary.files.filter((f) => f.skipped === undefined).length;
  write(
    `${summary.createdTable ? 'Created' : 'Loaded into'} ${summary.table}: ` +
      `${summary.rowsWritten.toLocaleString('en-US')} rows from ${loaded} file(s) ` +
      `in ${(summary.elapsedMs / 1000).toFixed(1)} s (${summary.mode})`,
  );
  write(`  snapshot: ${summary.snapshotId ?? 'none (nothing new to load)'}`);
  if (summary.rowsRejected > 0) {
    write(
      `  rejected: ${summary.rowsRejected.toLocaleString('en-US')} rows; see ` +
        `lakeward query "SELECT * FROM ${summary.rejectsTable ?? `${summary.table}__rejects`}"`,
    );
  }
  for (const file of summary.files) {
    if (file.skipped !== undefined) write(`  skipped ${file.path}: ${file.skipped}`);
  }
  for (const change of summary.schemaChanges) write(`  schema: ${change}`);
}
