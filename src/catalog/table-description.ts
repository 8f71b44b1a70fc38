import type { IcebergTable, IcebergType, NestedField, Schema, Snapshot } from '../iceberg/index.js';
import { typeToString } from '../iceberg/index.js';
import type { TableRecord } from '../metastore/index.js';
import type { ColumnInfo, Layer, SnapshotInfo, TableDescription } from './contract.js';

function fieldNames(fields: readonly NestedField[], prefix = ''): Map<number, string> {
  const names = new Map<number, string>();
  for (const field of fields) {
    const name = `${prefix}${field.name}`;
    names.set(field.id, name);
    const nested = nestedFields(field.type);
    for (const [id, child] of fieldNames(nested, `${name}.`)) names.set(id, child);
  }
  return names;
}

function nestedFields(type: IcebergType): NestedField[] {
  return typeof type === 'object' && type.type === 'struct' ? type.fields : [];
}

export function columnsOf(schema: Schema): ColumnInfo[] {
  return schema.fields.map((f) => ({
    id: f.id,
    name: f.name,
    type: typeToString(f.type),
    required: f.required,
    doc: f.doc ?? null,
  }));
}

export function snapshotInfo(snapshot: Snapshot, current: bigint | undefined): SnapshotInfo {
  return {
    snapshotId: snapshot['snapshot-id'].toString(),
    parentSnapshotId: snapshot['parent-snapshot-id']?.toString() ?? null,
    sequenceNumber: snapshot['sequence-number'].toString(),
    timestamp: new Date(snapshot['timestamp-ms']).toISOString(),
    operation: snapshot.summary.operation,
    summary: { ...snapshot.summary },
    schemaId: snapshot['schema-id'] ?? null,
    isCurrent: snapshot['snapshot-id'] === current,
  };
}

function summaryNumber(snapshot: Snapshot | undefined, key: string): number {
  const value = Number(snapshot?.summary[key] ?? 0);
  return Number.isFinite(value) ? value : 0;
}

function layoutOf(table: IcebergTable): Pick<TableDescription, 'partitionSpec' | 'sortOrder'> {
  const md = table.metadata;
  const names = fieldNames(table.schema().fields);
  const nameOf = (id: number) => names.get(id) ?? `#${id}`;
  const spec = md['partition-specs'].find((s) => s['spec-id'] === md['default-spec-id']);
  const order = md['sort-orders'].find((o) => o['order-id'] === md['default-sort-order-id']);
  return {
    partitionSpec: (spec?.fields ?? []).map((f) => ({
      sourceColumn: nameOf(f['source-id']),
      transform: f.transform,
      name: f.name,
    })),
    sortOrder: (order?.fields ?? []).map((f) => ({
      column: nameOf(f['source-id']),
      direction: f.direction,
      nullOrder: f['null-order'],
    })),
  };
}

/** The catalog's facts from the metastore row, the table's from its current Iceberg metadata. */
export function describe(
  record: TableRecord,
  locationUri: string,
  table: IcebergTable | undefined,
): TableDescription {
  const current = table?.currentSnapshot();
  return {
    name: record.name,
    namespace: [...record.namespace],
    layer: record.namespace[0] as Layer,
    kind: record.kind,
    location: locationUri,
    metadataLocation: record.metadataLocation,
    description: record.description,
    owner: record.owner,
    properties: { ...record.properties },
    columns: table ? columnsOf(table.schema()) : [],
    ...(table ? layoutOf(table) : { partitionSpec: [], sortOrder: [] }),
    currentSnapshotId: current?.['snapshot-id'].toString() ?? null,
    snapshotCount: table?.metadata.snapshots.length ?? 0,
    recordCount: summaryNumber(current, 'total-records'),
    fileCount: summaryNumber(current, 'total-data-files'),
    sizeBytes: summaryNumber(current, 'total-files-size'),
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}
