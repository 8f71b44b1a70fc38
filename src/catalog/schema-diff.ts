import type { IcebergType, NestedField, Schema } from '../iceberg/index.js';
import { indexById, typeToString } from '../iceberg/index.js';

/** A field as a diff shows it: its dotted name in that version ("address.city"). */
export interface DiffField {
  id: number;
  name: string;
  type: string;
  required: boolean;
  doc: string | null;
}

/** What changed between two schema versions, matched by field id (so renames are renames). */
export interface SchemaDiff {
  fromSchemaId: number;
  toSchemaId: number;
  /** New fields; the children of a new struct come with it and are not listed apart. */
  added: DiffField[];
  /** Removed fields; the children of a removed struct go with it. */
  dropped: DiffField[];
  renamed: { id: number; from: string; to: string }[];
  /** Type promotions: int→long, float→double, decimal precision. */
  widened: { id: number; name: string; from: string; to: string }[];
  nullability: {
    id: number;
    name: string;
    from: 'required' | 'optional';
    to: 'required' | 'optional';
  }[];
  doc: { id: number; name: string; from: string | null; to: string | null }[];
}

interface Entry {
  field: NestedField;
  name: string;
  parentId: number | null;
}

function entries(schema: Schema): Map<number, Entry> {
  const byId = indexById(schema);
  const out = new Map<number, Entry>();
  const parents = new Map<number, number>();
  for (const [id, { field }] of byId) {
    for (const child of childIds(field.type)) parents.set(child, id);
  }
  for (const [id, { field, path }] of byId) {
    out.set(id, { field, name: path.join('.'), parentId: parents.get(id) ?? null });
  }
  return out;
}

function childIds(type: IcebergType): number[] {
  if (typeof type === 'string') return [];
  if (type.type === 'struct') return type.fields.map((f) => f.id);
  if (type.type === 'list') return [type['element-id']];
  return [type['key-id'], type['value-id']];
}

/** Nested types change through their children; only a primitive's own type can change. */
function typeText(type: IcebergType): string {
  return typeToString(type);
}

function toDiffField({ field, name }: Entry): DiffField {
  return {
    id: field.id,
    name,
    type: typeText(field.type),
    required: field.required,
    doc: field.doc ?? null,
  };
}

const nullability = (required: boolean) => (required ? 'required' : 'optional');

/** The changes that turn schema `from` into schema `to`. */
export function diffSchemas(from: Schema, to: Schema): SchemaDiff {
  const before = entries(from);
  const after = entries(to);
  const diff: SchemaDiff = {
    fromSchemaId: from['schema-id'],
    toSchemaId: to['schema-id'],
    added: [],
    dropped: [],
    renamed: [],
    widened: [],
    nullability: [],
    doc: [],
  };
  for (const [id, now] of after) {
    const was = before.get(id);
    if (was === undefined) {
      if (now.parentId === null || before.has(now.parentId)) diff.added.push(toDiffField(now));
      continue;
    }
    if (was.field.name !== now.field.name) {
      diff.renamed.push({ id, from: was.name, to: now.name });
    }
    if (
      typeof now.field.type === 'string' &&
      typeText(was.field.type) !== typeText(now.field.type)
    ) {
      diff.widened.push({
        id,
        name: now.name,
        from: typeText(was.field.type),
        to: typeText(now.field.type),
      });
    }
    if (was.field.required !== now.field.required) {
      diff.nullability.push({
        id,
        name: now.name,
        from: nullability(was.field.required),
        to: nullability(now.field.required),
      });
    }
    if ((was.field.doc ?? null) !== (now.field.doc ?? null)) {
      diff.doc.push({ id, name: now.name, from: was.field.doc ?? null, to: now.field.doc ?? null });
    }
  }
  for (const [id, was] of before) {
    if (after.has(id)) continue;
    if (was.parentId === null || after.has(was.parentId)) diff.dropped.push(toDiffField(was));
  }
  return diff;
}

/** True when the diff has nothing in it (two schema ids with the same fields). */
export function isEmptyDiff(diff: SchemaDiff): boolean {
  return (
    diff.added.length +
      diff.dropped.length +
      diff.renamed.length +
      diff.widened.length +
      diff.nullability.length +
      diff.doc.length ===
    0
  );
}

/** Keeps only what concerns the given field ids (the columns a caller may see). */
export function diffLimitedTo(diff: SchemaDiff, visible: (id: number) => boolean): SchemaDiff {
  return {
    ...diff,
    added: diff.added.filter((f) => visible(f.id)),
    dropped: diff.dropped.filter((f) => visible(f.id)),
    renamed: diff.renamed.filter((f) => visible(f.id)),
    widened: diff.widened.filter((f) => visible(f.id)),
    nullability: diff.nullability.filter((f) => visible(f.id)),
    doc: diff.doc.filter((f) => visible(f.id)),
  };
}
