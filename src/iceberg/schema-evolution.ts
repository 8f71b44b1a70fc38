import { InvalidInput, NotFound } from '../errors/index.js';
import { canPromote, typeToString } from './primitive-types.js';
import { findEntry, indexById, reassignIds } from './schema.js';
import type { SchemaChange } from './table-contract.js';
import type { IcebergType, NestedField, Schema, StructType } from './types.js';

/** Where a field sits: a struct's field list, or one part of a list or map. */
type Slot =
  | { kind: 'struct'; struct: StructType; index: number; field: NestedField }
  | { kind: 'element' | 'key' | 'value'; owner: IcebergType & object; field: NestedField };

function invalid(message: string, hint: string): InvalidInput {
  return new InvalidInput('SCHEMA_CHANGE_INVALID', message, { hint });
}

function locate(schema: Schema, name: string): Slot {
  const entry = findEntry(schema, name);
  if (!entry) {
    throw new NotFound('COLUMN_NOT_FOUND', `The table has no column "${name}".`, {
      hint: `Columns: ${schema.fields.map((f) => f.name).join(', ')}. Nested columns are written parent.child.`,
    });
  }
  let owner: IcebergType & object = schema;
  let slot: Slot | undefined;
  for (const part of entry.path) {
    slot = step(owner, part);
    if (typeof slot.field.type !== 'string') owner = slot.field.type;
  }
  return slot as Slot;
}

function step(owner: IcebergType & object, part: string): Slot {
  if (owner.type === 'struct') {
    const index = owner.fields.findIndex((f) => f.name === part);
    return { kind: 'struct', struct: owner, index, field: owner.fields[index] as NestedField };
  }
  const kind = part as 'element' | 'key' | 'value';
  if (owner.type === 'list') {
    const field = {
      id: owner['element-id'],
      name: part,
      required: owner['element-required'],
      type: owner.element,
    };
    return { kind, owner, field };
  }
  const isKey = kind === 'key';
  const field = {
    id: isKey ? owner['key-id'] : owner['value-id'],
    name: part,
    required: isKey ? true : owner['value-required'],
    type: isKey ? owner.key : owner.value,
  };
  return { kind, owner, field };
}

function structSlot(slot: Slot, name: string, what: string): Extract<Slot, { kind: 'struct' }> {
  if (slot.kind !== 'struct') {
    throw invalid(
      `Cannot ${what} "${name}": it is a list element or map key/value, not a named column.`,
      `${what} the list or map column itself.`,
    );
  }
  return slot;
}

function assertUniqueName(struct: StructType, name: string, except?: NestedField): void {
  if (name.trim() === '')
    throw invalid('A column name cannot be empty.', 'Give the column a name.');
  const clash = struct.fields.find(
    (f) => f !== except && f.name.toLowerCase() === name.toLowerCase(),
  );
  if (clash) {
    throw invalid(
      `A column named "${clash.name}" already exists there.`,
      'Choose another name; names are unique regardless of case.',
    );
  }
}

/** The struct that new columns go into: the schema, a struct column, or the struct inside a list or map. */
function targetStruct(schema: Schema, parent: string | undefined): StructType {
  if (parent === undefined) return schema;
  let type = locate(schema, parent).field.type;
  if (typeof type !== 'string' && type.type === 'list') type = type.element;
  if (typeof type !== 'string' && type.type === 'map') type = type.value;
  if (typeof type === 'string' || type.type !== 'struct') {
    throw invalid(
      `Cannot add a column inside "${parent}": it is not a struct.`,
      'Nest new columns only in struct columns (or lists/maps of structs).',
    );
  }
  return type;
}

function subtreeIds(field: NestedField): number[] {
  return [field.id, ...indexById({ type: 'struct', fields: [field] }).keys()];
}

function setType(slot: Slot, type: IcebergType): void {
  if (slot.kind === 'struct') slot.field.type = type;
  else if (slot.owner.type === 'list') slot.owner.element = type;
  else if (slot.owner.type === 'map' && slot.kind === 'value') slot.owner.value = type;
}

function makeOptional(schema: Schema, slot: Slot, name: string): void {
  if ((schema['identifier-field-ids'] ?? []).includes(slot.field.id)) {
    throw invalid(
      `Column "${name}" identifies rows and must stay required.`,
      'Remove it from the identifier fields first.',
    );
  }
  if (slot.kind === 'key')
    throw invalid('Map keys are always required.', 'Make the map value optional instead.');
  if (slot.kind === 'struct') slot.field.required = false;
  else if (slot.owner.type === 'list') slot.owner['element-required'] = false;
  else if (slot.owner.type === 'map') slot.owner['value-required'] = false;
}

function widen(slot: Slot, name: string, type: IcebergType): void {
  const from = slot.field.type;
  if (!canPromote(from, type)) {
    throw invalid(
      `Cannot change column "${name}" from ${typeToString(from)} to ${typeToString(type)}.`,
      'Iceberg widens only int → long, float → double and decimal(P, S) → decimal(P2, S) with P2 > P; add a new column for other changes.',
    );
  }
  if (slot.kind === 'key')
    throw invalid(`Cannot change the type of map keys ("${name}").`, 'Map keys keep their type.');
  setType(slot, type);
}

function drop(schema: Schema, slot: Slot, name: string): void {
  const { struct, index, field } = structSlot(slot, name, 'drop');
  const identifiers = schema['identifier-field-ids'] ?? [];
  if (subtreeIds(field).some((id) => identifiers.includes(id))) {
    throw invalid(
      `Column "${name}" identifies rows and cannot be dropped.`,
      'Remove it from the identifier fields first.',
    );
  }
  if (struct.fields.length === 1) {
    throw invalid(
      `Cannot drop "${name}": it is the last column ${struct === schema ? 'of the table' : 'of its struct'}.`,
      'Add another column first, or drop the whole table or struct.',
    );
  }
  struct.fields.splice(index, 1);
}

function move(schema: Schema, change: Extract<SchemaChange, { kind: 'move' }>): void {
  const { struct, index, field } = structSlot(locate(schema, change.name), change.name, 'move');
  struct.fields.splice(index, 1);
  if ('first' in change) {
    struct.fields.unshift(field);
    return;
  }
  const reference = 'after' in change ? change.after : change.before;
  const sibling =
    struct.fields.find((f) => f.name === reference) ?? findSibling(schema, struct, reference);
  if (!sibling) {
    struct.fields.splice(index, 0, field);
    throw invalid(
      `Cannot move "${change.name}" next to "${reference}": they are not in the same struct.`,
      'Move columns only among their siblings.',
    );
  }
  const at = struct.fields.indexOf(sibling) + ('after' in change ? 1 : 0);
  struct.fields.splice(at, 0, field);
}

function findSibling(schema: Schema, struct: StructType, name: string): NestedField | undefined {
  const entry = findEntry(schema, name);
  return struct.fields.find((f) => f.id === entry?.field.id);
}

function add(
  schema: Schema,
  change: Extract<SchemaChange, { kind: 'add' }>,
  nextId: () => number,
): void {
  if ((change as { required?: boolean }).required === true) {
    throw invalid(
      `Cannot add required column "${change.name}": existing rows have no value for it.`,
      'Add it as an optional column.',
    );
  }
  const struct = targetStruct(schema, change.parent);
  assertUniqueName(struct, change.name);
  const id = nextId();
  const field: NestedField = {
    id,
    name: change.name,
    required: false,
    type: reassignIds(change.type, nextId),
  };
  if (change.doc !== undefined) field.doc = change.doc;
  struct.fields.push(field);
}

function apply(schema: Schema, change: SchemaChange, nextId: () => number): void {
  switch (change.kind) {
    case 'add':
      return add(schema, change, nextId);
    case 'rename': {
      const slot = structSlot(locate(schema, change.name), change.name, 'rename');
      assertUniqueName(slot.struct, change.newName, slot.field);
      slot.field.name = change.newName;
      return;
    }
    case 'drop':
      return drop(schema, locate(schema, change.name), change.name);
    case 'widen':
      return widen(locate(schema, change.name), change.name, change.type);
    case 'makeOptional':
      return makeOptional(schema, locate(schema, change.name), change.name);
    case 'doc':
      structSlot(locate(schema, change.name), change.name, 'document').field.doc = change.doc;
      return;
    case 'move':
      return move(schema, change);
  }
}

/**
 * Applies schema changes in order and returns the next schema (id + 1) with the
 * new highest column id. Renames keep ids, so data files stay readable by id.
 */
export function applySchemaChanges(
  schema: Schema,
  changes: SchemaChange[],
  lastColumnId: number,
): { schema: Schema; lastColumnId: number } {
  const next: Schema = structuredClone(schema);
  let last = lastColumnId;
  for (const change of changes) apply(next, change, () => ++last);
  next['schema-id'] = schema['schema-id'] + 1;
  return { schema: next, lastColumnId: last };
}
