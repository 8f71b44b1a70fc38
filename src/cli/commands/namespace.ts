import type { Command } from 'commander';
import type { NamespaceDescription } from '../../catalog/index.js';
import { formatNamespace, parseNamespace } from '../../catalog/index.js';
import { printFields, printJson, printRows, type Output } from '../output.js';
import { parseKeyValues } from '../key-values.js';
import { withSession, type GlobalOptions } from '../session.js';

interface JsonOption {
  json?: boolean;
}

function propertiesText(properties: Record<string, string>): string {
  return Object.entries(properties)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

function describe(out: Output, ns: NamespaceDescription): void {
  printFields(out, [
    ['namespace', formatNamespace(ns.path)],
    ['description', ns.description],
    ['owner', ns.owner],
    ['properties', propertiesText(ns.properties)],
    ['created', ns.createdAt],
    ['updated', ns.updatedAt],
  ]);
}

export function registerNamespace(program: Command, out: Output): void {
  const ns = program
    .command('namespace')
    .alias('namespaces')
    .description('list, create, describe, rename and drop namespaces');
  const globals = (command: Command) => command.optsWithGlobals<GlobalOptions>();

  ns.command('list')
    .description('top-level namespaces, or the children of PARENT')
    .argument('[parent]', 'e.g. bronze')
    .option('--json', 'print JSON')
    .action(async (parent: string | undefined, options: JsonOption, command: Command) => {
      const path = parent === undefined ? undefined : parseNamespace(parent);
      const list = await withSession(globals(command), (s) =>
        s.services.governed.listNamespaces(s.caller, path),
      );
      if (options.json) return printJson(out, list);
      printRows(
        out,
        ['NAMESPACE', 'DESCRIPTION', 'PROPERTIES'],
        list.map((n) => [formatNamespace(n.path), n.description, propertiesText(n.properties)]),
      );
    });

  ns.command('create')
    .description('create a namespace, e.g. bronze.retail')
    .argument('<namespace>')
    .option('--description <text>')
    .option('--property <key=value...>', 'properties to set')
    .action(
      async (
        name: string,
        options: { description?: string; property?: string[] },
        command: Command,
      ) => {
        const path = parseNamespace(name);
        const input = {
          ...(options.description !== undefined ? { description: options.description } : {}),
          ...(options.property ? { properties: parseKeyValues(options.property) } : {}),
        };
        await withSession(globals(command), (s) =>
          s.services.governed.createNamespace(s.caller, path, input),
        );
        out.stdout.write(`Created namespace ${formatNamespace(path)}\n`);
      },
    );

  ns.command('describe')
    .description('description, properties and dates of a namespace')
    .argument('<namespace>')
    .option('--json', 'print JSON')
    .action(async (name: string, options: JsonOption, command: Command) => {
      const path = parseNamespace(name);
      const found = await withSession(globals(command), (s) =>
        s.services.governed.describeNamespace(s.caller, path),
      );
      if (options.json) printJson(out, found);
      else describe(out, found);
    });

  ns.command('rename')
    .description('rename a namespace with everything below it')
    .argument('<namespace>')
    .argument('<new-name>')
    .action(async (from: string, to: string, _options: unknown, command: Command) => {
      const [fromPath, toPath] = [parseNamespace(from), parseNamespace(to)];
      await withSession(globals(command), (s) =>
        s.services.governed.renameNamespace(s.caller, fromPath, toPath),
      );
      out.stdout.write(`Renamed namespace ${from} to ${formatNamespace(toPath)}\n`);
    });

  ns.command('drop')
    .description('drop an empty namespace (--cascade: its tables and their files too)')
    .argument('<namespace>')
    .option('--cascade', 'also drop every table and namespace below it')
    .action(async (name: string, options: { cascade?: boolean }, command: Command) => {
      const path = parseNamespace(name);
      await withSession(globals(command), (s) =>
        s.services.governed.dropNamespace(s.caller, path, { cascade: options.cascade === true }),
      );
      out.stdout.write(`Dropped namespace ${formatNamespace(path)}\n`);
    });
}
