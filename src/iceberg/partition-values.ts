import { avroName, decimalFixedSize, type PartitionFieldType } from './avro-schemas.js';
import { decimalParams } from './primitive-types.js';
import { fieldById } from './schema.js';
import { transformResultType } from './transforms.js';
import type { FieldSummary, PartitionSpec, PrimitiveType, Schema } from './types.js';
import { compareValues, fromBinary, toBinary } from './values.js';

/** Name, id and value type of each partition field, as manifests store them. */
export function partitionFieldTypes(schema: Schema, spec: PartitionSpec): PartitionFieldType[] {
  return spec.fields.map((f) => {
    const source = fieldById(schema, f['source-id']);
    // A dropped source column leaves the partition field readable only as void.
    const type = source ? transformResultType(f.transform, source.type) : 'int';
    return { fieldId: f['field-id'], name: f.name, type };
  });
}

const isLongLike = (type: PrimitiveType): boolean =>
  type === 'long' || type === 'time' || type.startsWith('timestamp');

function signExtend(bytes: Uint8Array, size: number): Buffer {
  const out = Buffer.alloc(size, (bytes[0] ?? 0) & 0x80 ? 0xff : 0);
  out.set(bytes, size - bytes.length);
  return out;
}

function valueToAvro(type: PrimitiveType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const decimal = decimalParams(type);
  if (decimal) return signExtend(toBinary(type, value), decimalFixedSize(decimal.precision));
  if (type === 'uuid' || type === 'binary' || type.startsWith('fixed'))
    return Buffer.from(toBinary(type, value));
  if (type === 'long' || type === 'time' || type.startsWith('timestamp'))
    return BigInt(value as number | bigint);
  return value;
}

function valueFromAvro(type: PrimitiveType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Uint8Array) return fromBinary(type, value);
  // Written as int before the column was widened to long.
  if (typeof value === 'number' && isLongLike(type)) return BigInt(value);
  return value;
}

/** The partition tuple keyed by spec field name, as the Avro record wants it. */
export function partitionToAvro(
  fields: PartitionFieldType[],
  partition: Record<string, unknown>,
): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const f of fields) record[avroName(f.name)] = valueToAvro(f.type, partition[f.name]);
  return record;
}

/** Reads partition values by field id, whatever names the writer gave the Avro fields. */
export function partitionFromAvro(
  fields: PartitionFieldType[],
  avroFieldNames: Map<number, string>,
  record: Record<string, unknown>,
): Record<string, unknown> {
  const partition: Record<string, unknown> = {};
  for (const f of fields) {
    const avroField = avroFieldNames.get(f.fieldId) ?? avroName(f.name);
    partition[f.name] = valueFromAvro(f.type, record[avroField]);
  }
  return partition;
}

function isNan(value: unknown): boolean {
  return typeof value === 'number' && Number.isNaN(value);
}

/** Per partition field: nulls, NaNs and bounds over all the tuples (the manifest list's summary). */
export function summarizePartitions(
  fields: PartitionFieldType[],
  partitions: Record<string, unknown>[],
): FieldSummary[] {
  return fields.map((f) => {
    const values = partitions.map((p) => p[f.name]);
    const present = values.filter((v) => v !== null && v !== undefined && !isNan(v));
    const summary: FieldSummary = {
      containsNull: values.some((v) => v === null || v === undefined),
      containsNan: values.some(isNan),
    };
    if (present.length > 0 && f.type !== 'unknown') {
      const sorted = [...present].sort((a, b) => compareValues(f.type, a, b));
      summary.lowerBound = toBinary(f.type, sorted[0]);
      summary.upperBound = toBinary(f.type, sorted[sorted.length - 1]);
    }
    return summary;
  });
}
