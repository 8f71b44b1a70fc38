import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRecords } from '../../../../src/ingest/streams/writer/record-decoding.js';
import { fitRows } from '../../../../src/ingest/streams/writer/schema-fit.js';
import { batchOf, definition, records, streamHome, type StreamHome } from './stream-home.js';

let s: StreamHome;
beforeAll(async () => {
  s = await streamHome();
});
afterAll(async () => {
  await s.close();
});

/** Rows like the retail data set (~200 bytes of JSON each). */
function retail(count: number, from: number): object[] {
  return Array.from({ length: count }, (_, i) => ({
    InvoiceNo: String(536365 + Math.floor((from + i) / 7)),
    StockCode: `85${(from + i) % 1000}A`,
    Description: 'WHITE HANGING HEART T-LIGHT HOLDER',
    Quantity: (i % 12) + 1,
    InvoiceDate: '2010-12-01 08:26:00',
    UnitPrice: 2.55 + (i % 10),
    CustomerID: 17850 + (i % 300),
    Country: 'United Kingdom',
    Channel: 'web',
  }));
}

describe('stream writer speed', () => {
  it('commits batches of 500, 10,000 and 100,000 records and says where the time goes', async () => {
    const writer = s.writer(definition());
    let offset = 0;
    await writer.commit(batchOf(records(retail(10, 0), { from: offset })));
    offset += 10;
    const report: string[] = [];
    for (const size of [500, 10_000, 100_000]) {
      const batch = batchOf(records(retail(size, offset), { from: offset }));
      offset += size;
      const bytes = batch.records.reduce((n, r) => n + r.value.length, 0);
      const start = performance.now();
      const units = decodeRecords(batch.records, 'json', 1024 ** 2).units;
      const decoded = performance.now();
      fitRows({ units, columns: [], policy: 'evolve', table: 't' });
      const fitted = performance.now();
      await writer.commit(batch);
      const committed = performance.now();
      const commitMs = committed - fitted;
      report.push(
        `${size} records (${Math.round(bytes / size)} B each): commit ${commitMs.toFixed(0)} ms ` +
          `(decode ${(decoded - start).toFixed(0)} ms + fit/NDJSON ${(fitted - decoded).toFixed(0)} ms in JS, ` +
          `rest DuckDB write + Iceberg commit), ${Math.round((size / commitMs) * 1000)} records/s`,
      );
    }
    console.log(report.join('\n'));
    expect(
      await s.query('SELECT count(*), count(DISTINCT _offset) FROM bronze.shop.sales'),
    ).toEqual([[offset, offset]]);
  }, 60_000);
});
