import { InvalidInput } from '../../errors/index.js';
import type { ResolvedTable, TableReference } from '../../engine/index.js';
import type { Schema } from '../../iceberg/index.js';
import type { ExternalTableRecord, Metastore, TableRecord } from '../../metastore/index.js';
import { columnsOf } from '../table-description.js';
import type { ExternalTableSpec, Layer, TableDescription, TableIdent } from '../contract.js';
import { formatTableName } from '../names.js';
import type { ExternalLocations } from './external-locations.js';
import { checkSpec, externalSchema } from './external-spec.js';
import { listRawFiles } from './raw-files.js';
import type { RawFile } from './raw-files.js';

/** An external table ready to read: its spec, schema and the files it has now. */
export interface OpenedExternalTable {
  record: TableRecord;
  spec: ExternalTableSpec;
  schema: Schema;
  files: RawFile[];
}

/** The external tables of the catalog: their specs in the metastore, their files in place. */
export class ExternalTables {
  constructor(
    private readonly metastore: Metastore,
    readonly locations: ExternalLocations,
  ) {}

  /** A checked spec with its location in canonical form (file:///…). */
  async checked(spec: ExternalTableSpec): Promise<ExternalTableSpec> {
    const normal = checkSpec(spec);
    const { uri } = await this.locations.check(normal.location);
    return { ...normal, location: uri };
  }

  /** Creates the table row and its read options in one transaction. */
  async create(
    ident: TableIdent,
    spec: ExternalTableSpec,
    input: { description?: string; properties?: Record<string, string>; owner?: string },
  ): Promise<TableRecord> {
    return this.metastore.transaction(async (tx) => {
      const record = await tx.tables.create({
        namespace: [...ident.namespace],
        name: ident.name,
        kind: 'external',
        metadataLocation: null,
        location: spec.location,
        description: input.description ?? null,
        owner: input.owner ?? null,
        properties: { ...input.properties },
      });
      await tx.externalTables.put(record.id, toWrite(spec));
      return { ...record, location: spec.location };
    });
  }

  /** New read options (already checked), properties and description, in one transaction. */
  async update(
    record: TableRecord,
    spec: ExternalTableSpec | undefined,
    patch: { properties: Record<string, string>; description?: string | null },
  ): Promise<void> {
    await this.metastore.transaction(async (tx) => {
      if (spec !== undefined) await tx.externalTables.put(record.id, toWrite(spec));
      await tx.tables.update(record.id, patch);
    });
  }

  async spec(record: TableRecord): Promise<ExternalTableSpec> {
    const stored = await this.metastore.externalTables.get(record.id);
    if (stored === undefined) {
      throw new InvalidInput(
        'EXTERNAL_TABLE_INCOMPLETE',
        `External table ${formatTableName(record)} has no read options.`,
        { hint: 'Register it again: drop it (its files stay) and create it as an external table.' },
      );
    }
    return fromRecord(stored);
  }

  async open(record: TableRecord): Promise<OpenedExternalTable> {
    const spec = await this.spec(record);
    const files = await listRawFiles(spec, this.locations);
    return { record, spec, schema: externalSchema(spec), files };
  }

  /** What a query reads: the files listed now, read as the spec says. */
  async resolve(record: TableRecord, ref: TableReference): Promise<ResolvedTable> {
    const name = formatTableName(record);
    if (ref.at !== undefined) {
      throw new InvalidInput(
        'EXTERNAL_TABLE_NO_TIME_TRAVEL',
        `${name} is an external table over raw files: it has no snapshots to travel to.`,
        {
          hint: `Query it without AT (…), or convert it into an Iceberg table (lakeward table convert ${name} --to bronze.<source>.<table>) whose snapshots you can read later.`,
        },
      );
    }
    const { spec, schema, files } = await this.open(record);
    return {
      name,
      schema,
      dataFiles: files.map((f) => f.path),
      snapshotId: null,
      external: {
        format: spec.format,
        ...(spec.csv === undefined ? {} : { csv: spec.csv }),
        partitionColumns: spec.partitionColumns.map((p) => p.name),
      },
    };
  }

  async schema(record: TableRecord): Promise<Schema> {
    return externalSchema(await this.spec(record));
  }

  /** The catalog's facts, with the columns, partitions, file count and size of the files now. */
  async describe(record: TableRecord): Promise<TableDescription> {
    const spec = await this.spec(record);
    // A folder that went away or a link that escapes shows as no files; queries say why.
    const files = await listRawFiles(spec, this.locations).catch(() => []);
    const estimate = Number(record.properties.record_count ?? 0);
    return {
      name: record.name,
      namespace: [...record.namespace],
      layer: record.namespace[0] as Layer,
      kind: 'external',
      location: record.location,
      metadataLocation: null,
      description: record.description,
      owner: record.owner,
      properties: { ...record.properties },
      columns: columnsOf(externalSchema(spec)),
      partitionSpec: spec.partitionColumns.map((p) => ({
        sourceColumn: p.name,
        transform: 'identity',
        name: p.name,
      })),
      sortOrder: [],
      currentSnapshotId: null,
      snapshotCount: 0,
      recordCount: Number.isFinite(estimate) ? estimate : 0,
      fileCount: files.length,
      sizeBytes: files.reduce((sum, f) => sum + f.sizeBytes, 0),
      createdAt: record.createdAt.toISOString(),
      updatedAt: record.updatedAt.toISOString(),
      external: spec,
    };
  }
}

function toWrite(spec: ExternalTableSpec) {
  return {
    location: spec.location,
    format: spec.format,
    compression: spec.compression,
    csv: spec.csv ?? null,
    columns: spec.columns,
    partitionColumns: spec.partitionColumns,
    exclude: spec.exclude,
  };
}

function fromRecord(stored: ExternalTableRecord): ExternalTableSpec {
  return {
    location: stored.location,
    format: stored.format as ExternalTableSpec['format'],
    compression: stored.compression as ExternalTableSpec['compression'],
    ...(stored.csv === null ? {} : { csv: stored.csv }),
    columns: stored.columns,
    partitionColumns: stored.partitionColumns,
    exclude: stored.exclude,
  };
}
