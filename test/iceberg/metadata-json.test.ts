import { describe, expect, it } from 'vitest';
import { parseTableMetadata, serializeTableMetadata } from '../../src/iceberg/index.js';
import type { TableMetadata } from '../../src/iceberg/index.js';
import { ordersSchema } from './table-fixtures.js';

const bigId = 9_223_372_036_854_775_807n; // 2^63 - 1
const parentId = 9_007_199_254_740_993n; // 2^53 + 1, which a double rounds

function metadata(): TableMetadata {
  return {
    'format-version': 2,
    'table-uuid': '9c12d441-03fe-4693-9a96-a0705ddf69c1',
    location: 'file:///warehouse/bronze/orders',
    'last-sequence-number': 9_007_199_254_740_995n,
    'last-updated-ms': 1_764_000_000_000,
    'last-column-id': 3,
    schemas: [ordersSchema],
    'current-schema-id': 0,
    'partition-specs': [{ 'spec-id': 0, fields: [] }],
    'default-spec-id': 0,
    'last-partition-id': 999,
    properties: { owner: 'data-eng' },
    'current-snapshot-id': bigId,
    snapshots: [
      {
        'snapshot-id': parentId,
        'sequence-number': 1n,
        'timestamp-ms': 1_764_000_000_000,
        'manifest-list': 'file:///warehouse/bronze/orders/metadata/snap-1.avro',
        summary: { operation: 'append', 'added-records': '5' },
        'schema-id': 0,
      },
      {
        'snapshot-id': bigId,
        'parent-snapshot-id': parentId,
        'sequence-number': 9_007_199_254_740_995n,
        'timestamp-ms': 1_764_000_000_500,
        'manifest-list': 'file:///warehouse/bronze/orders/metadata/snap-2.avro',
        summary: { operation: 'overwrite' },
        'schema-id': 0,
      },
    ],
    'snapshot-log': [
      { 'snapshot-id': parentId, 'timestamp-ms': 1_764_000_000_000 },
      { 'snapshot-id': bigId, 'timestamp-ms': 1_764_000_000_500 },
    ],
    'metadata-log': [
      {
        'metadata-file': 'file:///warehouse/bronze/orders/metadata/00000-a.metadata.json',
        'timestamp-ms': 1,
      },
    ],
    'sort-orders': [{ 'order-id': 0, fields: [] }],
    'default-sort-order-id': 0,
    refs: { main: { 'snapshot-id': bigId, type: 'branch' } },
  };
}

describe('table metadata JSON', () => {
  it('keeps 64-bit snapshot ids and sequence numbers exact through a round trip', () => {
    const text = serializeTableMetadata(metadata());
    expect(text).toContain(`"current-snapshot-id": ${bigId}`);
    expect(text).toContain(`"parent-snapshot-id": ${parentId}`);
    expect(text).toContain('"last-sequence-number": 9007199254740995');
    expect(text).not.toMatch(/"snapshot-id": "/);
    expect(parseTableMetadata(text)).toEqual(metadata());
  });

  it('reads what other writers produce: small ids, a -1 current snapshot and no refs', () => {
    const raw = JSON.parse(
      serializeTableMetadata({ ...metadata(), snapshots: [], 'snapshot-log': [] }).replace(
        /\d{16,}/g,
        '7',
      ),
    ) as Record<string, unknown>;
    raw['current-snapshot-id'] = -1;
    delete raw.refs;
    const parsed = parseTableMetadata(JSON.stringify(raw));
    expect(parsed['current-snapshot-id']).toBeUndefined();
    expect(parsed.refs).toEqual({});
    expect(parsed['last-sequence-number']).toBe(7n);
  });

  it('adds the main branch when an older file has a current snapshot but no refs', () => {
    const raw = JSON.parse(serializeTableMetadata(metadata()).replace(/\d{16,}/g, '42')) as Record<
      string,
      unknown
    >;
    delete raw.refs;
    expect(parseTableMetadata(JSON.stringify(raw)).refs).toEqual({
      main: { 'snapshot-id': 42n, type: 'branch' },
    });
  });

  it('refuses format version 1 with a clear error', () => {
    const text = serializeTableMetadata(metadata()).replace(
      '"format-version": 2',
      '"format-version": 1',
    );
    expect(() => parseTableMetadata(text)).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_FORMAT_VERSION' }),
    );
  });

  it('names the missing field of damaged metadata', () => {
    const raw = JSON.parse(serializeTableMetadata(metadata()).replace(/\d{16,}/g, '1')) as Record<
      string,
      unknown
    >;
    delete raw.schemas;
    expect(() => parseTableMetadata(JSON.stringify(raw))).toThrow(
      expect.objectContaining({
        code: 'INVALID_TABLE_METADATA',
        message: expect.stringContaining('"schemas"'),
      }),
    );
    expect(() => parseTableMetadata('{"format-version": 2,')).toThrow(
      expect.objectContaining({ code: 'INVALID_TABLE_METADATA' }),
    );
  });
});
