import { describe, expect, it } from 'vitest';
import {
  allFieldIds,
  applySchemaChanges,
  assignFreshIds,
  canPromote,
  findField,
  indexById,
  parseType,
  schemasEqual,
  typeToString,
} from '../../src/iceberg/index.js';
import type { Schema } from '../../src/iceberg/index.js';

function sample(): Schema {
  return {
    type: 'struct',
    'schema-id': 0,
    'identifier-field-ids': [1],
    fields: [
      { id: 1, name: 'id', required: true, type: 'long' },
      { id: 2, name: 'amount', required: false, type: 'decimal(9, 2)' },
      {
        id: 3,
        name: 'address',
        required: false,
        type: {
          type: 'struct',
          fields: [
            { id: 4, name: 'city', required: false, type: 'string' },
            { id: 5, name: 'zip', required: false, type: 'int' },
          ],
        },
      },
      {
        id: 6,
        name: 'tags',
        required: false,
        type: { type: 'list', 'element-id': 7, element: 'string', 'element-required': true },
      },
      {
        id: 8,
        name: 'scores',
        required: false,
        type: {
          type: 'map',
          'key-id': 9,
          key: 'string',
          'value-id': 10,
          value: 'float',
          'value-required': false,
        },
      },
    ],
  };
}

const names = (schema: Schema): string[] => schema.fields.map((f) => f.name);

describe('type names', () => {
  it('prints nested types and parses primitives with common aliases', () => {
    const schema = sample();
    expect(typeToString({ type: 'struct', fields: schema.fields.slice(2) })).toBe(
      'struct<address: struct<city: string, zip: int>, tags: list<string>, scores: map<string, float>>',
    );
    expect(parseType('long')).toBe('long');
    expect(parseType('BIGINT')).toBe('long');
    expect(parseType('decimal(10,2)')).toBe('decimal(10, 2)');
    expect(parseType('fixed[16]')).toBe('fixed[16]');
    expect(() => parseType('decimal(40, 2)')).toThrow(/precision/);
    expect(() => parseType('number')).toThrow(expect.objectContaining({ code: 'INVALID_TYPE' }));
  });

  it('allows only the v2 promotions', () => {
    expect(canPromote('int', 'long')).toBe(true);
    expect(canPromote('float', 'double')).toBe(true);
    expect(canPromote('decimal(9, 2)', 'decimal(12, 2)')).toBe(true);
    expect(canPromote('decimal(9, 2)', 'decimal(12, 3)')).toBe(false);
    expect(canPromote('date', 'timestamp')).toBe(false);
    expect(canPromote('long', 'int')).toBe(false);
    expect(canPromote('int', 'string')).toBe(false);
  });
});

describe('field lookup', () => {
  it('indexes struct fields, list elements and map keys and values', () => {
    const index = indexById(sample());
    expect([...index.keys()]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(index.get(7)?.path).toEqual(['tags', 'element']);
    expect(index.get(10)?.field.type).toBe('float');
    expect(findField(sample(), 'address.city')?.id).toBe(4);
    expect(findField(sample(), 'ADDRESS.City')?.id).toBe(4);
    expect(findField(sample(), 'address.country')).toBeUndefined();
  });

  it('assigns fresh ids in pre-order and keeps identifier fields on their columns', () => {
    const scrambled = sample();
    scrambled.fields.reverse();
    scrambled['identifier-field-ids'] = [1];
    const { schema, lastColumnId } = assignFreshIds(scrambled);
    expect(lastColumnId).toBe(10);
    expect(allFieldIds(schema)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(findField(schema, 'scores.key')?.id).toBe(2);
    expect(schema['identifier-field-ids']).toEqual([findField(schema, 'id')?.id]);
  });
});

describe('schema evolution', () => {
  it('adds optional columns (nested too) with fresh ids and a new schema id', () => {
    const { schema, lastColumnId } = applySchemaChanges(
      sample(),
      [
        { kind: 'add', name: 'note', type: 'string' },
        { kind: 'add', name: 'country', type: 'string', parent: 'address' },
        {
          kind: 'add',
          name: 'events',
          type: { type: 'list', 'element-id': 0, element: 'long', 'element-required': true },
        },
      ],
      10,
    );
    expect(schema['schema-id']).toBe(1);
    expect(lastColumnId).toBe(14);
    expect(findField(schema, 'note')).toMatchObject({ id: 11, required: false });
    expect(findField(schema, 'address.country')?.id).toBe(12);
    expect(findField(schema, 'events.element')?.id).toBe(14);
  });

  it('refuses required columns and duplicate names', () => {
    const required = { kind: 'add', name: 'x', type: 'int', required: true } as unknown as {
      kind: 'add';
      name: string;
      type: 'int';
    };
    expect(() => applySchemaChanges(sample(), [required], 10)).toThrow(
      /Cannot add required column "x"/,
    );
    expect(() =>
      applySchemaChanges(sample(), [{ kind: 'add', name: 'AMOUNT', type: 'int' }], 10),
    ).toThrow(/already exists/);
  });

  it('renames keeping the field id', () => {
    const { schema } = applySchemaChanges(
      sample(),
      [{ kind: 'rename', name: 'amount', newName: 'total' }],
      10,
    );
    expect(findField(schema, 'total')?.id).toBe(2);
    expect(findField(schema, 'amount')).toBeUndefined();
  });

  it('drops columns but not identifier fields or the last column', () => {
    const { schema } = applySchemaChanges(sample(), [{ kind: 'drop', name: 'address.zip' }], 10);
    expect(findField(schema, 'address.zip')).toBeUndefined();
    expect(() => applySchemaChanges(sample(), [{ kind: 'drop', name: 'id' }], 10)).toThrow(
      /identifies rows/,
    );
    const single: Schema = {
      type: 'struct',
      'schema-id': 3,
      fields: [{ id: 1, name: 'a', required: false, type: 'int' }],
    };
    expect(() => applySchemaChanges(single, [{ kind: 'drop', name: 'a' }], 1)).toThrow(
      /last column/,
    );
    expect(() => applySchemaChanges(sample(), [{ kind: 'drop', name: 'nope' }], 10)).toThrow(
      expect.objectContaining({ code: 'COLUMN_NOT_FOUND' }),
    );
  });

  it('widens where Iceberg allows and names both types otherwise', () => {
    const { schema } = applySchemaChanges(
      sample(),
      [
        { kind: 'widen', name: 'address.zip', type: 'long' },
        { kind: 'widen', name: 'scores.value', type: 'double' },
        { kind: 'widen', name: 'amount', type: 'decimal(18, 2)' },
      ],
      10,
    );
    expect(findField(schema, 'address.zip')?.type).toBe('long');
    expect(findField(schema, 'scores.value')?.type).toBe('double');
    expect(findField(schema, 'amount')?.type).toBe('decimal(18, 2)');
    const refuse = (): unknown =>
      applySchemaChanges(sample(), [{ kind: 'widen', name: 'id', type: 'string' }], 10);
    expect(refuse).toThrow(/"id" from long to string/);
    expect(refuse).toThrow(expect.objectContaining({ code: 'SCHEMA_CHANGE_INVALID' }));
  });

  it('moves columns first, after and before siblings', () => {
    const moved = (change: Parameters<typeof applySchemaChanges>[1][number]): string[] =>
      names(applySchemaChanges(sample(), [change], 10).schema);
    expect(moved({ kind: 'move', name: 'tags', first: true })).toEqual([
      'tags',
      'id',
      'amount',
      'address',
      'scores',
    ]);
    expect(moved({ kind: 'move', name: 'id', after: 'scores' })).toEqual([
      'amount',
      'address',
      'tags',
      'scores',
      'id',
    ]);
    expect(moved({ kind: 'move', name: 'scores', before: 'amount' })).toEqual([
      'id',
      'scores',
      'amount',
      'address',
      'tags',
    ]);
    expect(() =>
      applySchemaChanges(sample(), [{ kind: 'move', name: 'id', after: 'address.city' }], 10),
    ).toThrow(/same struct/);
  });

  it('makes columns optional, sets docs and leaves the input untouched', () => {
    const original = sample();
    const { schema } = applySchemaChanges(
      original,
      [
        { kind: 'makeOptional', name: 'tags.element' },
        { kind: 'doc', name: 'amount', doc: 'in euros' },
      ],
      10,
    );
    expect(findField(schema, 'amount')?.doc).toBe('in euros');
    expect(findField(schema, 'tags.element')?.required).toBe(false);
    expect(schemasEqual(original, sample())).toBe(true);
    expect(schemasEqual(original, schema)).toBe(false);
    expect(() => applySchemaChanges(original, [{ kind: 'makeOptional', name: 'id' }], 10)).toThrow(
      /must stay required/,
    );
  });
});
