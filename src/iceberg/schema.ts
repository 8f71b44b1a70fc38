import type { IcebergType, NestedField, Schema, StructType } from './types.js';

/** A field and the names leading to it from the schema root (list elements are "element", map parts "key"/"value"). */
export interface IndexedField {
  field: NestedField;
  path: string[];
}

/** The fields a type nests directly: struct fields, a list's element, a map's key and value. */
export function childFields(type: IcebergType): NestedField[] {
  if (typeof type === 'string') return [];
  switch (type.type) {
    case 'struct':
      return type.fields;
    case 'list':
      return [
        {
          id: type['element-id'],
          name: 'element',
          required: type['element-required'],
          type: type.element,
        },
      ];
    case 'map':
      return [
        { id: type['key-id'], name: 'key', required: true, type: type.key },
        { id: type['value-id'], name: 'value', required: type['value-required'], type: type.value },
      ];
  }
}

function walk(type: IcebergType, path: string[], visit: (entry: IndexedField) => void): void {
  for (const field of childFields(type)) {
    const fieldPath = [...path, field.name];
    visit({ field, path: fieldPath });
    walk(field.type, fieldPath, visit);
  }
}

/** Every field by id, nested ones included, in pre-order. */
export function indexById(schema: Schema | StructType): Map<number, IndexedField> {
  const index = new Map<number, IndexedField>();
  walk(schema, [], (entry) => index.set(entry.field.id, entry));
  return index;
}

export function allFieldIds(schema: Schema | StructType): number[] {
  return [...indexById(schema).keys()];
}

export function fieldById(schema: Schema | StructType, id: number): NestedField | undefined {
  return indexById(schema).get(id)?.field;
}

/** Dotted name of every field ("address.city", "tags.element"), mapped to its id. */
export function indexByName(schema: Schema | StructType): Map<string, number> {
  const index = new Map<string, number>();
  walk(schema, [], ({ field, path }) => index.set(path.join('.'), field.id));
  return index;
}

/**
 * A field by dotted name: exact first, then ignoring case when that is unambiguous
 * (SQL engines fold identifiers, so users often type another case).
 */
export function findField(schema: Schema | StructType, name: string): NestedField | undefined {
  const entry = findEntry(schema, name);
  return entry?.field;
}

export function findEntry(schema: Schema | StructType, name: string): IndexedField | undefined {
  const byName = indexByName(schema);
  let id = byName.get(name);
  if (id === undefined) {
    const lower = name.toLowerCase();
    const matches = [...byName].filter(([n]) => n.toLowerCase() === lower);
    if (matches.length === 1) id = matches[0]?.[1];
  }
  return id === undefined ? undefined : indexById(schema).get(id);
}

/** Highest field id in use, 0 for an empty schema. */
export function highestFieldId(schema: Schema | StructType): number {
  return Math.max(0, ...allFieldIds(schema));
}

/** Gives a type fresh ids in pre-order: each field before its children. */
export function reassignIds(type: IcebergType, nextId: () => number): IcebergType {
  if (typeof type === 'string') return type;
  switch (type.type) {
    case 'struct':
      return {
        type: 'struct',
        fields: type.fields.map((field) => {
          const id = nextId();
          return { ...field, id, type: reassignIds(field.type, nextId) };
        }),
      };
    case 'list': {
      const elementId = nextId();
      return { ...type, 'element-id': elementId, element: reassignIds(type.element, nextId) };
    }
    case 'map': {
      const keyId = nextId();
      const key = reassignIds(type.key, nextId);
      const valueId = nextId();
      return {
        ...type,
        'key-id': keyId,
        key,
        'value-id': valueId,
        value: reassignIds(type.value, nextId),
      };
    }
  }
}

/** The schema with ids 1, 2, … (or from startAt) in pre-order; identifier fields follow their columns. */
export function assignFreshIds(
  schema: Schema,
  startAt = 1,
): { schema: Schema; lastColumnId: number } {
  let next = startAt;
  const oldToNew = new Map<number, number>();
  const oldIds = allFieldIds(schema);
  const struct = reassignIds({ type: 'struct', fields: schema.fields }, () => next++) as StructType;
  const newIds = allFieldIds(struct);
  oldIds.forEach((oldId, i) => oldToNew.set(oldId, newIds[i] ?? oldId));
  const identifiers = schema['identifier-field-ids']?.map((id) => oldToNew.get(id) ?? id);
  const fresh: Schema = { type: 'struct', 'schema-id': schema['schema-id'], fields: struct.fields };
  if (identifiers && identifiers.length > 0) fresh['identifier-field-ids'] = identifiers;
  return { schema: fresh, lastColumnId: next - 1 };
}

function typesEqual(a: IcebergType, b: IcebergType): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (a.type !== b.type) return false;
  const x = childFields(a);
  const y = childFields(b);
  return x.length === y.length && x.every((f, i) => y[i] !== undefined && fieldsEqual(f, y[i]));
}

function fieldsEqual(a: NestedField, b: NestedField): boolean {
  return (
    a.id === b.id &&
    a.name === b.name &&
    a.required === b.required &&
    (a.doc ?? '') === (b.doc ?? '') &&
    typesEqual(a.type, b.type)
  );
}

/** Same columns, ids, types, docs and identifier fields; the schema id is not compared. */
export function schemasEqual(a: Schema, b: Schema): boolean {
  const ida = [...(a['identifier-field-ids'] ?? [])].sort((x, y) => x - y);
  const idb = [...(b['identifier-field-ids'] ?? [])].sort((x, y) => x - y);
  return (
    ida.length === idb.length &&
    ida.every((id, i) => id === idb[i]) &&
    typesEqual({ type: 'struct', fields: a.fields }, { type: 'struct', fields: b.fields })
  );
}
