import type { ObjectStore } from '../storage/index.js';
import { decodeAvroFile, encodeAvroFile } from './avro-file.js';
import { manifestEntrySchema, type PartitionFieldType } from './avro-schemas.js';
import {
  partitionFieldTypes,
  partitionFromAvro,
  partitionToAvro,
  summarizePartitions,
} from './partition-values.js';
import type { DataFile, ManifestEntry, ManifestFile, PartitionSpec, Schema } from './types.js';
import { ManifestEntryStatus } from './types.js';
import { keyInWarehouse } from './warehouse-key.js';

type AvroRecord = Record<string, unknown>;
type KeyValue<V> = { key: number; value: V };

function mapToAvro<V>(map: Map<number, V>, convert: (v: V) => unknown): KeyValue<unknown>[] | null {
  if (map.size === 0) return null;
  return [...map].map(([key, value]) => ({ key, value: convert(value) }));
}

function mapFromAvro<V>(list: unknown, convert: (v: unknown) => V): Map<number, V> {
  const map = new Map<number, V>();
  for (const { key, value } of (list ?? []) as KeyValue<unknown>[]) map.set(key, convert(value));
  return map;
}

const asBytes = (v: unknown): Buffer => Buffer.from(v as Uint8Array);
const asUint8 = (v: unknown): Uint8Array => Uint8Array.from(v as Buffer);
const same = <T>(v: unknown): T => v as T;

function dataFileToAvro(file: DataFile, fields: PartitionFieldType[]): AvroRecord {
  return {
    content: file.content,
    file_path: file.filePath,
    file_format: file.fileFormat,
    partition: partitionToAvro(fields, file.partition),
    record_count: file.recordCount,
    file_size_in_bytes: file.fileSizeInBytes,
    column_sizes: mapToAvro(file.columnSizes, same),
    value_counts: mapToAvro(file.valueCounts, same),
    null_value_counts: mapToAvro(file.nullValueCounts, same),
    nan_value_counts: mapToAvro(file.nanValueCounts, same),
    lower_bounds: mapToAvro(file.lowerBounds, asBytes),
    upper_bounds: mapToAvro(file.upperBounds, asBytes),
    key_metadata: null,
    split_offsets: file.splitOffsets ?? null,
    equality_ids: null,
    sort_order_id: file.sortOrderId ?? null,
  };
}

function dataFileFromAvro(
  raw: AvroRecord,
  fields: PartitionFieldType[],
  avroNames: Map<number, string>,
  specId: number,
): DataFile {
  const file: DataFile = {
    content: (raw.content ?? 0) as DataFile['content'],
    filePath: raw.file_path as string,
    fileFormat: String(raw.file_format).toUpperCase() as DataFile['fileFormat'],
    partition: partitionFromAvro(fields, avroNames, raw.partition as AvroRecord),
    recordCount: raw.record_count as bigint,
    fileSizeInBytes: raw.file_size_in_bytes as bigint,
    columnSizes: mapFromAvro(raw.column_sizes, same<bigint>),
    valueCounts: mapFromAvro(raw.value_counts, same<bigint>),
    nullValueCounts: mapFromAvro(raw.null_value_counts, same<bigint>),
    nanValueCounts: mapFromAvro(raw.nan_value_counts, same<bigint>),
    lowerBounds: mapFromAvro(raw.lower_bounds, asUint8),
    upperBounds: mapFromAvro(raw.upper_bounds, asUint8),
    specId,
  };
  if (Array.isArray(raw.split_offsets)) file.splitOffsets = raw.split_offsets as bigint[];
  if (typeof raw.sort_order_id === 'number') file.sortOrderId = raw.sort_order_id;
  return file;
}

export interface ManifestWrite {
  key: string;
  schema: Schema;
  spec: PartitionSpec;
  /** The snapshot that writes the manifest and its sequence number. */
  snapshotId: bigint;
  sequenceNumber: bigint;
  entries: ManifestEntry[];
}

function countFiles(entries: ManifestEntry[], status: ManifestEntryStatus): [number, bigint] {
  const matching = entries.filter((e) => e.status === status);
  return [matching.length, matching.reduce((sum, e) => sum + e.dataFile.recordCount, 0n)];
}

/** Writes one manifest and returns its manifest-list row. */
export async function writeManifest(
  store: ObjectStore,
  write: ManifestWrite,
): Promise<ManifestFile> {
  const fields = partitionFieldTypes(write.schema, write.spec);
  const records = write.entries.map((e) => ({
    status: e.status,
    snapshot_id: e.snapshotId,
    sequence_number: e.sequenceNumber,
    file_sequence_number: e.fileSequenceNumber,
    data_file: dataFileToAvro(e.dataFile, fields),
  }));
  const bytes = encodeAvroFile(manifestEntrySchema(fields), records, {
    schema: JSON.stringify(write.schema),
    'schema-id': String(write.schema['schema-id']),
    'partition-spec': JSON.stringify(write.spec.fields),
    'partition-spec-id': String(write.spec['spec-id']),
    'format-version': '2',
    content: 'data',
  });
  await store.put(write.key, bytes);
  const live = write.entries.filter((e) => e.status !== ManifestEntryStatus.deleted);
  const [addedFilesCount, addedRowsCount] = countFiles(write.entries, ManifestEntryStatus.added);
  const [existingFilesCount, existingRowsCount] = countFiles(
    write.entries,
    ManifestEntryStatus.existing,
  );
  const [deletedFilesCount, deletedRowsCount] = countFiles(
    write.entries,
    ManifestEntryStatus.deleted,
  );
  const minSequenceNumber = live.reduce(
    (min, e) => (e.sequenceNumber !== null && e.sequenceNumber < min ? e.sequenceNumber : min),
    write.sequenceNumber,
  );
  return {
    manifestPath: store.uri(write.key),
    manifestLength: BigInt(bytes.length),
    partitionSpecId: write.spec['spec-id'],
    content: 0,
    sequenceNumber: write.sequenceNumber,
    minSequenceNumber,
    addedSnapshotId: write.snapshotId,
    addedFilesCount,
    existingFilesCount,
    deletedFilesCount,
    addedRowsCount,
    existingRowsCount,
    deletedRowsCount,
    partitions: summarizePartitions(
      fields,
      write.entries.map((e) => e.dataFile.partition),
    ),
  };
}

/** Avro field name of each partition field id, from the schema embedded in the file. */
function partitionAvroNames(fileSchema: unknown): Map<number, string> {
  const names = new Map<number, string>();
  const entry = fileSchema as { fields?: { name: string; type: unknown }[] };
  const dataFile = entry.fields?.find((f) => f.name === 'data_file')?.type as
    typeof entry | undefined;
  const partition = dataFile?.fields?.find((f) => f.name === 'partition')?.type as
    { fields?: { name: string; 'field-id'?: number }[] } | undefined;
  for (const f of partition?.fields ?? []) {
    if (typeof f['field-id'] === 'number') names.set(f['field-id'], f.name);
  }
  return names;
}

/**
 * Reads a manifest's entries, filling in what ADDED entries inherit from the
 * manifest list (spec, "Sequence Number Inheritance").
 */
export async function readManifest(
  store: ObjectStore,
  manifest: ManifestFile,
  schema: Schema,
  spec: PartitionSpec,
): Promise<ManifestEntry[]> {
  const file = decodeAvroFile(
    await store.get(keyInWarehouse(store, manifest.manifestPath)),
    manifest.manifestPath,
  );
  const fields = partitionFieldTypes(schema, spec);
  const avroNames = partitionAvroNames(file.schema);
  return file.records.map((raw) => {
    const status = raw.status as ManifestEntryStatus;
    const inherits = status === ManifestEntryStatus.added;
    const sequenceNumber =
      (raw.sequence_number as bigint | null) ?? (inherits ? manifest.sequenceNumber : null);
    return {
      status,
      snapshotId: (raw.snapshot_id as bigint | null) ?? manifest.addedSnapshotId,
      sequenceNumber,
      fileSequenceNumber:
        (raw.file_sequence_number as bigint | null) ?? (inherits ? manifest.sequenceNumber : null),
      dataFile: dataFileFromAvro(
        raw.data_file as AvroRecord,
        fields,
        avroNames,
        manifest.partitionSpecId,
      ),
    };
  });
}
