import { randomUUID } from 'node:crypto';
import { InvalidInput } from '../errors/index.js';
import { loadTable as loadIcebergTable } from '../iceberg/index.js';
import type {
  CreateTableRequest,
  IcebergTable,
  SchemaChange,
  TableContext,
} from '../iceberg/index.js';
import type { Metastore, TableRecord } from '../metastore/index.js';
import type { ObjectStore } from '../storage/index.js';
import { namespaceNotFound, tableExists, tableNotFound } from './catalog-errors.js';
import type {
  CatalogService,
  ConvertedTable,
  CreateTableInput,
  ExternalTablePatch,
  ExternalTableSpec,
  NamespaceDescription,
  SnapshotInfo,
  TableDescription,
  TableIdent,
} from './contract.js';
import { conversionInput, copyRawRows } from './external/conversion.js';
import { ExternalLocations } from './external/external-locations.js';
import { ExternalTables } from './external/external-tables.js';
import { createFilled, createStaged } from './external/staged-create.js';
import { purgeVolume, refuseVolumeName } from './volumes/volume-access.js';
import { LAYERS } from './contract.js';
import { MIRRORED_PROPERTIES, mirroredSubset, toCreateRequest } from './create-request.js';
import { metastorePointer } from './metadata-pointer.js';
import { checkTableIdent, formatTableName } from './names.js';
import { Namespaces, patchProperties } from './namespaces.js';
import { describe, snapshotInfo } from './table-description.js';
import { deleteRows, type DeletedRows, type RowChangeOptions } from './row-changes.js';
import { CatalogResolver } from './table-resolver.js';
import type { ResolverTarget } from './table-resolver.js';
import { deleteObjectsUnder, hasObjectsUnder } from './warehouse-objects.js';

type TablePatch = Parameters<CatalogService['updateTable']>[1];

/** A row left with no metadata by a crashed create is taken over after this long. */
const ABANDONED_CREATE_MS = 10 * 60_000;

export interface CatalogOptions {
  metastore: Metastore;
  store: ObjectStore;
  commit?: { maxRetries?: number; retryBaseDelayMs?: number };
  /** Needed by deleteRows, which rewrites data files in an engine session. */
  rowChanges?: RowChangeOptions;
  /** Folders outside the warehouse whose raw files external tables may read. */
  externalLocations?: readonly string[];
}

export interface OpenedTable {
  record: TableRecord;
  table: IcebergTable;
}

/** The catalog over the metastore (names, facts, pointers) and Iceberg (the tables themselves). */
export class Catalog implements CatalogService {
  readonly #metastore: Metastore;
  readonly #store: ObjectStore;
  readonly #commit: CatalogOptions['commit'];
  readonly #namespaces: Namespaces;
  readonly #rowChanges: RowChangeOptions | undefined;
  readonly #external: ExternalTables;

  constructor(options: CatalogOptions) {
    this.#metastore = options.metastore;
    this.#store = options.store;
    this.#commit = options.commit;
    this.#namespaces = new Namespaces(options.metastore);
    this.#rowChanges = options.rowChanges;
    const locations = new ExternalLocations(options.externalLocations ?? []);
    this.#external = new ExternalTables(options.metastore, locations);
  }

  async bootstrap(): Promise<void> {
    for (const layer of LAYERS) await this.#namespaces.ensure([layer]);
  }

  createNamespace(
    path: string[],
    input?: Parameters<CatalogService['createNamespace']>[1],
  ): Promise<NamespaceDescription> {
    return this.#namespaces.create(path, input);
  }

  listNamespaces(parent?: string[]): Promise<NamespaceDescription[]> {
    return this.#namespaces.list(parent);
  }

  describeNamespace(path: string[]): Promise<NamespaceDescription> {
    return this.#namespaces.describe(path);
  }

  updateNamespace(
    path: string[],
    patch: Parameters<CatalogService['updateNamespace']>[1],
  ): Promise<NamespaceDescription> {
    return this.#namespaces.update(path, patch);
  }

  renameNamespace(from: string[], to: string[]): Promise<void> {
    return this.#namespaces.rename(from, to);
  }

  async dropNamespace(path: string[], options: { cascade?: boolean } = {}): Promise<void> {
    const content = await this.#namespaces.checkDroppable(path);
    const volumes = await this.#metastore.volumes.list(path);
    const empty = content.children.length === 0 && content.tables === 0 && volumes.length === 0;
    if (!empty && options.cascade !== true) throw this.#namespaces.notEmpty(path, content);
    for (const child of content.children) await this.dropNamespace(child, options);
    for (const volume of volumes) await purgeVolume(this.#metastore, this.#store, volume);
    for (const record of await this.#metastore.tables.list(path)) {
      await this.#dropRecord(record, true);
    }
    await this.#namespaces.delete(path);
  }

  createTable(ident: TableIdent, input: CreateTableInput): Promise<TableDescription> {
    return this.#create(ident, input);
  }

  /**
   * With fill, the new table gets its first rows before anyone can see it (a conversion):
   * on failure nothing of it stays.
   */
  async #create(
    ident: TableIdent,
    input: CreateTableInput,
    fill?: (table: IcebergTable) => Promise<IcebergTable>,
  ): Promise<TableDescription> {
    checkTableIdent(ident);
    const name = formatTableName(ident);
    const request = toCreateRequest(name, input);
    if (!(await this.#namespaces.exists(ident.namespace))) {
      throw namespaceNotFound(ident.namespace);
    }
    await refuseVolumeName(this.#metastore, ident);
    await this.#takeOverAbandoned(ident);
    if (fill === undefined) return this.#createEmpty(ident, input, request);
    const record = await this.#metastore.tables.create({
      namespace: [...ident.namespace],
      name: ident.name,
      kind: 'iceberg',
      metadataLocation: null,
      location: await this.#freeLocation(ident),
      description: input.description ?? null,
      owner: input.owner ?? null,
      properties: { ...input.properties },
    });
    try {
      const table = await createFilled(this.#context(record, name), request, fill);
      const created = { ...record, metadataLocation: table.metadataLocation };
      return describe(created, this.#store.uri(record.location), table);
    } catch (err) {
      // The create's own error is what the user needs; a failed cleanup is reclaimed later.
      await this.#undoCreate(record).catch(() => undefined);
      throw err;
    }
  }

  /**
   * The metadata is written first and the row inserted with it, so a crash at any point
   * leaves no hidden row that would block the name (only unreferenced files, which a
   * later create of the name steps around).
   */
  async #createEmpty(
    ident: TableIdent,
    input: CreateTableInput,
    request: CreateTableRequest,
  ): Promise<TableDescription> {
    const location = await this.#freeLocation(ident);
    const table = await createStaged(
      { store: this.#store, keyPrefix: location, ...this.#commit },
      request,
    );
    try {
      const record = await this.#metastore.tables.create({
        namespace: [...ident.namespace],
        name: ident.name,
        kind: 'iceberg',
        metadataLocation: table.metadataLocation,
        location,
        description: input.description ?? null,
        owner: input.owner ?? null,
        properties: { ...input.properties },
      });
      return describe(record, this.#store.uri(location), table);
    } catch (err) {
      await deleteObjectsUnder(this.#store, location).catch(() => undefined);
      throw err;
    }
  }

  async loadTable(ident: TableIdent): Promise<IcebergTable> {
    return (await this.open(ident)).table;
  }

  async tableExists(ident: TableIdent): Promise<boolean> {
    const record = await this.#metastore.tables.get([...ident.namespace], ident.name);
    return record !== undefined && isVisible(record);
  }

  async listTables(
    namespace: string[],
  ): Promise<{ namespace: string[]; name: string; kind: string }[]> {
    await this.#namespaces.get(namespace);
    const records = await this.#metastore.tables.list(namespace);
    return records
      .filter(isVisible)
      .map((r) => ({ namespace: [...r.namespace], name: r.name, kind: r.kind }));
  }

  async describeTable(ident: TableIdent): Promise<TableDescription> {
    const record = await this.#visibleRecord(ident);
    if (record.kind === 'external') return this.#external.describe(record);
    const table = record.kind === 'iceberg' ? await this.#load(record) : undefined;
    return describe(record, this.#store.uri(record.location), table);
  }

  async updateTable(ident: TableIdent, patch: TablePatch): Promise<TableDescription> {
    const found = await this.#visibleRecord(ident);
    if (found.kind === 'external') return this.updateExternalTable(ident, patch);
    const { record, table } = await this.open(ident);
    const properties = patchProperties(
      record.properties,
      patch.setProperties,
      patch.removeProperties,
    );
    // Iceberg first: if its commit fails, neither side has changed.
    const refreshed = await this.#mirrorProperties(table, patch);
    const updated = await this.#metastore.tables.update(record.id, {
      properties,
      ...(patch.description === undefined ? {} : { description: patch.description }),
    });
    return describe(updated, this.#store.uri(updated.location), refreshed);
  }

  async renameTable(from: TableIdent, to: TableIdent): Promise<void> {
    checkTableIdent(to);
    const record = await this.#visibleRecord(from);
    if (!(await this.#namespaces.exists(to.namespace))) throw namespaceNotFound(to.namespace);
    if (await this.#metastore.tables.get([...to.namespace], to.name)) throw tableExists(to);
    await refuseVolumeName(this.#metastore, to);
    await this.#metastore.tables.rename(record.id, {
      namespace: [...to.namespace],
      name: to.name,
    });
  }

  async dropTable(ident: TableIdent, options: { purge?: boolean } = {}): Promise<void> {
    const record = await this.#visibleRecord(ident);
    await this.#dropRecord(record, options.purge ?? true);
  }

  async snapshots(ident: TableIdent): Promise<SnapshotInfo[]> {
    const { table } = await this.open(ident);
    const current = table.currentSnapshot()?.['snapshot-id'];
    // Sequence numbers grow with every commit, unlike clocks; newest first.
    return [...table.metadata.snapshots]
      .sort((a, b) => Number(b['sequence-number'] - a['sequence-number']))
      .map((s) => snapshotInfo(s, current));
  }

  async rollback(ident: TableIdent, snapshotId: bigint): Promise<SnapshotInfo> {
    const { table } = await this.open(ident);
    const rolled = await table.rollbackTo(snapshotId);
    const current = rolled.currentSnapshot()!;
    return snapshotInfo(current, current['snapshot-id']);
  }

  async evolveSchema(ident: TableIdent, changes: SchemaChange[]): Promise<TableDescription> {
    const { record, table } = await this.open(ident);
    const evolved = await table.updateSchema(changes);
    const current = { ...record, metadataLocation: evolved.metadataLocation };
    return describe(current, this.#store.uri(record.location), evolved);
  }

  async deleteRows(ident: TableIdent, where: string): Promise<DeletedRows> {
    const { table } = await this.open(ident);
    return deleteRows(table, where, this.#rowChanges);
  }

  resolver(): CatalogResolver {
    return new CatalogResolver((ident) => this.#openForRead(ident), this.#store);
  }

  async createExternalTable(
    ident: TableIdent,
    spec: ExternalTableSpec,
    input: { description?: string; properties?: Record<string, string>; owner?: string } = {},
  ): Promise<TableDescription> {
    checkTableIdent(ident);
    const checked = await this.#external.checked(spec);
    if (!(await this.#namespaces.exists(ident.namespace))) {
      throw namespaceNotFound(ident.namespace);
    }
    await refuseVolumeName(this.#metastore, ident);
    await this.#takeOverAbandoned(ident);
    return this.#external.describe(await this.#external.create(ident, checked, input));
  }

  async updateExternalTable(
    ident: TableIdent,
    patch: ExternalTablePatch,
  ): Promise<TableDescription> {
    const record = await this.#externalRecord(ident);
    const { setProperties, removeProperties, description, ...specPatch } = patch;
    const changed = Object.keys(specPatch).length > 0;
    const current = await this.#external.spec(record);
    const spec = changed ? await this.#external.checked({ ...current, ...specPatch }) : undefined;
    await this.#external.update(record, spec, {
      properties: patchProperties(record.properties, setProperties, removeProperties),
      ...(description === undefined ? {} : { description }),
    });
    return this.#external.describe(await this.#visibleRecord(ident));
  }

  async convertExternalTable(
    from: TableIdent,
    to: TableIdent,
    input: { owner?: string } = {},
  ): Promise<ConvertedTable> {
    const source = await this.#external.open(await this.#externalRecord(from));
    const name = formatTableName(from);
    const resolved = await this.#external.resolve(source.record, { parts: [] });
    let copied = { rows: 0, files: 0 };
    const table = await this.#create(to, conversionInput(source, name, input.owner), async (t) => {
      const result = await copyRawRows(t, resolved, this.#rowChanges);
      copied = { rows: result.rows, files: result.files };
      return result.table;
    });
    return { table, ...copied };
  }

  /** The metastore row and the loaded Iceberg table; NotFound when either is missing. */
  async open(ident: TableIdent): Promise<OpenedTable> {
    const record = await this.#visibleRecord(ident);
    if (record.kind !== 'iceberg') {
      const name = formatTableName(ident);
      throw new InvalidInput(
        'NOT_AN_ICEBERG_TABLE',
        `Table ${name} is an external table over raw files: it has no snapshots and cannot be written (ingest, delete, schema changes, rollback).`,
        {
          hint: `Convert it into an Iceberg table first: lakeward table convert ${name} --to bronze.<source_system>.<table>`,
        },
      );
    }
    return { record, table: await this.#load(record) };
  }

  /** What a query reads: the Iceberg table, or an external table's raw files. */
  async #openForRead(ident: TableIdent): Promise<ResolverTarget> {
    const record = await this.#visibleRecord(ident);
    if (record.kind !== 'external') return { table: await this.#load(record) };
    return {
      external: {
        schema: () => this.#external.schema(record),
        resolve: (ref) => this.#external.resolve(record, ref),
      },
    };
  }

  async #externalRecord(ident: TableIdent): Promise<TableRecord> {
    const record = await this.#visibleRecord(ident);
    if (record.kind === 'external') return record;
    throw new InvalidInput(
      'NOT_AN_EXTERNAL_TABLE',
      `Table ${formatTableName(ident)} is an Iceberg table, not an external table over raw files.`,
      { hint: 'Change an Iceberg table with lakeward table update or evolve its schema instead.' },
    );
  }

  #load(record: TableRecord): Promise<IcebergTable> {
    const name = formatTableName({ namespace: record.namespace, name: record.name });
    return loadIcebergTable(this.#context(record, name));
  }

  async #visibleRecord(ident: TableIdent): Promise<TableRecord> {
    const record = await this.#metastore.tables.get([...ident.namespace], ident.name);
    if (record === undefined || !isVisible(record)) throw tableNotFound(ident);
    return record;
  }

  #context(record: TableRecord, displayName: string): TableContext {
    return {
      store: this.#store,
      pointer: metastorePointer(this.#metastore.tables, record.id, displayName),
      keyPrefix: record.location,
      ...this.#commit,
    };
  }

  async #dropRecord(record: TableRecord, purge: boolean): Promise<void> {
    await this.#metastore.tables.delete(record.id);
    // An external table's files are the source's, never ours: only its registration goes.
    if (purge && record.kind === 'iceberg') await deleteObjectsUnder(this.#store, record.location);
  }

  /** Nothing of a failed create stays visible: the row goes, then whatever was written. */
  async #undoCreate(record: TableRecord): Promise<void> {
    await this.#metastore.tables.delete(record.id);
    await deleteObjectsUnder(this.#store, record.location);
  }

  /** A create that crashed between its two steps leaves a row without metadata; reclaim it. */
  async #takeOverAbandoned(ident: TableIdent): Promise<void> {
    const existing = await this.#metastore.tables.get([...ident.namespace], ident.name);
    if (existing === undefined) return;
    const abandoned =
      !isVisible(existing) && Date.now() - existing.createdAt.getTime() > ABANDONED_CREATE_MS;
    if (!abandoned) throw tableExists(ident);
    await this.#metastore.tables.delete(existing.id);
  }

  /** Files of a renamed or unpurged table may still sit at the natural location. */
  async #freeLocation(ident: TableIdent): Promise<string> {
    const natural = [...ident.namespace, ident.name].join('/');
    if (!(await hasObjectsUnder(this.#store, natural))) return natural;
    return `${natural}-${randomUUID().slice(0, 8)}`;
  }

  async #mirrorProperties(table: IcebergTable, patch: TablePatch): Promise<IcebergTable> {
    const set = mirroredSubset(patch.setProperties ?? {});
    const remove = (patch.removeProperties ?? []).filter((key) =>
      (MIRRORED_PROPERTIES as readonly string[]).includes(key),
    );
    if (Object.keys(set).length === 0 && remove.length === 0) return table;
    return table.setProperties(set, remove);
  }
}

function isVisible(record: TableRecord): boolean {
  return record.kind !== 'iceberg' || record.metadataLocation !== null;
}
