import type { Command } from 'commander';
import { InvalidInput } from '../../errors/index.js';
import type { DataFilterInfo } from '../../governance/index.js';
import { printJson, printRows, type Output } from '../output.js';
import { withSession, type GlobalOptions } from '../session.js';
import { withExamples } from './examples.js';
import { csv, granteeList, granteeText, tableArg } from './governance-args.js';

interface CreateOptions {
  where?: string;
  columns?: string;
  excludeColumns?: string;
  to?: string;
}

function columnsText(f: DataFilterInfo): string {
  if (f.columnMode === 'all') return 'all';
  return `${f.columnMode === 'include' ? '' : 'all but '}${f.columns.join(',')}`;
}

function printFilters(out: Output, filters: DataFilterInfo[]): void {
  printRows(
    out,
    ['TABLE', 'NAME', 'ROWS WHERE', 'COLUMNS', 'GRANTED TO'],
    filters.map((f) => [
      f.table.join('.'),
      f.name,
      f.rowPredicate ?? '(all rows)',
      columnsText(f),
      f.grantees.map(granteeText).join(', '),
    ]),
  );
}

export function registerFilters(program: Command, out: Output): void {
  const filters = program
    .command('filters')
    .alias('filter')
    .description('data filters: the rows and columns of a table a grantee may read');
  withExamples(
    filters,
    `filters create bronze.crm.customers us_only --where "region = 'US'" --to group:us_analysts`,
    'filters list bronze.crm.customers',
  );
  const globals = (command: Command) => command.optsWithGlobals<GlobalOptions>();

  withExamples(
    filters
      .command('create')
      .description('create a data filter on one table')
      .argument('<table>', 'e.g. bronze.crm.customers')
      .argument('<name>', 'e.g. us_only')
      .option('--where <sql>', 'rows it admits, e.g. "region = \'US\'" (default: all rows)')
      .option('--columns <a,b>', 'only these columns')
      .option('--exclude-columns <c>', 'every column but these')
      .option('--to <grantees>', 'user:alice,group:us_analysts')
      .action(async (table: string, name: string, options: CreateOptions, command: Command) => {
        if (options.columns !== undefined && options.excludeColumns !== undefined) {
          throw new InvalidInput(
            'INVALID_OPTION',
            '--columns and --exclude-columns cannot be used together.',
            { hint: 'Give the columns to include, or the columns to exclude.' },
          );
        }
        const created = await withSession(globals(command), (s) =>
          s.services.policies.createDataFilter(s.caller, {
            name,
            table: tableArg(table),
            ...(options.where === undefined ? {} : { rowPredicate: options.where }),
            ...(options.columns === undefined ? {} : { includeColumns: csv(options.columns) }),
            ...(options.excludeColumns === undefined
              ? {}
              : { excludeColumns: csv(options.excludeColumns) }),
            ...(options.to === undefined ? {} : { grantees: granteeList(options.to) }),
          }),
        );
        printFilters(out, [created]);
      }),
    `filters create bronze.crm.customers us_only --where "region = 'US'" --to group:us_analysts`,
    'filters create bronze.crm.customers no_ssn --exclude-columns ssn --to user:alice',
    `filters create bronze.crm.customers mine --where "manager = current_user()" --to group:managers`,
  );

  for (const verb of ['grant', 'revoke'] as const) {
    withExamples(
      filters
        .command(verb)
        .description(`${verb} a data filter ${verb === 'grant' ? 'to' : 'from'} users or groups`)
        .argument('<table>')
        .argument('<name>')
        .requiredOption('--to <grantees>', 'user:alice,group:us_analysts')
        .action(async (table: string, name: string, options: { to: string }, command: Command) => {
          const path = tableArg(table);
          const grantees = granteeList(options.to);
          const updated = await withSession(globals(command), async (s) => {
            let last: DataFilterInfo | undefined;
            for (const grantee of grantees) {
              last =
                verb === 'grant'
                  ? await s.services.policies.grantDataFilter(s.caller, path, name, grantee)
                  : await s.services.policies.revokeDataFilter(s.caller, path, name, grantee);
            }
            return last;
          });
          if (updated) printFilters(out, [updated]);
        }),
      `filters ${verb} bronze.crm.customers us_only --to user:bob,group:us_analysts`,
    );
  }

  withExamples(
    filters
      .command('list')
      .description('data filters, of every table or of one')
      .argument('[table]')
      .option('--json', 'print JSON')
      .action(async (table: string | undefined, options: { json?: boolean }, command: Command) => {
        const path = table === undefined ? undefined : tableArg(table);
        const list = await withSession(globals(command), (s) =>
          path === undefined
            ? s.services.policies.listDataFilters(s.caller)
            : s.services.policies.listDataFilters(s.caller, path),
        );
        if (options.json) return printJson(out, list);
        printFilters(out, list);
      }),
    'filters list bronze.crm.customers',
  );

  withExamples(
    filters
      .command('delete')
      .description('delete a data filter')
      .argument('<table>')
      .argument('<name>')
      .action(async (table: string, name: string, _options: unknown, command: Command) => {
        const path = tableArg(table);
        await withSession(globals(command), (s) =>
          s.services.policies.deleteDataFilter(s.caller, path, name),
        );
        out.stdout.write(`Deleted data filter ${name} on ${table}\n`);
      }),
    'filters delete bronze.crm.customers us_only',
  );
}
