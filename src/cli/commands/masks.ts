import type { Command } from 'commander';
import { InvalidInput } from '../../errors/index.js';
import { MASK_FUNCTIONS } from '../../governance/index.js';
import type { ColumnMaskInfo, MaskFunction } from '../../governance/index.js';
import { printJson, printRows, type Output } from '../output.js';
import { withSession, type GlobalOptions } from '../session.js';
import { withExamples } from './examples.js';
import { granteeList, granteeText, tableArg } from './governance-args.js';

function maskFunction(text: string): MaskFunction {
  const upper = text.toUpperCase();
  const found = MASK_FUNCTIONS.find((f) => f === upper);
  if (found === undefined) {
    throw new InvalidInput('INVALID_MASK_FUNCTION', `"${text}" is not a mask function.`, {
      hint: `Use one of ${MASK_FUNCTIONS.join(', ')}.`,
    });
  }
  return found;
}

function printMasks(out: Output, masks: ColumnMaskInfo[]): void {
  printRows(
    out,
    ['TABLE', 'COLUMN', 'FUNCTION', 'EXPRESSION', 'EXEMPT'],
    masks.map((m) => [
      m.table.join('.'),
      m.column,
      m.function,
      m.expression,
      m.exempt.map(granteeText).join(', '),
    ]),
  );
}

export function registerMasks(program: Command, out: Output): void {
  const masks = program
    .command('masks')
    .alias('mask')
    .description('column masks: what everyone but the exempt sees of a column');
  withExamples(masks, 'masks set bronze.crm.customers ssn MASK_SHOW_LAST_4 --exempt group:hr');
  const globals = (command: Command) => command.optsWithGlobals<GlobalOptions>();

  withExamples(
    masks
      .command('set')
      .description(`mask a column (replaces its mask): ${MASK_FUNCTIONS.join(', ')}`)
      .argument('<table>')
      .argument('<column>')
      .argument('<function>')
      .option('--expression <sql>', 'the SQL of a CUSTOM mask, over the column')
      .option('--exempt <grantees>', 'who sees the real value: group:hr,user:bob')
      .action(
        async (
          table: string,
          column: string,
          fn: string,
          options: { expression?: string; exempt?: string },
          command: Command,
        ) => {
          const input = {
            table: tableArg(table),
            column,
            function: maskFunction(fn),
            ...(options.expression === undefined ? {} : { expression: options.expression }),
            ...(options.exempt === undefined ? {} : { exempt: granteeList(options.exempt) }),
          };
          const mask = await withSession(globals(command), (s) =>
            s.services.policies.setColumnMask(s.caller, input),
          );
          printMasks(out, [mask]);
        },
      ),
    'masks set bronze.crm.customers ssn MASK_SHOW_LAST_4 --exempt group:hr',
    `masks set bronze.crm.customers email CUSTOM --expression "regexp_replace(email, '^[^@]+', '***')"`,
  );

  withExamples(
    masks
      .command('list')
      .description('column masks, of every table or of one')
      .argument('[table]')
      .option('--json', 'print JSON')
      .action(async (table: string | undefined, options: { json?: boolean }, command: Command) => {
        const path = table === undefined ? undefined : tableArg(table);
        const list = await withSession(globals(command), (s) =>
          path === undefined
            ? s.services.policies.listColumnMasks(s.caller)
            : s.services.policies.listColumnMasks(s.caller, path),
        );
        if (options.json) return printJson(out, list);
        printMasks(out, list);
      }),
    'masks list bronze.crm.customers',
  );

  withExamples(
    masks
      .command('delete')
      .description('remove the mask of a column')
      .argument('<table>')
      .argument('<column>')
      .action(async (table: string, column: string, _options: unknown, command: Command) => {
        const path = tableArg(table);
        await withSession(globals(command), (s) =>
          s.services.policies.deleteColumnMask(s.caller, path, column),
        );
        out.stdout.write(`Removed the mask of ${table}.${column}\n`);
      }),
    'masks delete bronze.crm.customers ssn',
  );
}
