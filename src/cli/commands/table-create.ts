import type { Command } from 'commander';
import type { CreateTableInput } from '../../catalog/index.js';
import { formatTableName, parseTableName } from '../../catalog/index.js';
import { InvalidInput } from '../../errors/index.js';
import { parseType } from '../../iceberg/index.js';
import type { Output } from '../output.js';
import { withSession, type GlobalOptions } from '../session.js';

interface CreateOptions {
  column: string[];
  partitionBy: string[];
  sortBy: string[];
  description?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `name:type`, e.g. `order_id:long` or `price:decimal(10, 2)`. */
function parseColumn(text: string): CreateTableInput['columns'][number] {
  const at = text.indexOf(':');
  if (at <= 0) {
    throw new InvalidInput('INVALID_COLUMN_SPEC', `"${text}" is not a column: use name:type.`, {
      hint: 'e.g. --column order_id:long --column placed_at:timestamp --column note:string',
    });
  }
  return { name: text.slice(0, at).trim(), type: parseType(text.slice(at + 1).trim()) };
}

/** `day(order_date)`, `bucket[16](customer_id)`, or a bare column for identity. */
function parsePartition(text: string): { source: string; transform: string } {
  const call = /^\s*([a-z]+(?:\[\d+\])?)\s*\(\s*([^()]+?)\s*\)\s*$/i.exec(text);
  if (call) return { transform: call[1]!.toLowerCase(), source: call[2]! };
  if (/^\s*[^\s()]+\s*$/.test(text)) return { transform: 'identity', source: text.trim() };
  throw new InvalidInput('INVALID_PARTITION_SPEC', `"${text}" is not a partition field.`, {
    hint: 'Use a column (identity) or transform(column): year, month, day, hour, bucket[N], truncate[W].',
  });
}

/** `order_date desc nulls-first`; ascending with nulls first by default. */
function parseSortField(text: string): {
  source: string;
  direction: 'asc' | 'desc';
  nulls: string;
} {
  const [source, direction = 'asc', nulls] = text.trim().split(/\s+/);
  if (!source || !['asc', 'desc'].includes(direction.toLowerCase())) {
    throw new InvalidInput('INVALID_SORT_SPEC', `"${text}" is not a sort field.`, {
      hint: 'Use "column [asc|desc] [nulls-first|nulls-last]".',
    });
  }
  const dir = direction.toLowerCase() as 'asc' | 'desc';
  return { source, direction: dir, nulls: nulls ?? (dir === 'asc' ? 'nulls-first' : 'nulls-last') };
}

export function registerTableCreate(table: Command, out: Output): void {
  table
    .command('create')
    .description('create an empty Iceberg table, optionally partitioned and sorted')
    .argument('<table>', 'e.g. silver.sales.orders')
    .requiredOption('--column <name:type>', 'a column; repeat for each', collect, [])
    .option(
      '--partition-by <field>',
      'day(col), bucket[16](col), truncate[4](col), col …',
      collect,
      [],
    )
    .option('--sort-by <field>', '"col [asc|desc] [nulls-first|nulls-last]"; repeat', collect, [])
    .option('--description <text>', 'what the table holds')
    .action(async (name: string, options: CreateOptions, command: Command) => {
      const ident = parseTableName(name);
      const columns = options.column.map(parseColumn);
      const sorts = options.sortBy.map(parseSortField);
      const input: CreateTableInput = {
        columns,
        partitionBy: options.partitionBy.map(parsePartition),
        ...(options.description === undefined ? {} : { description: options.description }),
      };
      const created = await withSession(command.optsWithGlobals<GlobalOptions>(), (s) =>
        s.services.governed.createTable(s.caller, ident, {
          ...input,
          ...(sorts.length === 0 ? {} : { sortOrder: { fields: sortFields(sorts, columns) } }),
        }),
      );
      out.stdout.write(`Created ${formatTableName(created)} (${created.columns.length} columns)\n`);
    });
}

function sortFields(
  sorts: ReturnType<typeof parseSortField>[],
  columns: CreateTableInput['columns'],
): NonNullable<CreateTableInput['sortOrder']>['fields'] {
  return sorts.map((s) => {
    const index = columns.findIndex((c) => c.name === s.source);
    if (index < 0) {
      throw new InvalidInput('INVALID_SORT_SPEC', `Sort column "${s.source}" is not a column.`, {
        hint: `Sort by one of: ${columns.map((c) => c.name).join(', ')}.`,
      });
    }
    return {
      transform: 'identity',
      'source-id': index + 1,
      direction: s.direction,
      'null-order': s.nulls === 'nulls-last' ? 'nulls-last' : 'nulls-first',
    };
  });
}
