import { InvalidInput } from '../../errors/index.js';
import { isPrimitive, typeToString } from '../../iceberg/index.js';
import type { NestedField, Schema } from '../../iceberg/index.js';
import { EXTERNAL_FORMATS } from '../contract.js';
import type { ExternalTableSpec } from '../contract.js';
import { parseColumnType } from './column-type.js';

export const COMPRESSIONS = ['none', 'gzip', 'zstd'] as const;

const invalidSpec = (message: string, hint: string) =>
  new InvalidInput('INVALID_EXTERNAL_TABLE', message, { hint });

/**
 * A spec as it is kept: known format and compression, a one-character CSV dialect,
 * column types in Iceberg's spelling, distinct column names (without case, as SQL
 * compares them), partition columns of primitive types.
 */
export function checkSpec(spec: ExternalTableSpec): ExternalTableSpec {
  if (!(EXTERNAL_FORMATS as readonly string[]).includes(spec.format)) {
    throw invalidSpec(
      `"${spec.format}" is not a format external tables read.`,
      `Use one of: ${EXTERNAL_FORMATS.join(', ')}.`,
    );
  }
  if (!(COMPRESSIONS as readonly string[]).includes(spec.compression)) {
    throw invalidSpec(
      `"${spec.compression}" is not a compression external tables read.`,
      `Use one of: ${COMPRESSIONS.join(', ')}.`,
    );
  }
  if (spec.columns.length === 0) {
    throw invalidSpec(
      'An external table needs at least one column read from its files.',
      'Give the columns in file order, e.g. --column id:long --column name:string.',
    );
  }
  const schema = externalSchema(spec);
  const byName = new Map(schema.fields.map((f) => [f.name, f]));
  for (const p of spec.partitionColumns) {
    if (!isPrimitive(byName.get(p.name)!.type)) {
      throw invalidSpec(
        `Partition column "${p.name}" must have a primitive type.`,
        'Partition values come from folder names: use string, int, long, date …',
      );
    }
  }
  const typed = (c: { name: string }) => ({
    name: c.name,
    type: typeToString(byName.get(c.name)!.type),
  });
  return {
    location: spec.location,
    format: spec.format,
    compression: spec.compression,
    ...(spec.format === 'csv' ? { csv: checkDialect(spec.csv) } : {}),
    columns: spec.columns.map(typed),
    partitionColumns: spec.partitionColumns.map(typed),
    exclude: spec.exclude.map(checkGlob),
  };
}

/** The table's schema: data columns in file order, then partition columns; ids from 1. */
export function externalSchema(
  spec: Pick<ExternalTableSpec, 'columns' | 'partitionColumns'>,
): Schema {
  let lastId = 0;
  const nextId = () => ++lastId;
  const seen = new Set<string>();
  const fields: NestedField[] = [];
  for (const column of [...spec.columns, ...spec.partitionColumns]) {
    const name = column.name.trim();
    if (name === '') {
      throw invalidSpec('A column of the external table has no name.', 'Name every column.');
    }
    if (seen.has(name.toLowerCase())) {
      throw invalidSpec(
        `The external table names the column "${name}" twice.`,
        'Give each column (partition columns included) a different name; case does not count.',
      );
    }
    seen.add(name.toLowerCase());
    const id = nextId();
    fields.push({ id, name, required: false, type: parseColumnType(column.type, nextId) });
  }
  return { type: 'struct', 'schema-id': 0, fields };
}

const DEFAULT_DIALECT = { delimiter: ',', quote: '"', escape: '"', header: true };

function checkDialect(csv: ExternalTableSpec['csv']): NonNullable<ExternalTableSpec['csv']> {
  const dialect = { ...DEFAULT_DIALECT, ...csv };
  for (const key of ['delimiter', 'quote', 'escape'] as const) {
    if ([...dialect[key]].length !== 1) {
      throw invalidSpec(
        `The CSV ${key} must be one character, not "${dialect[key]}".`,
        'e.g. delimiter "," or "\\t" (tab), quote "\\"", escape "\\"" or "\\\\".',
      );
    }
  }
  return dialect;
}

function checkGlob(glob: string): string {
  if (glob.trim() === '') {
    throw invalidSpec('An exclusion glob is empty.', 'e.g. **/*.tmp or archive/**');
  }
  return glob.trim();
}
