import type { ObjectStore } from '../storage/index.js';
import { decodeAvroFile, encodeAvroFile } from './avro-file.js';
import { manifestListSchema } from './avro-schemas.js';
import { keyInWarehouse } from './warehouse-key.js';
import type { FieldSummary, ManifestFile } from './types.js';

type AvroRecord = Record<string, unknown>;

const toBuffer = (bytes: Uint8Array | undefined): Buffer | null =>
  bytes ? Buffer.from(bytes) : null;
const toBytes = (value: unknown): Uint8Array | undefined =>
  value instanceof Uint8Array ? Uint8Array.from(value) : undefined;

function summaryToAvro(s: FieldSummary): AvroRecord {
  return {
    contains_null: s.containsNull,
    contains_nan: s.containsNan ?? null,
    lower_bound: toBuffer(s.lowerBound),
    upper_bound: toBuffer(s.upperBound),
  };
}

function summaryFromAvro(raw: AvroRecord): FieldSummary {
  const summary: FieldSummary = { containsNull: raw.contains_null as boolean };
  if (typeof raw.contains_nan === 'boolean') summary.containsNan = raw.contains_nan;
  const lower = toBytes(raw.lower_bound);
  const upper = toBytes(raw.upper_bound);
  if (lower) summary.lowerBound = lower;
  if (upper) summary.upperBound = upper;
  return summary;
}

function manifestToAvro(m: ManifestFile): AvroRecord {
  return {
    manifest_path: m.manifestPath,
    manifest_length: m.manifestLength,
    partition_spec_id: m.partitionSpecId,
    content: m.content,
    sequence_number: m.sequenceNumber,
    min_sequence_number: m.minSequenceNumber,
    added_snapshot_id: m.addedSnapshotId,
    added_files_count: m.addedFilesCount,
    existing_files_count: m.existingFilesCount,
    deleted_files_count: m.deletedFilesCount,
    added_rows_count: m.addedRowsCount,
    existing_rows_count: m.existingRowsCount,
    deleted_rows_count: m.deletedRowsCount,
    partitions: m.partitions ? m.partitions.map(summaryToAvro) : null,
    key_metadata: null,
  };
}

function manifestFromAvro(raw: AvroRecord): ManifestFile {
  const manifest: ManifestFile = {
    manifestPath: raw.manifest_path as string,
    manifestLength: raw.manifest_length as bigint,
    partitionSpecId: raw.partition_spec_id as number,
    content: (raw.content ?? 0) as 0 | 1,
    sequenceNumber: (raw.sequence_number ?? 0n) as bigint,
    minSequenceNumber: (raw.min_sequence_number ?? 0n) as bigint,
    addedSnapshotId: raw.added_snapshot_id as bigint,
    addedFilesCount: (raw.added_files_count ?? raw.added_data_files_count ?? 0) as number,
    existingFilesCount: (raw.existing_files_count ?? raw.existing_data_files_count ?? 0) as number,
    deletedFilesCount: (raw.deleted_files_count ?? raw.deleted_data_files_count ?? 0) as number,
    addedRowsCount: (raw.added_rows_count ?? 0n) as bigint,
    existingRowsCount: (raw.existing_rows_count ?? 0n) as bigint,
    deletedRowsCount: (raw.deleted_rows_count ?? 0n) as bigint,
  };
  if (Array.isArray(raw.partitions))
    manifest.partitions = (raw.partitions as AvroRecord[]).map(summaryFromAvro);
  return manifest;
}

export interface ManifestListWrite {
  key: string;
  snapshotId: bigint;
  parentSnapshotId: bigint | undefined;
  sequenceNumber: bigint;
  manifests: ManifestFile[];
}

/** Writes a snapshot's manifest list; returns its URI. */
export async function writeManifestList(
  store: ObjectStore,
  write: ManifestListWrite,
): Promise<string> {
  const bytes = encodeAvroFile(manifestListSchema, write.manifests.map(manifestToAvro), {
    'snapshot-id': String(write.snapshotId),
    'parent-snapshot-id':
      write.parentSnapshotId === undefined ? 'null' : String(write.parentSnapshotId),
    'sequence-number': String(write.sequenceNumber),
    'format-version': '2',
  });
  await store.put(write.key, bytes);
  return store.uri(write.key);
}

export async function readManifestList(store: ObjectStore, uri: string): Promise<ManifestFile[]> {
  const file = decodeAvroFile(await store.get(keyInWarehouse(store, uri)), uri);
  return file.records.map(manifestFromAvro);
}
