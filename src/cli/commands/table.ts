import type { Command } from 'commander';
import type { SchemaChange, SnapshotInfo, TableDescription } from '../../catalog/index.js';
import { formatTableName, parseNamespace, parseTableName } from '../../catalog/index.js';
import { InvalidInput } from '../../errors/index.js';
import { parseType } from '../../iceberg/index.js';
import { parseKeyValues } from '../key-values.js';
import { printFields, printJson, printRows, type Output } from '../output.js';
import { withSession, type GlobalOptions, type Session } from '../session.js';
import { registerTableCreate } from './table-create.js';
import { registerTableCompact } from './table-compact.js';
import { registerTableExpireSnapshots } from './table-expire-snapshots.js';
import { externalFields, registerExternalTables } from './external-tables.js';

interface JsonOption {
  json?: boolean;
}

function inSession<T>(command: Command, run: (s: Session) => Promise<T>): Promise<T> {
  return withSession(command.optsWithGlobals<GlobalOptions>(), run);
}

function parseSnapshotId(text: string): bigint {
  if (!/^\d{1,19}$/.test(text)) {
    throw new InvalidInput('INVALID_SNAPSHOT_ID', `"${text}" is not a snapshot id.`, {
      hint: 'Snapshot ids are whole numbers; list them with lakeward table snapshots TABLE.',
    });
  }
  return BigInt(text);
}

function describeTable(out: Output, t: TableDescription): void {
  printFields(out, [
    ['table', formatTableName(t)],
    ['description', t.description],
    ['kind', t.kind],
    ['location', t.location],
    ['metadata', t.metadataLocation],
    ['snapshot', `${t.currentSnapshotId ?? 'none'} (${t.snapshotCount} snapshots)`],
    ['rows', `${t.recordCount} in ${t.fileCount} files, ${t.sizeBytes} bytes`],
    [
      'partitioned by',
      t.partitionSpec.map((p) => `${p.transform}(${p.sourceColumn})`).join(', ') || 'nothing',
    ],
    ['owner', t.owner],
    ['created', t.createdAt],
    ['updated', t.updatedAt],
    ...externalFields(t),
  ]);
  out.stdout.write('\nproperties:\n');
  printRows(out, ['KEY', 'VALUE'], Object.entries(t.properties));
  out.stdout.write('\ncolumns:\n');
  printRows(
    out,
    ['ID', 'NAME', 'TYPE', 'REQUIRED', 'DOC'],
    t.columns.map((c) => [c.id, c.name, c.type, c.required ? 'yes' : 'no', c.doc]),
  );
}

function printSnapshots(out: Output, snapshots: SnapshotInfo[]): void {
  printRows(
    out,
    ['SNAPSHOT', 'TIME', 'OPERATION', 'PARENT', 'CURRENT', 'ADDED ROWS', 'TOTAL ROWS'],
    snapshots.map((s) => [
      s.snapshotId,
      s.timestamp,
      s.operation,
      s.parentSnapshotId,
      s.isCurrent ? '*' : '',
      s.summary['added-records'] ?? '',
      s.summary['total-records'] ?? '',
    ]),
  );
}

export function registerTable(program: Command, out: Output): void {
  const table = program.command('table').alias('tables').description('inspect and change tables');
  const done = (message: string) => out.stdout.write(`${message}\n`);
  registerTableCreate(table, out);
  registerTableCompact(table, out);
  registerTableExpireSnapshots(table, out);
  registerExternalTables(table, out);

  table
    .command('list')
    .description('tables of a namespace')
    .argument('<namespace>', 'e.g. bronze.retail')
    .option('--json', 'print JSON')
    .action(async (name: string, options: JsonOption, command: Command) => {
      const ns = parseNamespace(name);
      const tables = await inSession(command, (s) => s.services.governed.listTables(s.caller, ns));
      if (options.json) return printJson(out, tables);
      printRows(
        out,
        ['TABLE', 'KIND'],
        tables.map((t) => [formatTableName(t), t.kind]),
      );
    });

  table
    .command('describe')
    .description('schema, properties, partitioning and counts')
    .argument('<table>')
    .option('--json', 'print JSON')
    .action(async (name: string, options: JsonOption, command: Command) => {
      const ident = parseTableName(name);
      const found = await inSession(command, (s) =>
        s.services.governed.describeTable(s.caller, ident),
      );
      if (options.json) printJson(out, found);
      else describeTable(out, found);
    });

  table
    .command('rename')
    .description('rename or move a table')
    .argument('<table>')
    .argument('<new-name>')
    .action(async (from: string, to: string, _options: unknown, command: Command) => {
      const [fromIdent, toIdent] = [parseTableName(from), parseTableName(to)];
      await inSession(command, (s) =>
        s.services.governed.renameTable(s.caller, fromIdent, toIdent),
      );
      done(`Renamed ${from} to ${formatTableName(toIdent)}`);
    });

  table
    .command('drop')
    .description('drop a table and (unless --keep-files) its files')
    .argument('<table>')
    .option('--keep-files', 'remove the table from the catalog but keep its files')
    .action(async (name: string, options: { keepFiles?: boolean }, command: Command) => {
      const ident = parseTableName(name);
      await inSession(command, (s) =>
        s.services.governed.dropTable(s.caller, ident, { purge: options.keepFiles !== true }),
      );
      done(`Dropped ${formatTableName(ident)}${options.keepFiles ? ' (files kept)' : ''}`);
    });

  table
    .command('snapshots')
    .description('snapshots of a table, newest first')
    .argument('<table>')
    .option('--json', 'print JSON')
    .action(async (name: string, options: JsonOption, command: Command) => {
      const ident = parseTableName(name);
      const snapshots = await inSession(command, (s) =>
        s.services.governed.snapshots(s.caller, ident),
      );
      if (options.json) printJson(out, snapshots);
      else printSnapshots(out, snapshots);
    });

  table
    .command('rollback')
    .description('make an earlier snapshot current again')
    .argument('<table>')
    .argument('<snapshot-id>')
    .action(async (name: string, id: string, _options: unknown, command: Command) => {
      const [ident, snapshotId] = [parseTableName(name), parseSnapshotId(id)];
      const current = await inSession(command, (s) =>
        s.services.governed.rollback(s.caller, ident, snapshotId),
      );
      done(`Rolled ${formatTableName(ident)} back; current snapshot is ${current.snapshotId}`);
    });

  table
    .command('delete-rows')
    .description('delete the rows matching a condition (one new snapshot)')
    .argument('<table>')
    .requiredOption('--where <condition>', "SQL condition over the table's columns")
    .action(async (name: string, options: { where: string }, command: Command) => {
      const ident = parseTableName(name);
      const result = await inSession(command, (s) =>
        s.services.governed.deleteRows(s.caller, ident, options.where),
      );
      const full = formatTableName(ident);
      done(
        result.deletedRows === 0
          ? `No rows of ${full} matched; nothing changed`
          : `Deleted ${result.deletedRows.toLocaleString('en-US')} rows from ${full}; ` +
              `current snapshot is ${result.snapshotId ?? 'none'}`,
      );
    });

  table
    .command('set-property')
    .description('set table properties')
    .argument('<table>')
    .argument('<key=value...>')
    .action(async (name: string, pairs: string[], _options: unknown, command: Command) => {
      const [ident, setProperties] = [parseTableName(name), parseKeyValues(pairs)];
      await inSession(command, (s) =>
        s.services.governed.updateTable(s.caller, ident, { setProperties }),
      );
      done(`Set ${Object.keys(setProperties).join(', ')} on ${formatTableName(ident)}`);
    });

  table
    .command('unset-property')
    .description('remove table properties')
    .argument('<table>')
    .argument('<key...>')
    .action(async (name: string, keys: string[], _options: unknown, command: Command) => {
      const ident = parseTableName(name);
      await inSession(command, (s) =>
        s.services.governed.updateTable(s.caller, ident, { removeProperties: keys }),
      );
      done(`Removed ${keys.join(', ')} from ${formatTableName(ident)}`);
    });

  table
    .command('set-description')
    .description("set the table's description")
    .argument('<table>')
    .argument('<text>')
    .action(async (name: string, description: string, _options: unknown, command: Command) => {
      const ident = parseTableName(name);
      await inSession(command, (s) =>
        s.services.governed.updateTable(s.caller, ident, { description }),
      );
      done(`Set the description of ${formatTableName(ident)}`);
    });

  registerSchemaCommands(table, done);
}

/** One subcommand per schema change; each turns its arguments into a SchemaChange. */
function registerSchemaCommands(table: Command, done: (message: string) => void): void {
  const changes: {
    name: string;
    args: string[];
    summary: string;
    toChange: (args: string[]) => SchemaChange;
  }[] = [
    {
      name: 'add-column',
      args: ['<name>', '<type>'],
      summary: 'add an optional column (type: long, string, decimal(10, 2), …)',
      toChange: ([name, type]) => ({ kind: 'add', name: name!, type: parseType(type!) }),
    },
    {
      name: 'rename-column',
      args: ['<old>', '<new>'],
      summary: 'rename a column; its data is kept',
      toChange: ([name, newName]) => ({ kind: 'rename', name: name!, newName: newName! }),
    },
    {
      name: 'drop-column',
      args: ['<name>'],
      summary: 'drop a column',
      toChange: ([name]) => ({ kind: 'drop', name: name! }),
    },
    {
      name: 'widen-column',
      args: ['<name>', '<type>'],
      summary: 'widen a column: int to long, float to double, decimal to more precision',
      toChange: ([name, type]) => ({ kind: 'widen', name: name!, type: parseType(type!) }),
    },
  ];
  for (const change of changes) {
    const command = table.command(change.name).description(change.summary).argument('<table>');
    for (const arg of change.args) command.argument(arg);
    command.action(async (...params: unknown[]) => {
      const self = params[params.length - 1] as Command;
      const [name, ...args] = self.args;
      const ident = parseTableName(name!);
      const schemaChange = change.toChange(args);
      await inSession(self, (s) =>
        s.services.governed.evolveSchema(s.caller, ident, [schemaChange]),
      );
      done(`${change.name}: ${args.join(' ')} on ${formatTableName(ident)}`);
    });
  }
}
