import type { CatalogService, TableIdent } from '../../../catalog/index.js';
import { AlreadyExists, InvalidInput } from '../../../errors/index.js';
import type { IcebergTable, IcebergType, Schema } from '../../../iceberg/index.js';
import {
  ensureNamespace,
  evolveBronzeTable,
  openTable,
  syncProperties,
} from '../../bronze-table.js';
import { tableName } from '../../ingest-job.js';
import { STREAM_BRONZE_COLUMNS } from '../contract.js';
import type { StreamDefinition } from '../contract.js';
import { WRITABLE_TYPES_TEXT, writableType } from './json-values.js';

export const DEAD_LETTER_COLUMNS: readonly { name: string; type: IcebergType; doc: string }[] = [
  { name: '_stream', type: 'string', doc: 'The stream that received the record.' },
  { name: '_partition', type: 'string', doc: 'Source partition of the record.' },
  { name: '_offset', type: 'long', doc: 'Source position of the record (offset, sequence).' },
  { name: '_received_at', type: 'timestamptz', doc: 'When the source received it.' },
  { name: '_ingested_at', type: 'timestamptz', doc: 'When it was set aside.' },
  { name: 'reason', type: 'string', doc: 'Why it was not written to the table.' },
  { name: 'raw', type: 'binary', doc: 'The exact bytes received.' },
];

const STREAM_NAMES = new Set<string>(STREAM_BRONZE_COLUMNS.map((c) => c.name));

/** The table's own columns, without the stream columns. */
export function dataColumns(schema: Schema): { name: string; type: IcebergType }[] {
  return schema.fields
    .filter((f) => !STREAM_NAMES.has(f.name))
    .map((f) => ({ name: f.name, type: f.type }));
}

export function streamProperties(definition: StreamDefinition): Record<string, string> {
  return {
    ingest_type: 'streaming',
    source_system: definition.sourceSystem,
    stream: definition.name,
    file_format: 'json',
    // A commit a second would otherwise leave 86,400 metadata files a day behind.
    'write.metadata.delete-after-commit.enabled': 'true',
  };
}

/** Creates the bronze table with the record columns followed by the stream columns. */
export async function createStreamTable(
  catalog: CatalogService,
  definition: StreamDefinition,
  columns: { name: string; type: IcebergType }[],
  owner: string | undefined,
): Promise<IcebergTable> {
  const unwritable = columns.find((c) => !writableType(c.type));
  if (unwritable !== undefined) {
    throw new InvalidInput(
      'STREAM_COLUMN_TYPE',
      `Column "${unwritable.name}" of stream ${definition.name} has type ${JSON.stringify(unwritable.type)}, which streams cannot fill from JSON.`,
      {
        hint: `Declare it as one of: ${WRITABLE_TYPES_TEXT}.`,
      },
    );
  }
  const ident = definition.table;
  return create(catalog, ident, owner, {
    columns: [...columns, ...STREAM_BRONZE_COLUMNS],
    description: `Records of stream ${definition.name}.`,
    properties: streamProperties(definition),
  });
}

/**
 * A table made outside the stream (an earlier batch load, or by hand) gets the
 * stream's columns and properties before the first commit.
 */
export async function adoptTable(
  catalog: CatalogService,
  definition: StreamDefinition,
  table: IcebergTable,
): Promise<IcebergTable> {
  const names = new Set(table.schema().fields.map((f) => f.name));
  const missing = STREAM_BRONZE_COLUMNS.filter((c) => !names.has(c.name)).map((c) => ({
    kind: 'add' as const,
    name: c.name,
    type: c.type,
  }));
  await syncProperties(catalog, definition.table, streamProperties(definition));
  return missing.length === 0 ? table : evolveBronzeTable(catalog, definition.table, missing);
}

export async function openDeadLetterTable(
  catalog: CatalogService,
  definition: StreamDefinition,
  owner: string | undefined,
): Promise<IcebergTable> {
  const ident = definition.deadLetterTable;
  const existing = await openTable(catalog, ident);
  if (existing !== undefined) return existing;
  return create(catalog, ident, owner, {
    columns: [...DEAD_LETTER_COLUMNS],
    description: `Records of stream ${definition.name} that could not be written to ${tableName(definition.table)}.`,
    properties: {
      ingest_type: 'streaming-dead-letters',
      source_system: definition.sourceSystem,
      stream: definition.name,
    },
  });
}

async function create(
  catalog: CatalogService,
  ident: TableIdent,
  owner: string | undefined,
  input: Parameters<CatalogService['createTable']>[1],
): Promise<IcebergTable> {
  await ensureNamespace(catalog, ident.namespace, owner);
  try {
    await catalog.createTable(ident, { ...input, ...(owner === undefined ? {} : { owner }) });
  } catch (err) {
    // Another process made it first (a restarted server): use theirs.
    if (!(err instanceof AlreadyExists)) throw err;
  }
  return catalog.loadTable(ident);
}
