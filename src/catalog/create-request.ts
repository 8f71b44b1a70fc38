import { InvalidInput } from '../errors/index.js';
import type { CreateTableRequest, IcebergType, NestedField } from '../iceberg/index.js';
import type { CreateTableInput } from './contract.js';

/**
 * Catalog properties that other engines should see too, so they are copied into the
 * Iceberg table's own properties as well as kept in the metastore row.
 */
export const MIRRORED_PROPERTIES = [
  'source_system',
  'ingest_type',
  'file_format',
  // Iceberg's own: how many old metadata files a table keeps (streams commit every second).
  'write.metadata.delete-after-commit.enabled',
  'write.metadata.previous-versions-max',
] as const;

export function mirroredSubset(properties: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of MIRRORED_PROPERTIES) {
    const value = properties[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** Gives every field, element, key and value a fresh unique id; Iceberg reassigns them anyway. */
function numbered(type: IcebergType, nextId: () => number): IcebergType {
  if (typeof type === 'string') return type;
  switch (type.type) {
    case 'struct':
      return { type: 'struct', fields: type.fields.map((f) => numberedField(f, nextId)) };
    case 'list':
      return { ...type, 'element-id': nextId(), element: numbered(type.element, nextId) };
    case 'map':
      return {
        ...type,
        'key-id': nextId(),
        key: numbered(type.key, nextId),
        'value-id': nextId(),
        value: numbered(type.value, nextId),
      };
  }
}

function numberedField(field: NestedField, nextId: () => number): NestedField {
  return { ...field, id: nextId(), type: numbered(field.type, nextId) };
}

function checkColumns(tableName: string, input: CreateTableInput): void {
  if (input.columns.length === 0) {
    throw new InvalidInput('NO_COLUMNS', `Table ${tableName} needs at least one column.`, {
      hint: 'Give the table its columns, e.g. id long, name string.',
    });
  }
  const seen = new Set<string>();
  for (const { name } of input.columns) {
    if (seen.has(name.toLowerCase())) {
      throw new InvalidInput(
        'DUPLICATE_COLUMN',
        `Table ${tableName} names the column "${name}" twice.`,
        { hint: 'Give each column a different name (names are compared without case).' },
      );
    }
    seen.add(name.toLowerCase());
  }
}

export function toCreateRequest(tableName: string, input: CreateTableInput): CreateTableRequest {
  checkColumns(tableName, input);
  let lastId = 0;
  const nextId = () => ++lastId;
  const fields: NestedField[] = input.columns.map((c) =>
    numberedField(
      {
        id: 0,
        name: c.name,
        required: c.required ?? false,
        type: c.type,
        ...(c.doc === undefined ? {} : { doc: c.doc }),
      },
      nextId,
    ),
  );
  return {
    schema: { type: 'struct', 'schema-id': 0, fields },
    ...(input.partitionBy ? { partitionBy: input.partitionBy } : {}),
    ...(input.sortOrder ? { sortOrder: input.sortOrder } : {}),
    properties: mirroredSubset(input.properties ?? {}),
  };
}
