import type { Command } from 'commander';
import { parseTableName, SUGGESTION_STATUSES } from '../../catalog/index.js';
import type { ClassificationSuggestion, SuggestionStatus } from '../../catalog/index.js';
import { InvalidInput } from '../../errors/index.js';
import { printJson, printRows, type Output } from '../output.js';
import { withSession, type GlobalOptions } from '../session.js';
import { withExamples } from './examples.js';

const globals = (command: Command) => command.optsWithGlobals<GlobalOptions>();

function printSuggestions(out: Output, list: ClassificationSuggestion[], withTable: boolean): void {
  printRows(
    out,
    [
      'ID',
      ...(withTable ? ['TABLE'] : []),
      'COLUMN',
      'CLASSIFICATION',
      'CONFIDENCE',
      'MATCHED',
      'SAMPLED',
      'STATUS',
    ],
    list.map((s) => [
      s.id,
      ...(withTable ? [s.table] : []),
      s.column,
      s.classification,
      s.confidence,
      s.matchedCount,
      s.sampleSize,
      s.status === 'rejected' && s.rejectReason !== null ? `rejected: ${s.rejectReason}` : s.status,
    ]),
  );
}

function statusOption(text: string | undefined): SuggestionStatus | undefined {
  if (text === undefined) return undefined;
  const status = SUGGESTION_STATUSES.find((s) => s === text);
  if (status !== undefined) return status;
  throw new InvalidInput('INVALID_OPTION', `--status "${text}" is not a suggestion status.`, {
    hint: `Use one of ${SUGGESTION_STATUSES.join(', ')}.`,
  });
}

/** A whole number as typed; its range is the service's to check. */
function sampleOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  throw new InvalidInput('INVALID_OPTION', `--sample "${text}" is not a whole number.`, {
    hint: 'Give the non-null values to sample per column, e.g. --sample 1000.',
  });
}

export function registerClassify(program: Command, out: Output): void {
  const classify = withExamples(
    program
      .command('classify')
      .description(
        'detect sensitive data (e-mail, phone, card, SSN, IBAN, IP, names) in a table and review the suggestions',
      )
      .argument('[table]', 'the table to sample, e.g. bronze.crm.customers')
      .option('--sample <n>', 'non-null values sampled per column (default 1000)')
      .option('--reopen-rejected', 'make rejected suggestions that are found again pending again')
      .option('--json', 'print JSON')
      .action(
        async (
          table: string | undefined,
          options: { sample?: string; reopenRejected?: boolean; json?: boolean },
          command: Command,
        ) => {
          if (table === undefined) return void command.help({ error: true });
          const sampleSize = sampleOption(options.sample);
          const result = await withSession(globals(command), (s) =>
            s.services.classifications.classify(s.caller, parseTableName(table), {
              ...(sampleSize === undefined ? {} : { sampleSize }),
              reopenRejected: options.reopenRejected === true,
            }),
          );
          if (options.json) return printJson(out, result);
          const values = result.sampled.map((c) => c.values);
          out.stdout.write(
            `Sampled ${result.sampled.length} column(s) of ${result.table} (up to ${Math.max(0, ...values)} values each)\n`,
          );
          for (const skipped of result.skipped) {
            out.stdout.write(`Skipped ${skipped.column}: ${skipped.reason}\n`);
          }
          printSuggestions(out, result.suggestions, false);
        },
      ),
    'classify bronze.crm.customers',
    'classify bronze.crm.customers --sample 5000',
    'classify list --status pending',
    'classify accept 3f2c…',
    'classify reject 3f2c… --reason "synthetic test cards"',
  );

  withExamples(
    classify
      .command('list')
      .description('suggestions on tables you may describe')
      .argument('[table]')
      .option('--status <status>', `only ${SUGGESTION_STATUSES.join(', ')}`)
      .option('--json', 'print JSON')
      .action(
        async (
          table: string | undefined,
          options: { status?: string; json?: boolean },
          command: Command,
        ) => {
          const status = statusOption(options.status);
          const list = await withSession(globals(command), (s) =>
            s.services.classifications.list(s.caller, {
              ...(table === undefined ? {} : { table: parseTableName(table) }),
              ...(status === undefined ? {} : { status }),
            }),
          );
          // `classify --json` is an option of the parent too, which takes it first.
          if (options.json ?? command.optsWithGlobals<{ json?: boolean }>().json) {
            return printJson(out, list);
          }
          printSuggestions(out, list, true);
        },
      ),
    'classify list',
    'classify list bronze.crm.customers --status pending --json',
  );

  withExamples(
    classify
      .command('accept')
      .description('accept suggestions: tags each column classification=<value> (needs APPLY_TAG)')
      .argument('<id...>')
      .action(async (ids: string[], _o: unknown, command: Command) => {
        await withSession(globals(command), async (s) => {
          for (const id of ids) {
            const accepted = await s.services.classifications.accept(s.caller, id);
            out.stdout.write(
              `Accepted: ${accepted.table}.${accepted.column} is tagged classification=${accepted.classification}\n`,
            );
          }
        });
      }),
    'classify accept 3f2c… 9a41…',
  );

  withExamples(
    classify
      .command('reject')
      .description('reject a suggestion, saying why (an accepted one loses its tag)')
      .argument('<id>')
      .requiredOption('--reason <text>', 'why the column is not what was detected')
      .action(async (id: string, options: { reason: string }, command: Command) => {
        const rejected = await withSession(globals(command), (s) =>
          s.services.classifications.reject(s.caller, id, options.reason),
        );
        out.stdout.write(
          `Rejected: ${rejected.table}.${rejected.column} is not ${rejected.classification}\n`,
        );
      }),
    'classify reject 3f2c… --reason "synthetic test cards"',
  );
}
