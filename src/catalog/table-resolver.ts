import { InvalidInput } from '../errors/index.js';
import type { ResolvedTable, TableReference, TableResolver, TimeTravel } from '../engine/index.js';
import { isPrimitive, parquetTopLevelColumns } from '../iceberg/index.js';
import type { DataFile, IcebergTable, Schema, Snapshot } from '../iceberg/index.js';
import type { ObjectStore } from '../storage/index.js';
import type { TableIdent } from './contract.js';
import { checkTableIdent, formatTableName } from './names.js';
import { filterForSnapshot, presentedSchema } from './presented-schema.js';

/** Copies into the local cache run a few at a time, not one per file all at once. */
const LOCALISE_CONCURRENCY = 8;

/**
 * How a name written in SQL maps to a table: exactly catalog.schema.table, where the
 * catalog is the layer and a quoted schema may hold dots for deeper namespaces
 * (bronze."retail.pos".sales). SQL identifiers ignore case, our names are lower case.
 */
export function identOfReference(parts: readonly string[]): TableIdent {
  const written = parts.join('.');
  if (parts.length !== 3) {
    throw new InvalidInput(
      'INVALID_TABLE_REFERENCE',
      `Table "${written}" must be named in full as layer.namespace.table.`,
      {
        hint: 'e.g. SELECT * FROM bronze.retail.invoices; for deeper namespaces quote the middle part: bronze."retail.pos".sales',
      },
    );
  }
  const [layer, schema, table] = parts.map((p) => p.toLowerCase()) as [string, string, string];
  return checkTableIdent({ namespace: [layer, ...schema.split('.')], name: table });
}

function snapshotAt(table: IcebergTable, at: TimeTravel | undefined): Snapshot | undefined {
  if (at === undefined) return table.currentSnapshot();
  return at.kind === 'snapshot'
    ? table.snapshot(at.snapshotId)
    : table.snapshotAsOf(at.timestampMs);
}

async function mapLimited<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** An external table as a query reads it: raw files listed now, no snapshots. */
export interface ExternalRead {
  schema(): Promise<Schema>;
  resolve(ref: TableReference): Promise<ResolvedTable>;
}

/** What a name opens to: an Iceberg table, or an external table. */
export type ResolverTarget = { table: IcebergTable } | { external: ExternalRead };

/**
 * Resolves SQL table references through the catalog to exactly one snapshot's data
 * files, or to an external table's raw files.
 */
export class CatalogResolver implements TableResolver {
  constructor(
    private readonly open: (ident: TableIdent) => Promise<ResolverTarget>,
    private readonly store: ObjectStore,
  ) {}

  /**
   * Name and schema of the snapshot a reference reads, without planning its files.
   * The schema is under today's column names (see presentedSchema).
   */
  async describe(ref: TableReference): Promise<Pick<ResolvedTable, 'name' | 'schema'>> {
    const ident = identOfReference(ref.parts);
    const target = await this.open(ident);
    if ('external' in target) {
      return { name: formatTableName(ident), schema: await target.external.schema() };
    }
    const { table } = target;
    return {
      name: formatTableName(ident),
      schema: presentedSchema(table, snapshotAt(table, ref.at)),
    };
  }

  async resolve(ref: TableReference): Promise<ResolvedTable> {
    const ident = identOfReference(ref.parts);
    const target = await this.open(ident);
    if ('external' in target) return target.external.resolve(ref);
    const { table } = target;
    const snapshot = snapshotAt(table, ref.at);
    const name = formatTableName(ident);
    const schema = presentedSchema(table, snapshot);
    if (snapshot === undefined) return { name, schema, dataFiles: [], snapshotId: null };
    // Planning binds the filter to the snapshot's own schema, which may name columns otherwise.
    const filter = ref.filter && filterForSnapshot(ref.filter, schema, table.schemaFor(snapshot));
    const planned = await table.planFiles({
      snapshotId: snapshot['snapshot-id'],
      ...(filter ? { filter } : {}),
    });
    // Narrowed before any footer is read or file localised: those cost per file.
    const only = ref.onlyFiles;
    const files = only === undefined ? planned : planned.filter((f) => only.has(f.filePath));
    // Files written under other names than the presented ones fail this and go by field id.
    const named = await mapLimited(files, LOCALISE_CONCURRENCY, (f) => this.namesMatch(f, schema));
    const byName = files.filter((_, i) => named[i]);
    const byFieldId = files.filter((_, i) => !named[i]);
    const localise = (list: DataFile[]) =>
      mapLimited(list, LOCALISE_CONCURRENCY, (f) => this.localise(name, f.filePath));
    return {
      name,
      schema,
      dataFiles: await localise(byFieldId),
      namedFiles: await localise(byName),
      snapshotId: snapshot['snapshot-id'],
    };
  }

  /**
   * A file whose top-level columns carry the schema's own names under the same field
   * ids can be read by name, which DuckDB does far faster than by field id. Nested
   * columns always go by field id: their inner names may differ.
   */
  private async namesMatch(file: DataFile, schema: Schema): Promise<boolean> {
    if (!schema.fields.every((f) => isPrimitive(f.type))) return false;
    const key = this.store.keyOf(file.filePath);
    if (key === undefined) return false;
    // A footer that cannot be read says nothing; the field-id path reports the real error.
    const columns = await parquetTopLevelColumns(this.store, key).catch(() => undefined);
    return columns !== undefined && schema.fields.every((f) => columns.get(f.id) === f.name);
  }

  private localise(tableName: string, uri: string): Promise<string> {
    const key = this.store.keyOf(uri);
    if (key === undefined) {
      throw new InvalidInput(
        'DATA_FILE_OUTSIDE_WAREHOUSE',
        `Table ${tableName} refers to a data file outside this warehouse: ${uri}`,
        { hint: 'Register the table in the warehouse that holds its files.' },
      );
    }
    return this.store.localPath(key);
  }
}
