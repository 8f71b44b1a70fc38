import { isInteger, isSafeNumber, parse, stringify } from 'lossless-json';
import { InvalidInput } from '../errors/index.js';
import type {
  MetadataLogEntry,
  Snapshot,
  SnapshotLogEntry,
  SnapshotRef,
  TableMetadata,
} from './types.js';

type Json = Record<string, unknown>;

const HINT = 'the metadata file is damaged or was not written by an Iceberg v2 writer';

/** Integers too large for a double stay exact as bigint; the rest parse as numbers. */
function parseNumber(text: string): number | bigint {
  return isInteger(text) && !isSafeNumber(text) ? BigInt(text) : Number(text);
}

function invalid(message: string): InvalidInput {
  return new InvalidInput('INVALID_TABLE_METADATA', message, { hint: HINT });
}

function requireField(
  obj: Json,
  key: string,
  kind: 'string' | 'number' | 'array' | 'object',
  where: string,
): unknown {
  const value = obj[key];
  const ok =
    kind === 'array'
      ? Array.isArray(value)
      : kind === 'object'
        ? typeof value === 'object' && value !== null && !Array.isArray(value)
        : kind === 'number'
          ? typeof value === 'number' || typeof value === 'bigint'
          : typeof value === 'string';
  if (!ok) throw invalid(`Table metadata ${where} has no valid "${key}" (expected ${kind}).`);
  return value;
}

function toBigInt(value: unknown, what: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  throw invalid(`Table metadata has a non-integer ${what}: ${String(value)}.`);
}

function optionalBigInt(value: unknown, what: string): bigint | undefined {
  if (value === undefined || value === null) return undefined;
  const id = toBigInt(value, what);
  // Older writers record "no snapshot" as -1.
  return id === -1n ? undefined : id;
}

function toNumber(value: unknown): number {
  return typeof value === 'bigint' ? Number(value) : (value as number);
}

function parseSnapshot(raw: Json): Snapshot {
  requireField(raw, 'snapshot-id', 'number', 'snapshot');
  requireField(raw, 'timestamp-ms', 'number', 'snapshot');
  requireField(raw, 'manifest-list', 'string', 'snapshot');
  const summary = requireField(raw, 'summary', 'object', 'snapshot') as Snapshot['summary'];
  if (typeof summary.operation !== 'string')
    throw invalid('A snapshot summary has no "operation".');
  const snapshot: Snapshot = {
    'snapshot-id': toBigInt(raw['snapshot-id'], 'snapshot-id'),
    'sequence-number': toBigInt(raw['sequence-number'] ?? 0, 'sequence-number'),
    'timestamp-ms': toNumber(raw['timestamp-ms']),
    'manifest-list': raw['manifest-list'] as string,
    summary,
  };
  const parent = optionalBigInt(raw['parent-snapshot-id'], 'parent-snapshot-id');
  if (parent !== undefined) snapshot['parent-snapshot-id'] = parent;
  if (raw['schema-id'] !== undefined) snapshot['schema-id'] = toNumber(raw['schema-id']);
  return snapshot;
}

function parseRefs(raw: unknown, current: bigint | undefined): Record<string, SnapshotRef> {
  const refs: Record<string, SnapshotRef> = {};
  for (const [name, value] of Object.entries((raw ?? {}) as Record<string, Json>)) {
    refs[name] = {
      ...(value as unknown as SnapshotRef),
      'snapshot-id': toBigInt(value['snapshot-id'], `ref ${name}`),
    };
  }
  if (refs.main === undefined && current !== undefined) {
    refs.main = { 'snapshot-id': current, type: 'branch' };
  }
  return refs;
}

/** Reads a v2 metadata file; ids and sequence numbers come back as exact bigints. */
export function parseTableMetadata(text: string): TableMetadata {
  let raw: unknown;
  try {
    raw = parse(text, null, parseNumber);
  } catch (error) {
    throw invalid(`Table metadata is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw invalid('Table metadata is not a JSON object.');
  const obj = raw as Json;
  const version = toNumber(obj['format-version']);
  if (version !== 2) {
    throw new InvalidInput(
      'UNSUPPORTED_FORMAT_VERSION',
      `Iceberg format version ${String(version)} is not supported; only version 2 is.`,
      {
        hint: 'upgrade the table to format version 2 with the engine that wrote it',
      },
    );
  }
  for (const key of ['table-uuid', 'location'] as const) requireField(obj, key, 'string', '');
  for (const key of [
    'last-updated-ms',
    'last-column-id',
    'current-schema-id',
    'default-spec-id',
    'last-partition-id',
  ] as const) {
    requireField(obj, key, 'number', '');
  }
  for (const key of ['schemas', 'partition-specs'] as const) requireField(obj, key, 'array', '');
  const current = optionalBigInt(obj['current-snapshot-id'], 'current-snapshot-id');
  const md: TableMetadata = {
    'format-version': 2,
    'table-uuid': obj['table-uuid'] as string,
    location: obj.location as string,
    'last-sequence-number': toBigInt(obj['last-sequence-number'] ?? 0, 'last-sequence-number'),
    'last-updated-ms': toNumber(obj['last-updated-ms']),
    'last-column-id': toNumber(obj['last-column-id']),
    schemas: obj.schemas as TableMetadata['schemas'],
    'current-schema-id': toNumber(obj['current-schema-id']),
    'partition-specs': obj['partition-specs'] as TableMetadata['partition-specs'],
    'default-spec-id': toNumber(obj['default-spec-id']),
    'last-partition-id': toNumber(obj['last-partition-id']),
    properties: (obj.properties ?? {}) as Record<string, string>,
    snapshots: ((obj.snapshots ?? []) as Json[]).map(parseSnapshot),
    'snapshot-log': ((obj['snapshot-log'] ?? []) as Json[]).map((e): SnapshotLogEntry => ({
      'snapshot-id': toBigInt(e['snapshot-id'], 'snapshot-log id'),
      'timestamp-ms': toNumber(e['timestamp-ms']),
    })),
    'metadata-log': ((obj['metadata-log'] ?? []) as Json[]).map((e): MetadataLogEntry => ({
      'metadata-file': e['metadata-file'] as string,
      'timestamp-ms': toNumber(e['timestamp-ms']),
    })),
    'sort-orders': (obj['sort-orders'] ?? [
      { 'order-id': 0, fields: [] },
    ]) as TableMetadata['sort-orders'],
    'default-sort-order-id': toNumber(obj['default-sort-order-id'] ?? 0),
    refs: parseRefs(obj.refs, current),
  };
  if (current !== undefined) md['current-snapshot-id'] = current;
  return md;
}

/** Writes metadata JSON; bigints become plain JSON integers, never quoted or rounded. */
export function serializeTableMetadata(md: TableMetadata): string {
  return stringify(md, null, 2) ?? '';
}
