import path from 'node:path';
import type { Command } from 'commander';
import { EXTERNAL_FORMATS, formatTableName, parseTableName } from '../../catalog/index.js';
import type {
  ExternalFormat,
  ExternalTablePatch,
  ExternalTableSpec,
  TableDescription,
} from '../../catalog/index.js';
import { InvalidInput } from '../../errors/index.js';
import { parseKeyValues } from '../key-values.js';
import { printJson, type Output } from '../output.js';
import { withSession, type GlobalOptions } from '../session.js';
import { withExamples } from './examples.js';

interface SpecOptions {
  location?: string;
  format?: string;
  compression?: string;
  column: string[];
  partitionColumn: string[];
  exclude: string[];
  delimiter?: string;
  quote?: string;
  escape?: string;
  header?: boolean;
}

interface CreateOptions extends SpecOptions {
  description?: string;
  property: string[];
}

interface UpdateOptions extends SpecOptions {
  clearExclude?: boolean;
  set: string[];
  unset: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `name:type`; the type may be nested (`tags:list<string>`), the catalog checks it. */
function parseColumn(text: string): { name: string; type: string } {
  const at = text.indexOf(':');
  if (at <= 0 || text.slice(at + 1).trim() === '') {
    throw new InvalidInput('INVALID_COLUMN_SPEC', `"${text}" is not a column: use name:type.`, {
      hint: 'e.g. --column id:long --column amount:decimal(10, 2) --column tags:list<string>',
    });
  }
  return { name: text.slice(0, at).trim(), type: text.slice(at + 1).trim() };
}

function parseFormat(text: string): ExternalFormat {
  const format = text.toLowerCase();
  if (format === 'tsv') return 'csv';
  if ((EXTERNAL_FORMATS as readonly string[]).includes(format)) return format as ExternalFormat;
  throw new InvalidInput(
    'INVALID_EXTERNAL_TABLE',
    `"${text}" is not a format external tables read.`,
    {
      hint: `Use one of: ${EXTERNAL_FORMATS.join(', ')} (tsv is csv with --delimiter "\\t").`,
    },
  );
}

/** A relative folder is taken from where the command runs, as users expect of a path. */
function locationOf(text: string): string {
  return text.includes('://') || path.isAbsolute(text) ? text : path.resolve(text);
}

/** `\t` as typed on a command line means a tab. */
function character(text: string | undefined): string | undefined {
  return text === '\\t' ? '\t' : text;
}

function dialectOf(
  options: SpecOptions,
  base: ExternalTableSpec['csv'],
  tsv: boolean,
): ExternalTableSpec['csv'] {
  const given = {
    delimiter: character(options.delimiter) ?? (tsv ? '\t' : undefined),
    quote: character(options.quote),
    escape: character(options.escape),
    header: options.header,
  };
  const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  if (Object.keys(defined).length === 0) return base;
  return { delimiter: ',', quote: '"', escape: '"', header: true, ...base, ...defined };
}

/** What `table describe` adds for an external table: how its files are read. */
export function externalFields(table: TableDescription): [string, string | null][] {
  const spec = table.external;
  if (spec === undefined) return [];
  const csv = spec.csv;
  const dialect =
    csv === undefined
      ? null
      : `delimiter ${JSON.stringify(csv.delimiter)}, quote ${JSON.stringify(csv.quote)}, escape ${JSON.stringify(csv.escape)}, ${csv.header ? 'header' : 'no header'}`;
  return [
    ['format', `${spec.format}${spec.compression === 'none' ? '' : ` (${spec.compression})`}`],
    ['dialect', dialect],
    ['partitions', spec.partitionColumns.map((p) => `${p.name} ${p.type}`).join(', ') || 'none'],
    ['excluded', spec.exclude.join(', ') || 'nothing'],
  ];
}

export function registerExternalTables(table: Command, out: Output): void {
  const globals = (command: Command) => command.optsWithGlobals<GlobalOptions>();
  const specOptions = (command: Command): Command =>
    command
      .option('--column <name:type>', 'a column of the files, in file order; repeat', collect, [])
      .option(
        '--partition-column <name:type>',
        'a name=value folder level, outermost first; repeat',
        collect,
        [],
      )
      .option(
        '--exclude <glob>',
        'files (relative to the folder) that are not part of it; repeat',
        collect,
        [],
      )
      .option('--compression <kind>', 'none, gzip or zstd (as found; read either way)')
      .option('--delimiter <char>', 'CSV delimiter (\\t for tab)')
      .option('--quote <char>', 'CSV quote character')
      .option('--escape <char>', 'CSV escape character');

  withExamples(
    specOptions(
      table
        .command('create-external')
        .description(
          'register a folder of raw files (CSV, JSON, NDJSON, Parquet) as a table, read in place',
        )
        .argument('<table>', 'e.g. bronze.raw.flights_csv')
        .requiredOption('--location <folder>', 'folder inside catalog.externalLocations')
        .requiredOption('--format <format>', `${EXTERNAL_FORMATS.join(', ')} or tsv`),
    )
      .option('--no-header', 'CSV files have no header line')
      .option('--description <text>', 'what the files hold')
      .option('--property <key=value>', 'a table property; repeat', collect, [])
      .action(async (name: string, options: CreateOptions, command: Command) => {
        const ident = parseTableName(name);
        const format = parseFormat(options.format!);
        const spec: ExternalTableSpec = {
          location: locationOf(options.location!),
          format,
          compression: (options.compression ?? 'none') as ExternalTableSpec['compression'],
          columns: options.column.map(parseColumn),
          partitionColumns: options.partitionColumn.map(parseColumn),
          exclude: options.exclude,
        };
        const csv = dialectOf(options, undefined, options.format!.toLowerCase() === 'tsv');
        if (format === 'csv' && csv !== undefined) spec.csv = csv;
        const created = await withSession(globals(command), (s) =>
          s.services.governed.createExternalTable(s.caller, ident, spec, {
            ...(options.description === undefined ? {} : { description: options.description }),
            properties: parseKeyValues(options.property),
          }),
        );
        out.stdout.write(
          `Registered ${formatTableName(created)} over ${created.location} (${created.fileCount} files, ${created.sizeBytes} bytes)\n`,
        );
      }),
    'table create-external bronze.raw.flights_csv --location ../shared/data/flights/csv --format csv --column DEST_COUNTRY_NAME:string --column ORIGIN_COUNTRY_NAME:string --column count:long',
    'table create-external bronze.raw.sales --location /srv/landing/sales --format parquet --column id:long --column amount:double --partition-column year:int --exclude "**/*.tmp"',
  );

  withExamples(
    specOptions(
      table
        .command('update-external')
        .description(
          "change an external table's folder, columns, exclusions, dialect or properties",
        )
        .argument('<table>')
        .option('--location <folder>', 'a new folder inside catalog.externalLocations')
        .option('--format <format>', EXTERNAL_FORMATS.join(', ')),
    )
      .option('--header', 'CSV files have a header line')
      .option('--no-header', 'CSV files have no header line')
      .option('--clear-exclude', 'exclude nothing any more')
      .option('--set <key=value>', 'set a property; repeat', collect, [])
      .option('--unset <key>', 'remove a property; repeat', collect, [])
      .action(async (name: string, options: UpdateOptions, command: Command) => {
        const ident = parseTableName(name);
        const updated = await withSession(globals(command), async (s) => {
          const current = await s.services.governed.describeTable(s.caller, ident);
          const patch: ExternalTablePatch = {
            ...(options.location === undefined ? {} : { location: locationOf(options.location) }),
            ...(options.format === undefined ? {} : { format: parseFormat(options.format) }),
            ...(options.compression === undefined
              ? {}
              : { compression: options.compression as ExternalTableSpec['compression'] }),
            ...(options.column.length === 0 ? {} : { columns: options.column.map(parseColumn) }),
            ...(options.partitionColumn.length === 0
              ? {}
              : { partitionColumns: options.partitionColumn.map(parseColumn) }),
            ...(options.clearExclude === true
              ? { exclude: [] }
              : options.exclude.length === 0
                ? {}
                : { exclude: options.exclude }),
            setProperties: parseKeyValues(options.set),
            removeProperties: options.unset,
          };
          const csv = dialectOf(options, current.external?.csv, false);
          if (csv !== current.external?.csv && csv !== undefined) patch.csv = csv;
          return s.services.governed.updateExternalTable(s.caller, ident, patch);
        });
        out.stdout.write(`Updated ${formatTableName(updated)} (${updated.fileCount} files)\n`);
      }),
    'table update-external bronze.raw.flights_csv --exclude "2010-*"',
    'table update-external bronze.raw.flights_csv --clear-exclude --set source_system=bts',
  );

  withExamples(
    table
      .command('convert')
      .description('copy an external table into a new Iceberg table (visible only once complete)')
      .argument('<table>', 'the external table')
      .requiredOption('--to <table>', 'the new Iceberg table, e.g. bronze.flights.flights')
      .option('--drop-source', 'then drop the external table (its raw files stay)')
      .option('--json', 'print JSON')
      .action(
        async (
          name: string,
          options: { to: string; dropSource?: boolean; json?: boolean },
          command: Command,
        ) => {
          const [from, to] = [parseTableName(name), parseTableName(options.to)];
          const converted = await withSession(globals(command), (s) =>
            s.services.governed.convertExternalTable(s.caller, from, to, {
              dropSource: options.dropSource === true,
            }),
          );
          if (options.json) return printJson(out, converted);
          out.stdout.write(
            `Converted ${formatTableName(from)} into ${formatTableName(to)}: ${converted.rows} rows in ${converted.files} files${options.dropSource ? `; ${formatTableName(from)} dropped (its files stay)` : ''}\n`,
          );
        },
      ),
    'table convert bronze.raw.flights_csv --to bronze.flights.flights',
    'table convert bronze.raw.sales --to bronze.shop.sales --drop-source',
  );
}
