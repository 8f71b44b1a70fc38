import { describe, expect, it } from 'vitest';
import {
  duckToIcebergType,
  icebergToDuckType,
  schemaFromDuckColumns,
} from '../../src/engine/index.js';
import type { IcebergType } from '../../src/iceberg/index.js';

describe('DuckDB → Iceberg types', () => {
  it.each([
    ['BOOLEAN', 'boolean'],
    ['TINYINT', 'int'],
    ['SMALLINT', 'int'],
    ['INTEGER', 'int'],
    ['UTINYINT', 'int'],
    ['USMALLINT', 'int'],
    ['UINTEGER', 'long'],
    ['BIGINT', 'long'],
    ['UBIGINT', 'decimal(38, 0)'],
    ['HUGEINT', 'decimal(38, 0)'],
    ['UHUGEINT', 'decimal(38, 0)'],
    ['FLOAT', 'float'],
    ['DOUBLE', 'double'],
    ['DECIMAL(10,2)', 'decimal(10, 2)'],
    ['DATE', 'date'],
    ['TIME', 'time'],
    ['TIMESTAMP', 'timestamp'],
    ['TIMESTAMP_S', 'timestamp'],
    ['TIMESTAMP_MS', 'timestamp'],
    ['TIMESTAMP_NS', 'timestamp_ns'],
    ['TIMESTAMP WITH TIME ZONE', 'timestamptz'],
    ['VARCHAR', 'string'],
    ['JSON', 'string'],
    ['UUID', 'uuid'],
    ['BLOB', 'binary'],
  ])('%s → %s', (duck, iceberg) => {
    expect(duckToIcebergType(duck)).toBe(iceberg);
  });

  it('reads nested types, quoted field names included', () => {
    const type = duckToIcebergType(
      'STRUCT(a INTEGER, "b c" VARCHAR[], "say ""hi""" MAP(VARCHAR, STRUCT(x DOUBLE)))',
    );
    expect(type).toEqual({
      type: 'struct',
      fields: [
        { id: 0, name: 'a', required: false, type: 'int' },
        {
          id: 0,
          name: 'b c',
          required: false,
          type: { type: 'list', 'element-id': 0, element: 'string', 'element-required': false },
        },
        {
          id: 0,
          name: 'say "hi"',
          required: false,
          type: {
            type: 'map',
            'key-id': 0,
            key: 'string',
            'value-id': 0,
            value: {
              type: 'struct',
              fields: [{ id: 0, name: 'x', required: false, type: 'double' }],
            },
            'value-required': false,
          },
        },
      ],
    });
  });

  it('refuses INTERVAL with a way out', () => {
    expect(() => duckToIcebergType('INTERVAL')).toThrow(/INTERVAL has no Iceberg equivalent/);
    expect(() => duckToIcebergType('STRUCT(a INTERVAL)')).toThrow(/INTERVAL/);
  });

  it('refuses malformed type text', () => {
    expect(() => duckToIcebergType('STRUCT(a INTEGER')).toThrow(/Cannot read the DuckDB type/);
  });
});

describe('Iceberg → DuckDB types', () => {
  it('round-trips every mapped type, nested ones included', () => {
    const types: IcebergType[] = [
      'boolean',
      'int',
      'long',
      'float',
      'double',
      'decimal(38, 0)',
      'date',
      'time',
      'timestamp',
      'timestamptz',
      'timestamp_ns',
      'string',
      'uuid',
      'binary',
      {
        type: 'struct',
        fields: [
          { id: 0, name: 'weird "name"', required: false, type: 'int' },
          {
            id: 0,
            name: 'tags',
            required: false,
            type: {
              type: 'map',
              'key-id': 0,
              key: 'string',
              'value-id': 0,
              value: { type: 'list', 'element-id': 0, element: 'date', 'element-required': false },
              'value-required': false,
            },
          },
        ],
      },
    ];
    for (const type of types) expect(duckToIcebergType(icebergToDuckType(type))).toEqual(type);
  });
});

describe('schemaFromDuckColumns', () => {
  it('assigns unique ids to every field, nested ones included', () => {
    const schema = schemaFromDuckColumns([
      { name: 'id', type: 'BIGINT' },
      { name: 'items', type: 'STRUCT(sku VARCHAR, qty INTEGER)[]' },
      { name: 'attrs', type: 'MAP(VARCHAR, VARCHAR)' },
    ]);
    const ids: number[] = [];
    const collect = (t: IcebergType): void => {
      if (typeof t === 'string') return;
      if (t.type === 'list') {
        ids.push(t['element-id']);
        collect(t.element);
      } else if (t.type === 'map') {
        ids.push(t['key-id'], t['value-id']);
        collect(t.key);
        collect(t.value);
      } else
        t.fields.forEach((f) => {
          ids.push(f.id);
          collect(f.type);
        });
    };
    collect({ type: 'struct', fields: schema.fields });
    expect(ids).toHaveLength(8);
    expect(new Set(ids).size).toBe(8);
    expect(schema.fields.every((f) => !f.required)).toBe(true);
  });
});
