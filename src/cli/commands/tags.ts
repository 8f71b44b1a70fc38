import type { Command } from 'commander';
import { InvalidInput } from '../../errors/index.js';
import { securableText } from '../../governance/index.js';
import { printJson, printRows, type Output } from '../output.js';
import { withSession, type GlobalOptions } from '../session.js';
import { withExamples } from './examples.js';
import { csv, securableArg } from './governance-args.js';
import { registerTagPolicies } from './tag-policies.js';

function keyValue(text: string): { key: string; value: string } {
  const eq = text.indexOf('=');
  if (eq <= 0 || eq === text.length - 1) {
    throw new InvalidInput('INVALID_TAG', `"${text}" is not KEY=VALUE.`, {
      hint: 'e.g. lakeward tags set table bronze.crm.customers sensitivity=pii',
    });
  }
  return { key: text.slice(0, eq).trim(), value: text.slice(eq + 1).trim() };
}

export function registerTags(program: Command, out: Output): void {
  const tags = program
    .command('tags')
    .alias('tag')
    .description('tag keys, tags on namespaces, tables and columns, and tag policies');
  withExamples(
    tags,
    'tags keys create sensitivity --values public,internal,pii',
    'tags set column bronze.crm.customers.ssn sensitivity=pii',
  );
  const globals = (command: Command) => command.optsWithGlobals<GlobalOptions>();
  registerTagKeys(tags, out);

  withExamples(
    tags
      .command('set')
      .description('tag a namespace, table or column (one value per key; inherited downwards)')
      .argument('<kind>', 'namespace, table or column')
      .argument('<name>', 'e.g. bronze.crm.customers or bronze.crm.customers.ssn')
      .argument('<key=value>')
      .action(async (kind: string, name: string, pair: string, _o: unknown, command: Command) => {
        const securable = securableArg(kind, name);
        const { key, value } = keyValue(pair);
        await withSession(globals(command), (s) =>
          s.services.policies.assignTag(s.caller, securable, key, value),
        );
        out.stdout.write(`Tagged ${securableText(securable)} ${key}=${value}\n`);
      }),
    'tags set namespace gold.revenue domain=marketing',
    'tags set column bronze.crm.customers.ssn sensitivity=pii',
  );

  withExamples(
    tags
      .command('unset')
      .description('remove a tag from a securable')
      .argument('<kind>')
      .argument('<name>')
      .argument('<key>')
      .action(async (kind: string, name: string, key: string, _o: unknown, command: Command) => {
        const securable = securableArg(kind, name);
        await withSession(globals(command), (s) =>
          s.services.policies.unassignTag(s.caller, securable, key),
        );
        out.stdout.write(`Removed ${key} from ${securableText(securable)}\n`);
      }),
    'tags unset column bronze.crm.customers.ssn sensitivity',
  );

  withExamples(
    tags
      .command('list')
      .description("a securable's effective tags (own and inherited), or every assignment")
      .argument('[kind]')
      .argument('[name]')
      .option('--json', 'print JSON')
      .action(
        async (
          kind: string | undefined,
          name: string | undefined,
          options: { json?: boolean },
          command: Command,
        ) => {
          const securable = kind === undefined ? undefined : securableArg(kind, name ?? '');
          const list = await withSession(globals(command), (s) =>
            securable === undefined
              ? s.services.policies.listTags(s.caller)
              : s.services.policies.listTags(s.caller, securable),
          );
          if (options.json) return printJson(out, list);
          printRows(
            out,
            ['ON', 'KEY', 'VALUE', 'INHERITED FROM'],
            list.map((t) => [
              securableText(t.securable),
              t.key,
              t.value,
              t.inheritedFrom === null ? '' : securableText(t.inheritedFrom),
            ]),
          );
        },
      ),
    'tags list',
    'tags list table bronze.crm.customers',
  );

  registerTagPolicies(tags, out);
}

function registerTagKeys(tags: Command, out: Output): void {
  const keys = withExamples(
    tags.command('keys').description('tag keys and the values they allow'),
    'tags keys list',
  );
  const globals = (command: Command) => command.optsWithGlobals<GlobalOptions>();

  withExamples(
    keys
      .command('create')
      .description('create a tag key with its allowed values')
      .argument('<key>')
      .requiredOption('--values <a,b,c>', 'the values the key may take')
      .option('--description <text>')
      .action(
        async (
          key: string,
          options: { values: string; description?: string },
          command: Command,
        ) => {
          const created = await withSession(globals(command), (s) =>
            s.services.policies.createTagKey(s.caller, {
              key,
              allowedValues: csv(options.values),
              ...(options.description === undefined ? {} : { description: options.description }),
            }),
          );
          out.stdout.write(`Created tag key ${created.key}: ${created.allowedValues.join(', ')}\n`);
        },
      ),
    'tags keys create sensitivity --values public,internal,pii',
  );

  withExamples(
    keys
      .command('update')
      .description('add or remove allowed values')
      .argument('<key>')
      .option('--add-values <a,b>')
      .option('--remove-values <a,b>')
      .option('--description <text>')
      .action(
        async (
          key: string,
          options: { addValues?: string; removeValues?: string; description?: string },
          command: Command,
        ) => {
          const updated = await withSession(globals(command), (s) =>
            s.services.policies.updateTagKey(s.caller, key, {
              ...(options.addValues === undefined ? {} : { addValues: csv(options.addValues) }),
              ...(options.removeValues === undefined
                ? {}
                : { removeValues: csv(options.removeValues) }),
              ...(options.description === undefined ? {} : { description: options.description }),
            }),
          );
          out.stdout.write(`${updated.key}: ${updated.allowedValues.join(', ')}\n`);
        },
      ),
    'tags keys update sensitivity --add-values restricted',
  );

  withExamples(
    keys
      .command('list')
      .description('every tag key with its allowed values')
      .option('--json', 'print JSON')
      .action(async (options: { json?: boolean }, command: Command) => {
        const list = await withSession(globals(command), (s) =>
          s.services.policies.listTagKeys(s.caller),
        );
        if (options.json) return printJson(out, list);
        printRows(
          out,
          ['KEY', 'VALUES', 'DESCRIPTION'],
          list.map((k) => [k.key, k.allowedValues.join(','), k.description]),
        );
      }),
    'tags keys list',
  );

  withExamples(
    keys
      .command('delete')
      .description('delete a tag key and its assignments')
      .argument('<key>')
      .action(async (key: string, _options: unknown, command: Command) => {
        await withSession(globals(command), (s) => s.services.policies.deleteTagKey(s.caller, key));
        out.stdout.write(`Deleted tag key ${key}\n`);
      }),
    'tags keys delete sensitivity',
  );
}
