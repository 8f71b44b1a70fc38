import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NdjsonRows } from '../../../../src/ingest/streams/writer/ndjson-rows.js';
import { decodeRecords } from '../../../../src/ingest/streams/writer/record-decoding.js';
import { fitRows, rowsAsSent } from '../../../../src/ingest/streams/writer/schema-fit.js';
import { batchOf, definition, records, streamHome, type StreamHome } from './stream-home.js';

const SALES = { namespace: ['bronze', 'shop'], name: 'sales' };
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
    const columns = (await s.home.services.catalog.loadTable(SALES)).schema().fields;
    for (const size of [500, 10_000, 100_000]) {
      const batch = batchOf(records(retail(size, offset), { from: offset }));
      offset += size;
      const bytes = batch.records.reduce((n, r) => n + r.value.length, 0);
      // The floor on this machine at this moment: parsing the same records and nothing else.
      const start = performance.now();
      let fields = 0;
      for (const r of batch.records) fields += Object.keys(JSON.parse(r.value.toString())).length;
      const parsed = performance.now();
      const rows = new NdjsonRows(bytes);
      const { units } = decodeRecords(batch.records, 'json', 1024 ** 2, rowsAsSent(columns, rows));
      const fitted = fitRows({ units, columns, policy: 'evolve', table: 't', rows });
      const ndjson = fitted.rows.toBuffer();
      const inJs = performance.now();
      await writer.commit(batch);
      const commitMs = performance.now() - inJs;
      expect(fields).toBe(size * 9);
      expect(ndjson.toString().split('\n').length).toBe(size + 1);
      report.push(
        `${size} records (${Math.round(bytes / size)} B each): commit ${commitMs.toFixed(0)} ms, ` +
          `${Math.round((size / commitMs) * 1000)} records/s; of it in JS (decode, check, NDJSON) ` +
          `${(inJs - parsed).toFixed(0)} ms; JSON.parse alone ${(parsed - start).toFixed(0)} ms`,
      );
    }
    console.log(report.join('\n'));
    expect(
      await s.query('SELECT count(*), count(DISTINCT _offset) FROM bronze.shop.sales'),
    ).toEqual([[offset, offset]]);
  }, 60_000);
});
