import type { IcebergTable, Schema, TableMetadata } from '../iceberg/index.js';
import { indexById, parseTableMetadata } from '../iceberg/index.js';
import { InvalidInput, NotFound } from '../errors/index.js';
import type { CatalogService, ColumnInfo, TableIdent } from './contract.js';
import { formatTableName } from './names.js';
import { diffLimitedTo, diffSchemas } from './schema-diff.js';
import type { SchemaDiff } from './schema-diff.js';
import { columnsOf } from './table-description.js';

/** One schema version of a table, oldest first in a history. */
export interface SchemaVersion {
  schemaId: number;
  isCurrent: boolean;
  /** When this version first appeared in the table's metadata (from its metadata log). */
  addedAt: string;
  /** The first snapshot written with this version; null when no snapshot used it yet. */
  snapshot: { snapshotId: string; timestamp: string } | null;
  columns: ColumnInfo[];
  /** What changed from the previous version; null for the first. */
  changes: SchemaDiff | null;
}

/** The schema versions of a table, the current one and the previous ones, oldest first. */
export async function readSchemaHistory(table: IcebergTable): Promise<SchemaVersion[]> {
  const md = table.metadata;
  const schemas = [...md.schemas].sort((a, b) => a['schema-id'] - b['schema-id']);
  const appeared = await appearanceTimes(table, schemas);
  return schemas.map((schema, i) => {
    const previous = i === 0 ? undefined : schemas[i - 1];
    const first = firstSnapshotWith(md, schema['schema-id']);
    return {
      schemaId: schema['schema-id'],
      isCurrent: schema['schema-id'] === md['current-schema-id'],
      addedAt: new Date(appeared.get(schema['schema-id']) ?? md['last-updated-ms']).toISOString(),
      snapshot:
        first === undefined
          ? null
          : {
              snapshotId: first['snapshot-id'].toString(),
              timestamp: new Date(first['timestamp-ms']).toISOString(),
            },
      columns: columnsOf(schema),
      changes: previous === undefined ? null : diffSchemas(previous, schema),
    };
  });
}

/** The diff between two versions of a table (NotFound listing the versions when one is missing). */
export function schemaDiffOf(
  ident: TableIdent,
  table: IcebergTable,
  fromId: number,
  toId: number,
): SchemaDiff {
  return diffSchemas(schemaById(ident, table, fromId), schemaById(ident, table, toId));
}

function schemaById(ident: TableIdent, table: IcebergTable, id: number): Schema {
  const schema = table.metadata.schemas.find((s) => s['schema-id'] === id);
  if (schema !== undefined) return schema;
  const existing = table.metadata.schemas.map((s) => s['schema-id']).sort((a, b) => a - b);
  throw new NotFound(
    'SCHEMA_VERSION_NOT_FOUND',
    `Table ${formatTableName(ident)} has no schema version ${id}; its versions are ${existing.join(', ')}.`,
    { hint: `List them with lakeward describe ${formatTableName(ident)} --history.` },
  );
}

/** Schema version ids arrive as text at the edges. */
export function parseSchemaId(text: string): number {
  if (!/^\d{1,9}$/.test(text.trim())) {
    throw new InvalidInput('INVALID_SCHEMA_VERSION', `"${text}" is not a schema version id.`, {
      hint: 'Schema version ids are whole numbers (0, 1, 2 …); lakeward describe TABLE --history lists them.',
    });
  }
  return Number(text.trim());
}

/** External tables are raw files read in place: they have no metadata to keep versions in. */
export function noSchemaHistory(ident: TableIdent): InvalidInput {
  const name = formatTableName(ident);
  return new InvalidInput(
    'NOT_AN_ICEBERG_TABLE',
    `Table ${name} is an external table over raw files: it has no Iceberg schema history.`,
    {
      hint: `lakeward describe ${name} shows its columns as they are today; convert it to an Iceberg table to keep its history from then on.`,
    },
  );
}

/**
 * Hides what a caller may not read: fields outside the visible top-level columns (nested
 * ones follow their column), dropped fields included, since their ids are not visible.
 */
export function historyAsSeen(
  versions: SchemaVersion[],
  visibleIds: ReadonlySet<number>,
): SchemaVersion[] {
  const visible = (id: number) => visibleIds.has(id);
  return versions.map((v) => ({
    ...v,
    columns: v.columns.filter((c) => visible(c.id)),
    changes: v.changes === null ? null : diffLimitedTo(v.changes, visible),
  }));
}

function firstSnapshotWith(md: TableMetadata, schemaId: number) {
  return [...md.snapshots]
    .sort((a, b) => Number(a['sequence-number'] - b['sequence-number']))
    .find((s) => s['schema-id'] === schemaId);
}

/**
 * When each schema first appeared: the time of the first metadata file that holds it.
 * Schemas are only ever added, so a schema is present in a suffix of the metadata log and a
 * binary search reads few old files. A version older than the kept log gets the oldest
 * time known (the log may be trimmed by write.metadata.previous-versions-max).
 */
async function appearanceTimes(
  table: IcebergTable,
  schemas: Schema[],
): Promise<Map<number, number>> {
  const md = table.metadata;
  const versions = [
    ...md['metadata-log'].map((e) => ({ file: e['metadata-file'], at: e['timestamp-ms'] })),
    { file: table.metadataLocation, at: md['last-updated-ms'] },
  ];
  const loaded = new Map<number, Promise<Set<number>>>();
  const idsAt = (i: number): Promise<Set<number>> => {
    let ids = loaded.get(i);
    if (ids === undefined) {
      ids =
        i === versions.length - 1
          ? Promise.resolve(new Set(md.schemas.map((s) => s['schema-id'])))
          : readSchemaIds(table, versions[i]!.file);
      loaded.set(i, ids);
    }
    return ids;
  };
  const times = new Map<number, number>();
  for (const schema of schemas) {
    const id = schema['schema-id'];
    let [low, high] = [0, versions.length - 1];
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if ((await idsAt(middle)).has(id)) high = middle;
      else low = middle + 1;
    }
    times.set(id, versions[low]!.at);
  }
  return times;
}

/** A previous metadata file's schema ids; an unreadable one (removed by cleanup) counts as none. */
async function readSchemaIds(table: IcebergTable, file: string): Promise<Set<number>> {
  const { store } = table.context;
  const key = store.keyOf(file);
  if (key === undefined) return new Set();
  try {
    const metadata = parseTableMetadata(Buffer.from(await store.get(key)).toString('utf8'));
    return new Set(metadata.schemas.map((s) => s['schema-id']));
  } catch (err) {
    if (err instanceof NotFound) return new Set();
    throw err;
  }
}

/** The table whose history is asked for; external tables say plainly that they have none. */
export async function tableWithHistory(
  catalog: Pick<CatalogService, 'loadTable'>,
  ident: TableIdent,
): Promise<IcebergTable> {
  try {
    return await catalog.loadTable(ident);
  } catch (err) {
    if (err instanceof InvalidInput && err.code === 'NOT_AN_ICEBERG_TABLE') {
      throw noSchemaHistory(ident);
    }
    throw err;
  }
}

/** Field ids of the given top-level columns of the current schema, with everything nested in them. */
export function fieldIdsUnder(table: IcebergTable, columns: readonly string[]): Set<number> {
  const top = new Set(columns);
  const ids = new Set<number>();
  for (const [id, { path }] of indexById(table.schema())) {
    if (top.has(path[0]!)) ids.add(id);
  }
  return ids;
}
