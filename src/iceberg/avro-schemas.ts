import { decimalParams, fixedLength } from './primitive-types.js';
import type { PrimitiveType } from './types.js';

/**
 * The spec's v2 Avro schemas for manifests and manifest lists ("Manifests" and
 * "Manifest Lists" in format/spec.md), every field carrying its field-id so that
 * other engines resolve columns by id.
 */

type AvroSchema = string | Record<string, unknown> | AvroSchema[];

function field(name: string, id: number, type: AvroSchema, doc?: string): Record<string, unknown> {
  return { name, type, 'field-id': id, ...(doc === undefined ? {} : { doc }) };
}

function optional(
  name: string,
  id: number,
  type: AvroSchema,
  doc?: string,
): Record<string, unknown> {
  return {
    name,
    type: ['null', type],
    default: null,
    'field-id': id,
    ...(doc === undefined ? {} : { doc }),
  };
}

/** Iceberg maps with non-string keys are Avro arrays of key/value records. */
function intMap(keyId: number, valueId: number, value: AvroSchema): AvroSchema {
  return {
    type: 'array',
    logicalType: 'map',
    items: {
      type: 'record',
      name: `k${keyId}_v${valueId}`,
      fields: [field('key', keyId, 'int'), field('value', valueId, value)],
    },
  };
}

/** Bytes a fixed must have to hold any unscaled decimal of this precision. */
export function decimalFixedSize(precision: number): number {
  const limit = 10n ** BigInt(precision);
  let size = 1;
  while (1n << BigInt(8 * size - 1) < limit) size++;
  return size;
}

/** The Avro form of a partition value's type (spec, "Avro" type mapping). */
function partitionValueAvroType(type: PrimitiveType, fieldId: number): AvroSchema {
  switch (type) {
    case 'date':
      return { type: 'int', logicalType: 'date' };
    case 'time':
      return { type: 'long', logicalType: 'time-micros' };
    case 'timestamp':
    case 'timestamptz':
      return {
        type: 'long',
        logicalType: 'timestamp-micros',
        'adjust-to-utc': type === 'timestamptz',
      };
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return {
        type: 'long',
        logicalType: 'timestamp-nanos',
        'adjust-to-utc': type === 'timestamptz_ns',
      };
    case 'uuid':
      return { type: 'fixed', name: `uuid_${fieldId}`, size: 16, logicalType: 'uuid' };
    case 'binary':
      return 'bytes';
    case 'unknown':
      return 'null';
  }
  const decimal = decimalParams(type);
  if (decimal) {
    return {
      type: 'fixed',
      name: `decimal_${fieldId}`,
      size: decimalFixedSize(decimal.precision),
      logicalType: 'decimal',
      precision: decimal.precision,
      scale: decimal.scale,
    };
  }
  const length = fixedLength(type);
  if (length !== undefined) return { type: 'fixed', name: `fixed_${fieldId}`, size: length };
  return type;
}

/** Avro names allow [A-Za-z0-9_] only; others are escaped as Iceberg's Java writer does. */
export function avroName(name: string): string {
  const escaped = [...name]
    .map((ch) =>
      /[A-Za-z0-9_]/.test(ch) ? ch : `_x${ch.codePointAt(0)?.toString(16).toUpperCase() ?? ''}`,
    )
    .join('');
  return /^[0-9]/.test(escaped) ? `_${escaped}` : escaped;
}

export interface PartitionFieldType {
  fieldId: number;
  name: string;
  type: PrimitiveType;
}

export function manifestEntrySchema(
  partitionFields: PartitionFieldType[],
): Record<string, unknown> {
  const partition = {
    type: 'record',
    name: 'r102',
    fields: partitionFields.map((f) =>
      optional(avroName(f.name), f.fieldId, partitionValueAvroType(f.type, f.fieldId)),
    ),
  };
  const dataFile = {
    type: 'record',
    name: 'r2',
    fields: [
      field(
        'content',
        134,
        'int',
        'Contents of the file: 0=data, 1=position deletes, 2=equality deletes',
      ),
      field('file_path', 100, 'string', 'Location URI with FS scheme'),
      field('file_format', 101, 'string', 'File format name: avro, orc, or parquet'),
      field(
        'partition',
        102,
        partition,
        'Partition data tuple, schema based on the partition spec',
      ),
      field('record_count', 103, 'long', 'Number of records in the file'),
      field('file_size_in_bytes', 104, 'long', 'Total file size in bytes'),
      optional(
        'column_sizes',
        108,
        intMap(117, 118, 'long'),
        'Map of column id to total size on disk',
      ),
      optional(
        'value_counts',
        109,
        intMap(119, 120, 'long'),
        'Map of column id to total count, including null and NaN',
      ),
      optional(
        'null_value_counts',
        110,
        intMap(121, 122, 'long'),
        'Map of column id to null value count',
      ),
      optional(
        'nan_value_counts',
        137,
        intMap(138, 139, 'long'),
        'Map of column id to number of NaN values in the column',
      ),
      optional('lower_bounds', 125, intMap(126, 127, 'bytes'), 'Map of column id to lower bound'),
      optional('upper_bounds', 128, intMap(129, 130, 'bytes'), 'Map of column id to upper bound'),
      optional('key_metadata', 131, 'bytes', 'Encryption key metadata blob'),
      optional(
        'split_offsets',
        132,
        { type: 'array', items: 'long', 'element-id': 133 },
        'Splittable offsets',
      ),
      optional(
        'equality_ids',
        135,
        { type: 'array', items: 'int', 'element-id': 136 },
        'Equality comparison field IDs',
      ),
      optional('sort_order_id', 140, 'int', 'Sort order ID'),
    ],
  };
  return {
    type: 'record',
    name: 'manifest_entry',
    fields: [
      field('status', 0, 'int'),
      optional('snapshot_id', 1, 'long'),
      optional('sequence_number', 3, 'long'),
      optional('file_sequence_number', 4, 'long'),
      field('data_file', 2, dataFile),
    ],
  };
}

export const manifestListSchema: Record<string, unknown> = {
  type: 'record',
  name: 'manifest_file',
  fields: [
    field('manifest_path', 500, 'string', 'Location URI with FS scheme'),
    field('manifest_length', 501, 'long', 'Total file size in bytes'),
    field('partition_spec_id', 502, 'int', 'Spec ID used to write'),
    field('content', 517, 'int', 'Contents of the manifest: 0=data, 1=deletes'),
    field('sequence_number', 515, 'long', 'Sequence number when the manifest was added'),
    field('min_sequence_number', 516, 'long', 'Lowest sequence number in the manifest'),
    field('added_snapshot_id', 503, 'long', 'Snapshot ID that added the manifest'),
    field('added_files_count', 504, 'int', 'Added entry count'),
    field('existing_files_count', 505, 'int', 'Existing entry count'),
    field('deleted_files_count', 506, 'int', 'Deleted entry count'),
    field('added_rows_count', 512, 'long', 'Added rows count'),
    field('existing_rows_count', 513, 'long', 'Existing rows count'),
    field('deleted_rows_count', 514, 'long', 'Deleted rows count'),
    optional(
      'partitions',
      507,
      {
        type: 'array',
        'element-id': 508,
        items: {
          type: 'record',
          name: 'r508',
          fields: [
            field('contains_null', 509, 'boolean', 'True if any file has a null partition value'),
            optional('contains_nan', 518, 'boolean', 'True if any file has a nan partition value'),
            optional('lower_bound', 510, 'bytes', 'Partition lower bound for all files'),
            optional('upper_bound', 511, 'bytes', 'Partition upper bound for all files'),
          ],
        },
      },
      'Summary for each partition',
    ),
    optional('key_metadata', 519, 'bytes', 'Encryption key metadata blob'),
  ],
};
