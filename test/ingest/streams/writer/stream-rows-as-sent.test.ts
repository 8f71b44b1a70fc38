import { describe, expect, it } from 'vitest';
import { batchOf, definition, records, SALES, streamHomeForEachTest } from './stream-home.js';

const s = streamHomeForEachTest();

/** Rows of the table in offset order, numbers as numbers. */
async function rows(columns: string): Promise<unknown[][]> {
  const found = await s.query(`SELECT ${columns} FROM ${SALES} ORDER BY _offset`);
  return found.map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
}

// Most records are written from their bytes as sent; these are the ones that must not be.
describe('StreamWriter rows written from the bytes as sent', () => {
  it('writes what JSON.parse read: repeated names, other case, spacing, escapes, conversions', async () => {
    const writer = s.writer(definition());
    await writer.commit(batchOf(records([{ id: 0, item: 'first', price: 1.5 }])));
    const sent = [
      '{"id":1,"item":"a","item":"b","price":2}',
      '{"ID":2,"Item":"case","price":3.25}',
      ' { "id" : 3 , "item" : "spaced" } \r',
      '{"id":4,"item":"caf\\u00e9 \\"q\\" \\ud83d\\ude00","price":1e1}',
      '{"id":5.0,"item":7,"price":-0.5}',
      '{"id":6,"item":{"nested":[1,2]},"price":null}',
      '{}',
      '{\n  "id": 8,\n  "item": "pretty"\n}',
      '{"id":9,"item":"\\ud800 lone","price":1}',
    ];
    const result = await writer.commit(batchOf(records(sent, { from: 1 })));
    // DuckDB refuses an escaped lone surrogate (JSON.parse takes it): set aside, not a failed batch.
    expect(result).toMatchObject({ rowsWritten: 8, deadLettered: 1, schemaChanges: [] });
    expect(await rows('_offset, id, item, price')).toEqual([
      [0, 0, 'first', 1.5],
      [1, 1, 'b', 2],
      [2, 2, 'case', 3.25],
      [3, 3, 'spaced', null],
      [4, 4, 'café "q" 😀', 10],
      [5, 5, '7', -0.5],
      [6, 6, '{"nested":[1,2]}', null],
      [7, null, null, null],
      [8, 8, 'pretty', null],
    ]);
    const dead = await s.query(`SELECT _offset, reason FROM ${SALES}__dead_letter`);
    expect(dead).toEqual([
      [9, 'field "item" holds an escaped lone surrogate, which is not Unicode text'],
    ]);
  });

  it('keeps the drift policy for records that would otherwise go as sent', async () => {
    const writer = s.writer(definition({ drift: 'dead-letter' }));
    await writer.commit(batchOf(records([{ id: 0, n: 1 }])));
    const result = await writer.commit(
      batchOf(records(['{"id":1,"n":2}', '{"id":2,"n":"two"}', '{"id":3,"n":2.5}'], { from: 1 })),
    );
    expect(result).toMatchObject({ rowsWritten: 1, deadLettered: 2 });
    expect(await rows('_offset, id, n')).toEqual([
      [0, 0, 1],
      [1, 1, 2],
    ]);
  });
});
