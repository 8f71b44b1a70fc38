import type { Command } from 'commander';
import type { CompactionResult } from '../../catalog/index.js';
import { parseTableName } from '../../catalog/index.js';
import { InvalidInput } from '../../errors/index.js';
import { printJson, printRows, type Output } from '../output.js';
import { withSession, type GlobalOptions } from '../session.js';
import { withExamples } from './examples.js';

interface CompactFlags {
  targetFileSize?: string;
  smallFileSize?: string;
  minFiles?: string;
  dryRun?: boolean;
  json?: boolean;
}

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** "128MB", "64MiB" or a plain byte count. */
export function parseByteSize(text: string, flag: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = UNITS[(match?.[2] || 'b').toLowerCase()];
  const bytes = match && unit !== undefined ? Math.floor(Number(match[1]) * unit) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new InvalidInput('INVALID_SIZE', `${flag} "${text}" is not a size.`, {
      hint: `Write a size such as ${flag} 128MB (B, KB, MB, GB, KiB, MiB, GiB).`,
    });
  }
  return bytes;
}

function parseMinFiles(text: string): number {
  if (!/^\d+$/.test(text.trim())) {
    throw new InvalidInput('INVALID_MIN_FILES', `--min-files "${text}" is not a whole number.`, {
      hint: 'e.g. --min-files 5 (at least 2).',
    });
  }
  return Number(text);
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

function printResult(out: Output, r: CompactionResult): void {
  if (r.partitions.length === 0) {
    out.stdout.write(`Nothing to compact in ${r.table}: no partition has enough small files.\n`);
    return;
  }
  printRows(
    out,
    ['PARTITION', 'SMALL FILES', 'SIZE', 'ROWS'],
    r.partitions.map((p) => [p.partition, p.filesIn, megabytes(p.bytesIn), p.rows]),
  );
  out.stdout.write(
    r.dryRun
      ? `Dry run: would rewrite ${r.filesIn} files (${megabytes(r.bytesIn)}) of ${r.table}; nothing changed.\n`
      : `Compacted ${r.table}: ${r.filesIn} files (${megabytes(r.bytesIn)}) into ${r.filesOut} ` +
          `(${megabytes(r.bytesOut)}); snapshot ${r.snapshotId ?? 'none'}` +
          `${r.attempts > 1 ? ` after ${r.attempts} attempts` : ''}.\n`,
  );
}

/** `lakeward table compact TABLE`: rewrite small files per partition (needs MODIFY). */
export function registerTableCompact(table: Command, out: Output): void {
  withExamples(
    table
      .command('compact')
      .description('rewrite small data files into larger ones, per partition (rows unchanged)')
      .argument('<table>')
      .option(
        '--target-file-size <size>',
        'size of the new files (default: compaction.targetFileSizeBytes)',
      )
      .option(
        '--small-file-size <size>',
        'files below this are small (default: compaction.smallFileBytes)',
      )
      .option(
        '--min-files <n>',
        'small files a partition needs to be compacted (default: compaction.minFiles)',
      )
      .option('--dry-run', 'show what would be rewritten; change nothing')
      .option('--json', 'print JSON')
      .action(async (name: string, flags: CompactFlags, command: Command) => {
        const ident = parseTableName(name);
        const options = {
          ...(flags.targetFileSize === undefined
            ? {}
            : { targetFileSizeBytes: parseByteSize(flags.targetFileSize, '--target-file-size') }),
          ...(flags.smallFileSize === undefined
            ? {}
            : { smallFileBytes: parseByteSize(flags.smallFileSize, '--small-file-size') }),
          ...(flags.minFiles === undefined ? {} : { minFiles: parseMinFiles(flags.minFiles) }),
          dryRun: flags.dryRun === true,
        };
        const result = await withSession(command.optsWithGlobals<GlobalOptions>(), (s) =>
          s.services.compaction.compact(s.caller, ident, options),
        );
        if (flags.json) printJson(out, result);
        else printResult(out, result);
      }),
    'table compact bronze.iot.readings --dry-run',
    'table compact bronze.iot.readings --target-file-size 128MB --min-files 5',
  );
}
