import { describe, expect, it } from 'vitest';
import {
  decodeAvroFile,
  ManifestEntryStatus,
  readManifest,
  readManifestList,
  writeManifest,
  writeManifestList,
} from '../../src/iceberg/index.js';
import type { DataFile, ManifestEntry, PartitionSpec, Schema } from '../../src/iceberg/index.js';
import { ordersFile, tableContext } from './table-fixtures.js';

const eventsSchema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'event_id', required: true, type: 'uuid' },
    { id: 2, name: 'ts', required: true, type: 'timestamptz' },
    { id: 3, name: 'price', required: false, type: 'decimal(10, 2)' },
    { id: 4, name: 'user-name', required: false, type: 'string' },
  ],
};

const eventsSpec: PartitionSpec = {
  'spec-id': 0,
  fields: [
    { 'source-id': 2, 'field-id': 1000, name: 'ts_day', transform: 'day' },
    { 'source-id': 1, 'field-id': 1001, name: 'event_id', transform: 'identity' },
    { 'source-id': 3, 'field-id': 1002, name: 'price', transform: 'identity' },
    { 'source-id': 2, 'field-id': 1003, name: 'ts', transform: 'identity' },
    { 'source-id': 4, 'field-id': 1004, name: 'user-name', transform: 'truncate[2]' },
  ],
};

const bigSnapshotId = 9_007_199_254_740_993n;

function eventFile(path: string, partition: Record<string, unknown>): DataFile {
  return {
    content: 0,
    filePath: path,
    fileFormat: 'PARQUET',
    partition,
    recordCount: 3n,
    fileSizeInBytes: 2048n,
    columnSizes: new Map([[2, 100n]]),
    valueCounts: new Map([[2, 3n]]),
    nullValueCounts: new Map([[3, 1n]]),
    nanValueCounts: new Map(),
    lowerBounds: new Map([[4, new Uint8Array([0x61])]]),
    upperBounds: new Map([[4, new Uint8Array([0x7a])]]),
    splitOffsets: [4n],
    sortOrderId: 0,
    specId: 0,
  };
}

describe('manifests', () => {
  it('round-trip data files with date, uuid, decimal and timestamp partition values', async () => {
    const ctx = await tableContext();
    const file = eventFile(ctx.store.uri('events/data/a.parquet'), {
      ts_day: 20_000,
      event_id: 'f79c3e09-677c-4d3b-a2ba-a7e2d1b9c5d1',
      price: '-12.50',
      ts: 1_728_000_000_123_456n,
      'user-name': 'jo',
    });
    const nulls = eventFile(ctx.store.uri('events/data/b.parquet'), {
      ts_day: null,
      event_id: null,
      price: null,
      ts: null,
      'user-name': null,
    });
    const manifest = await writeManifest(ctx.store, {
      key: 'events/metadata/m0.avro',
      schema: eventsSchema,
      spec: eventsSpec,
      snapshotId: bigSnapshotId,
      sequenceNumber: 4n,
      entries: [file, nulls].map((dataFile) => ({
        status: ManifestEntryStatus.added,
        snapshotId: bigSnapshotId,
        sequenceNumber: null,
        fileSequenceNumber: null,
        dataFile,
      })),
    });
    expect(manifest).toMatchObject({
      addedFilesCount: 2,
      addedRowsCount: 6n,
      existingFilesCount: 0,
    });
    expect(manifest.partitions?.[0]).toMatchObject({ containsNull: true, containsNan: false });

    const entries = await readManifest(ctx.store, manifest, eventsSchema, eventsSpec);
    expect(entries.map((e) => e.dataFile)).toEqual([file, nulls]);
    expect(entries[0]).toMatchObject({
      snapshotId: bigSnapshotId,
      sequenceNumber: 4n,
      fileSequenceNumber: 4n,
    });
  });

  it('embed the spec schema with a field-id on every field, and the table facts in the header', async () => {
    const ctx = await tableContext();
    const manifest = await writeManifest(ctx.store, {
      key: 'events/metadata/m1.avro',
      schema: eventsSchema,
      spec: eventsSpec,
      snapshotId: 1n,
      sequenceNumber: 1n,
      entries: [],
    });
    const header = decodeAvroFile(await ctx.store.get('events/metadata/m1.avro'), 'manifest');
    expect(header.metadata).toMatchObject({
      'schema-id': '0',
      'partition-spec-id': '0',
      'format-version': '2',
      content: 'data',
    });
    expect(JSON.parse(header.metadata['partition-spec'] ?? '')).toEqual(eventsSpec.fields);
    expect(JSON.parse(header.metadata.schema ?? '')).toEqual(eventsSchema);

    const ids = new Map<string, number>();
    const visit = (node: unknown, path: string): void => {
      if (Array.isArray(node)) return node.forEach((n) => visit(n, path));
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      if (
        typeof record.name === 'string' &&
        'type' in record &&
        typeof record['field-id'] === 'number'
      ) {
        ids.set(`${path}${record.name}`, record['field-id']);
      }
      for (const [key, value] of Object.entries(record)) {
        visit(
          value,
          key === 'fields' || key === 'type' || key === 'items'
            ? `${path}${typeof record.name === 'string' && key === 'type' ? `${record.name}.` : ''}`
            : path,
        );
      }
    };
    visit(header.schema, '');
    expect(ids.get('status')).toBe(0);
    expect(ids.get('snapshot_id')).toBe(1);
    expect(ids.get('sequence_number')).toBe(3);
    expect(ids.get('file_sequence_number')).toBe(4);
    expect(ids.get('data_file')).toBe(2);
    expect(ids.get('data_file.content')).toBe(134);
    expect(ids.get('data_file.partition')).toBe(102);
    expect(ids.get('data_file.partition.ts_day')).toBe(1000);
    expect(ids.get('data_file.partition.user_x2Dname')).toBe(1004);
    expect(ids.get('data_file.nan_value_counts')).toBe(137);
    expect(ids.get('data_file.sort_order_id')).toBe(140);
    expect(JSON.stringify(header.schema)).toContain('"logicalType":"map"');
    expect(manifest.manifestLength).toBe(
      BigInt((await ctx.store.get('events/metadata/m1.avro')).length),
    );
  });

  it('keep explicit sequence numbers of EXISTING entries and inherit them only for ADDED ones', async () => {
    const ctx = await tableContext();
    const spec: PartitionSpec = {
      'spec-id': 0,
      fields: [{ 'source-id': 2, 'field-id': 1000, name: 'country', transform: 'identity' }],
    };
    const schema: Schema = {
      type: 'struct',
      'schema-id': 0,
      fields: [
        { id: 1, name: 'id', required: true, type: 'long' },
        { id: 2, name: 'country', required: false, type: 'string' },
      ],
    };
    const entries: ManifestEntry[] = [
      {
        status: ManifestEntryStatus.existing,
        snapshotId: 11n,
        sequenceNumber: 2n,
        fileSequenceNumber: 2n,
        dataFile: ordersFile(ctx, 'old', 5, 'NL'),
      },
      {
        status: ManifestEntryStatus.added,
        snapshotId: null,
        sequenceNumber: null,
        fileSequenceNumber: null,
        dataFile: ordersFile(ctx, 'new', 7, 'US'),
      },
    ];
    const manifest = await writeManifest(ctx.store, {
      key: 'orders/metadata/m.avro',
      schema,
      spec,
      snapshotId: 33n,
      sequenceNumber: 5n,
      entries,
    });
    expect(manifest.minSequenceNumber).toBe(2n);
    const read = await readManifest(ctx.store, manifest, schema, spec);
    expect(read.map((e) => [e.snapshotId, e.sequenceNumber, e.fileSequenceNumber])).toEqual([
      [11n, 2n, 2n],
      [33n, 5n, 5n],
    ]);

    const listUri = await writeManifestList(ctx.store, {
      key: 'orders/metadata/snap-33.avro',
      snapshotId: 33n,
      parentSnapshotId: 11n,
      sequenceNumber: 5n,
      manifests: [manifest],
    });
    expect(await readManifestList(ctx.store, listUri)).toEqual([manifest]);
    const header = decodeAvroFile(await ctx.store.get('orders/metadata/snap-33.avro'), 'list');
    expect(header.metadata).toMatchObject({
      'snapshot-id': '33',
      'parent-snapshot-id': '11',
      'sequence-number': '5',
      'format-version': '2',
    });
    expect(JSON.stringify(header.schema)).toContain(
      '"name":"added_snapshot_id","type":"long","field-id":503',
    );
  });
});
