import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { STREAM_SUMMARY_KEYS } from '../../../../src/ingest/index.js';
import { batchOf, DEAD, definition, records, SALES, streamHomeForEachTest } from './stream-home.js';

const s = streamHomeForEachTest();

describe('StreamWriter', () => {
  it('creates the table from the first batch with inferred types and the stream columns', async () => {
    const writer = s.writer(definition());
    const result = await writer.commit(
      batchOf(
        records([
          {
            id: 1,
            item: 'mug',
            price: 2.5,
            paid: true,
            sold_at: '2024-05-01T10:00:00Z',
            tags: ['a'],
          },
          { id: 2, item: 'cup', price: 3, paid: false, sold_at: null, tags: { b: 1 } },
        ]),
      ),
    );
    expect(result).toMatchObject({ rowsWritten: 2, deadLettered: 0 });
    expect(result.snapshotId).not.toBeNull();
    expect(result.schemaChanges).toEqual([`created table ${SALES} with 6 columns`]);
    const ident = { namespace: ['bronze', 'shop'], name: 'sales' };
    const table = await s.home.services.catalog.loadTable(ident);
    expect(table.schema().fields.map((f) => [f.name, f.type])).toEqual([
      ['id', 'long'],
      ['item', 'string'],
      ['price', 'double'],
      ['paid', 'boolean'],
      ['sold_at', 'string'],
      ['tags', 'string'],
      ['_ingested_at', 'timestamptz'],
      ['_source_system', 'string'],
      ['_stream', 'string'],
      ['_partition', 'string'],
      ['_offset', 'long'],
    ]);
    const described = await s.home.services.catalog.describeTable(ident);
    expect(described.properties).toMatchObject({
      ingest_type: 'streaming',
      source_system: 'shop',
      stream: 'sales',
      file_format: 'json',
    });
    const rows = await s.query(
      `SELECT id, item, price, paid, sold_at, tags, _source_system, _stream, _partition, _offset,
              _ingested_at IS NOT NULL FROM ${SALES} ORDER BY id`,
    );
    expect(rows.map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v)))).toEqual([
      [1, 'mug', 2.5, true, '2024-05-01T10:00:00Z', '["a"]', 'shop', 'sales', '0', 0, true],
      [2, 'cup', 3, false, null, '{"b":1}', 'shop', 'sales', '0', 1, true],
    ]);
  });

  it('keeps cumulative positions in the snapshot summary and reads them back', async () => {
    const writer = s.writer(definition());
    expect(await writer.committedPositions()).toEqual({});
    await writer.commit(
      batchOf([
        ...records([{ a: 1 }], { partition: '0', from: 7 }),
        ...records([{ a: 2 }], { partition: '1', from: 3 }),
      ]),
    );
    await writer.commit(batchOf(records([{ a: 3 }], { partition: '1', from: 4 })));
    expect(await writer.committedPositions()).toEqual({ '0': '7', '1': '4' });
    // Another writer (same stream name, other id) and another stream commit to the table too.
    await s.writer(definition(), 'stream-old').commit(batchOf(records([{ a: 4 }], { from: 99 })));
    await s
      .writer(definition({ name: 'other' }), 'stream-1')
      .commit(batchOf(records([{ a: 5 }], { from: 50 })));
    const reopened = s.writer(definition());
    expect(await reopened.committedPositions()).toEqual({ '0': '7', '1': '4' });
    const ident = { namespace: ['bronze', 'shop'], name: 'sales' };
    const table = await s.home.services.catalog.loadTable(ident);
    const summary: Record<string, string> = table.history()[2]?.summary ?? {};
    expect(summary[STREAM_SUMMARY_KEYS.writer]).toBe('stream-1');
    expect(summary[STREAM_SUMMARY_KEYS.stream]).toBe('sales');
    expect(summary[STREAM_SUMMARY_KEYS.positions]).toBe('{"0":"7","1":"4"}');
    expect(await s.query(`SELECT count(*) FROM ${SALES}`)).toEqual([[5]]);
  });

  it('makes its table delete metadata files that fall out of the metadata log', async () => {
    const writer = s.writer(definition());
    await writer.commit(batchOf(records([{ a: 1 }])));
    const ident = { namespace: ['bronze', 'shop'], name: 'sales' };
    await s.home.services.catalog.updateTable(ident, {
      setProperties: { 'write.metadata.previous-versions-max': '2' },
    });
    for (let i = 1; i <= 6; i++) await writer.commit(batchOf(records([{ a: i }], { from: i })));
    const table = await s.home.services.catalog.loadTable(ident);
    expect(table.metadata.properties['write.metadata.delete-after-commit.enabled']).toBe('true');
    const folder = path.dirname(fileURLToPath(table.metadataLocation));
    const files = (await readdir(folder)).filter((f) => f.endsWith('.metadata.json'));
    // The current file and the two the log keeps: not one per commit.
    expect(files).toHaveLength(3);
    expect(await s.query(`SELECT count(*) FROM ${SALES}`)).toEqual([[7]]);
  });

  it('decodes a prepared batch again when the table changed after it was prepared', async () => {
    const writer = s.writer(definition({ drift: 'dead-letter' }));
    await writer.commit(batchOf(records([{ a: 1 }])));
    const next = records([{ a: 2, c: 3 }], { from: 1 });
    // Against the table's columns then (a), field c would be set aside...
    const prepared = writer.prepare(next);
    expect(prepared?.records).toBe(next);
    // ...but the owner adds the column before the batch is committed.
    const ident = { namespace: ['bronze', 'shop'], name: 'sales' };
    await s.home.services.catalog.evolveSchema(ident, [{ kind: 'add', name: 'c', type: 'long' }]);
    const result = await writer.commit(batchOf(next), { prepared });
    expect(result).toMatchObject({ rowsWritten: 1, deadLettered: 0 });
    expect(await s.query(`SELECT a, c FROM ${SALES} ORDER BY a`)).toEqual([
      [1, null],
      [2, 3],
    ]);
  });

  it('keeps positions when every record of a batch is set aside, and writes nothing for an empty batch', async () => {
    const writer = s.writer(definition());
    await writer.commit(batchOf(records([{ a: 1 }])));
    const result = await writer.commit(batchOf(records(['not json'], { from: 1 })));
    expect(result).toEqual({
      snapshotId: null,
      rowsWritten: 0,
      deadLettered: 1,
      schemaChanges: [],
    });
    expect(await s.writer(definition()).committedPositions()).toEqual({ '0': '1' });
    expect(await writer.commit({ records: [], positions: {} })).toEqual({
      snapshotId: null,
      rowsWritten: 0,
      deadLettered: 0,
      schemaChanges: [],
    });
  });

  it('decodes NDJSON lines and JSON arrays into rows at the record position', async () => {
    const ndjson = s.writer(definition({ format: 'ndjson' }));
    await ndjson.commit(batchOf(records(['{"a":1}\n{"a":2}\r\n\n{"a":3}\n', '{"a":4}'])));
    expect(await s.query(`SELECT a, _offset FROM ${SALES} ORDER BY a`)).toEqual([
      [1, 0],
      [2, 0],
      [3, 0],
      [4, 1],
    ]);
    const json = s.writer(
      definition({ name: 'arrays', table: { namespace: ['bronze', 'shop'], name: 'arrays' } }),
    );
    await json.commit(batchOf(records(['[{"a":1},{"a":2}]', '{"a":3}'])));
    expect(await s.query(`SELECT a, _offset FROM bronze.shop.arrays ORDER BY a`)).toEqual([
      [1, 0],
      [2, 0],
      [3, 1],
    ]);
  });

  it('sets bad records aside with the reason and their exact bytes', async () => {
    const writer = s.writer(definition({ maxRecordBytes: 100, format: 'ndjson' }));
    await writer.commit(batchOf(records([{ id: 1, qty: 2 }])));
    const bad = [
      Buffer.from('{"id": 2, "qty": "two"}'),
      Buffer.from('{not json'),
      Buffer.from(`{"id": 3, "note": "${'x'.repeat(120)}"}`),
      Buffer.from('{"id": 4, "_offset": 9}'),
      Buffer.from('{"id": 5, "Qty": 1, "qty": 2}'),
      Buffer.from('[1, 2]'),
      Buffer.from([0x7b, 0xff, 0x7d]),
      Buffer.from('{"id": 6, "qty": 3}\n{"id": 7, "qty": 2.5}'),
    ];
    const result = await writer.commit(batchOf(records(bad, { from: 1 })));
    expect(result).toMatchObject({ rowsWritten: 1, deadLettered: 8 });
    const rows = await s.query(
      `SELECT _offset, reason, to_base64(raw), _stream, _partition, _received_at IS NOT NULL
       FROM ${DEAD} ORDER BY _offset, reason`,
    );
    const reasons = rows.map((r) => [r[0], r[1]]);
    expect(reasons).toEqual([
      [1, 'field "qty": a string cannot be stored in a long column'],
      [2, expect.stringMatching(/^not JSON: /)],
      [3, 'record of 141 bytes is over the limit of 100 bytes'],
      [4, 'field "_offset" has a name reserved for stream columns'],
      [5, 'fields "Qty" and "qty" differ only by case'],
      [6, 'not a JSON object but an array'],
      [7, 'not valid UTF-8'],
      [8, 'field "qty": a number cannot be stored in a long column'],
    ]);
    const raw = rows.map((r) => Buffer.from(r[2] as string, 'base64'));
    expect(raw.slice(0, 5)).toEqual(bad.slice(0, 5));
    expect(raw[5]).toEqual(Buffer.from('[1, 2]'));
    expect(raw[6]).toEqual(Buffer.from([0x7b, 0xff, 0x7d]));
    expect(raw[7]).toEqual(Buffer.from('{"id": 7, "qty": 2.5}'));
    expect(rows.every((r) => r[3] === 'sales' && r[4] === '0' && r[5] === true)).toBe(true);
    expect(await s.query(`SELECT id, qty, _offset FROM ${SALES} ORDER BY id`)).toEqual([
      [1, 2, 0],
      [6, 3, 8],
    ]);
  });
});
