import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { createTable, dataFileFromParquet } from '../../src/iceberg/index.js';
import type { IcebergTable, TableContext } from '../../src/iceberg/index.js';
import { tableContext } from './table-fixtures.js';

const retail = path.resolve('../shared/data/retail/by-day');
const days = ['2010-12-01', '2010-12-02'];
const MICROS_PER_DAY = 86_400_000_000n;

/** Stages one day of retail invoices as Parquet with Iceberg field ids, as writers do. */
async function stageDay(ctx: TableContext & { dir: string }, table: IcebergTable, day: string) {
  const key = `${ctx.keyPrefix}/data/invoice_date_day=${day}/part-0.parquet`;
  const file = path.join(ctx.dir, key);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  await duck.run(`
    COPY (
      SELECT InvoiceNo::VARCHAR AS invoice_no, Quantity::INTEGER AS quantity, UnitPrice::DOUBLE AS unit_price,
             Country AS country, InvoiceDate::TIMESTAMP AS invoice_date
      FROM read_csv('${path.join(retail, `${day}.csv`)}', header = true)
    ) TO '${file}' (FORMAT PARQUET, FIELD_IDS {invoice_no: 1, quantity: 2, unit_price: 3, country: 4, invoice_date: 5})`);
  const rows = await duck.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM '${file}'`);
  duck.closeSync();
  const epochDays = Math.round(Date.parse(`${day}T00:00:00Z`) / 86_400_000);
  const dataFile = await dataFileFromParquet(ctx.store, key, table.schema(), {
    specId: 0,
    partition: { invoice_date_day: epochDays },
  });
  return { dataFile, rows: Number(rows.getRowObjects()[0]?.n), epochDays };
}

describe('a table of real Parquet files', () => {
  it('plans only the files whose partition and column bounds can match the filter', async () => {
    const ctx = await tableContext();
    let table = await createTable(ctx, {
      schema: {
        type: 'struct',
        'schema-id': 0,
        fields: [
          { id: 1, name: 'invoice_no', required: false, type: 'string' },
          { id: 2, name: 'quantity', required: false, type: 'int' },
          { id: 3, name: 'unit_price', required: false, type: 'double' },
          { id: 4, name: 'country', required: false, type: 'string' },
          { id: 5, name: 'invoice_date', required: false, type: 'timestamp' },
        ],
      },
      partitionBy: [{ source: 'invoice_date', transform: 'day' }],
    });
    const staged = [];
    for (const day of days) staged.push(await stageDay(ctx, table, day));
    for (const { dataFile } of staged) table = await table.append([dataFile]);

    const total = staged.reduce((sum, s) => sum + s.rows, 0);
    expect(table.currentSnapshot()?.summary['total-records']).toBe(String(total));
    expect(await table.planFiles()).toHaveLength(2);

    const secondDay = BigInt(staged[1]?.epochDays ?? 0) * MICROS_PER_DAY;
    const onSecondDay = await table.planFiles({
      filter: {
        op: 'and',
        left: { op: 'gte', field: 'invoice_date', value: secondDay },
        right: { op: 'lt', field: 'invoice_date', value: secondDay + MICROS_PER_DAY },
      },
    });
    expect(onSecondDay.map((f) => f.filePath)).toEqual([staged[1]?.dataFile.filePath]);
    expect(
      await table.planFiles({ filter: { op: 'gt', field: 'quantity', value: 1_000_000 } }),
    ).toEqual([]);
  });
});
