import type { Command } from 'commander';
import type { SnapshotExpiryResult } from '../../catalog/index.js';
import { parseTableName } from '../../catalog/index.js';
import { InvalidInput } from '../../errors/index.js';
import { printJson, printRows, type Output } from '../output.js';
import { withSession, type GlobalOptions } from '../session.js';
import { withExamples } from './examples.js';

interface ExpireFlags {
  olderThan?: string;
  retainLast?: string;
  dryRun?: boolean;
  json?: boolean;
}

function parseRetainLast(text: string): number {
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InvalidInput(
      'INVALID_EXPIRY_OPTIONS',
      `--retain-last "${text}" is not a whole number of at least 1.`,
      { hint: 'the current snapshot always stays: e.g. --retain-last 10' },
    );
  }
  return value;
}

function printResult(out: Output, r: SnapshotExpiryResult): void {
  const f = r.filesDeleted;
  printRows(
    out,
    ['SNAPSHOTS', 'KEPT', 'MANIFEST LISTS', 'MANIFESTS', 'DATA FILES', 'DELETE FILES'],
    [
      [
        r.snapshotsRemoved,
        r.snapshotsKept,
        f.manifestLists,
        f.manifests,
        f.dataFiles,
        f.deleteFiles,
      ],
    ],
  );
  const what = `${r.snapshotsRemoved} snapshot(s) of ${r.table} committed before ${r.olderThan}`;
  out.stdout.write(
    r.snapshotsRemoved === 0
      ? `Nothing to expire in ${r.table}: no snapshot beyond the newest ${r.retainLast} is older than ${r.olderThan}.\n`
      : r.dryRun
        ? `Dry run: would remove ${what}; nothing changed.\n`
        : `Removed ${what}, keeping ${r.snapshotsKept}.\n`,
  );
  if (r.refsRemoved.length > 0) out.stdout.write(`Refs removed: ${r.refsRemoved.join(', ')}\n`);
  for (const failure of r.failures) {
    out.stderr.write(`warning: left behind ${failure.path}: ${failure.error}\n`);
  }
}

/** `lakeward table expire-snapshots TABLE`: remove old snapshots and their files (needs MODIFY). */
export function registerTableExpireSnapshots(table: Command, out: Output): void {
  withExamples(
    table
      .command('expire-snapshots')
      .description(
        'remove old snapshots and the files only they reach (time travel to them stops working)',
      )
      .argument('<table>')
      .option(
        '--older-than <age>',
        'remove snapshots older than a duration (7d, 12h, 30m) or an ISO time (default: the table retention)',
      )
      .option(
        '--retain-last <n>',
        'always keep the newest n snapshots of the current history (default: the table retention)',
      )
      .option('--dry-run', 'show what would be removed; change nothing')
      .option('--json', 'print JSON')
      .action(async (name: string, flags: ExpireFlags, command: Command) => {
        const ident = parseTableName(name);
        const request = {
          ...(flags.olderThan === undefined ? {} : { olderThan: flags.olderThan }),
          ...(flags.retainLast === undefined
            ? {}
            : { retainLast: parseRetainLast(flags.retainLast) }),
          dryRun: flags.dryRun === true,
        };
        const result = await withSession(command.optsWithGlobals<GlobalOptions>(), (s) =>
          s.services.snapshotExpiry.expire(s.caller, ident, request),
        );
        if (flags.json) printJson(out, result);
        else printResult(out, result);
      }),
    'table expire-snapshots bronze.iot.readings --dry-run',
    'table expire-snapshots bronze.iot.readings --older-than 7d --retain-last 10',
  );
}
