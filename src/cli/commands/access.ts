import type { Command } from 'commander';
import { InvalidInput } from '../../errors/index.js';
import { securableText } from '../../governance/index.js';
import type { AccessExplanation, Securable } from '../../governance/index.js';
import { explainAccess } from '../../server/index.js';
import { printFields, printJson, printRows, type Output } from '../output.js';
import { withSession, type GlobalOptions } from '../session.js';
import { withExamples } from './examples.js';
import { securableArg } from './governance-args.js';

interface ExplainOptions {
  principal?: string;
  table?: string;
  namespace?: string;
  column?: string;
  catalog?: boolean;
  json?: boolean;
}

function securableOf(options: ExplainOptions): Securable {
  const given = [
    options.table === undefined ? undefined : securableArg('table', options.table),
    options.namespace === undefined ? undefined : securableArg('namespace', options.namespace),
    options.column === undefined ? undefined : securableArg('column', options.column),
    options.catalog === true ? securableArg('catalog', '') : undefined,
  ].filter((s) => s !== undefined);
  if (given.length !== 1) {
    throw new InvalidInput(
      'INVALID_OPTION',
      'Name exactly one of --table, --namespace, --column or --catalog.',
      { hint: 'e.g. lakeward access explain --principal alice --table bronze.crm.customers' },
    );
  }
  return given[0]!;
}

function printExplanation(out: Output, e: AccessExplanation): void {
  printFields(out, [
    ['principal', e.principal],
    ['groups', e.groups.join(', ')],
    ['on', securableText(e.securable)],
  ]);
  out.stdout.write('\nprivileges:\n');
  printRows(
    out,
    ['PRIVILEGE', 'ALLOWED', 'WHY'],
    // The reason names the first source; --json lists them all.
    e.privileges.map((p) => [p.privilege, p.allowed ? 'yes' : 'no', p.reason]),
  );
  if (e.read === undefined) return;
  const read = e.read;
  out.stdout.write('\nreading the table:\n');
  printFields(out, [
    ['allowed', read.allowed ? 'yes' : 'no'],
    ['why', read.reason],
    ['columns', read.columns === undefined ? 'all' : read.columns.join(', ')],
    ['rows where', read.rowFilter ?? '(all rows)'],
    ['filters', read.applied.filters.join(', ') || '(none)'],
    ['masks', Object.keys(read.masks ?? {}).join(', ') || '(none)'],
  ]);
  if (read.sources.length > 0) {
    out.stdout.write('\nfrom:\n');
    printRows(
      out,
      ['SOURCE', 'ID', 'WHAT'],
      read.sources.map((s) => [s.type, s.id, s.description]),
    );
  }
}

export function registerAccess(program: Command, out: Output): void {
  const access = program.command('access').description('who may do what, and why');
  withExamples(access, 'access explain --principal alice --table bronze.crm.customers');
  withExamples(
    access
      .command('explain')
      .description(
        "effective privileges, filters and masks, and the grant, group or tag policy each comes from (another principal's: admin or MANAGE_GRANTS)",
      )
      .option('--principal <name>', 'whose access (default: yours)')
      .option('--table <name>')
      .option('--namespace <name>')
      .option('--column <name>', 'e.g. bronze.crm.customers.ssn')
      .option('--catalog', 'the catalog itself')
      .option('--json', 'print JSON')
      .action(async (options: ExplainOptions, command: Command) => {
        const securable = securableOf(options);
        const explanation = await withSession(command.optsWithGlobals<GlobalOptions>(), (s) =>
          explainAccess(s.services, s.caller, securable, options.principal),
        );
        if (options.json) return printJson(out, explanation);
        printExplanation(out, explanation);
      }),
    'access explain --principal alice --table bronze.crm.customers',
    'access explain --principal marketing_bot --namespace gold.revenue --json',
  );
}
