import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempLakehouse, type TempLakehouse } from './temp-lakehouse.js';

/**
 * Bounded memory on a large CSV. Slow, so it runs only when asked:
 *   LAKEWARD_BIG_TESTS=1 LAKEWARD_BIG_MB=300 npx vitest run test/ingest/big-file.test.ts
 */
const enabled = process.env.LAKEWARD_BIG_TESTS === '1';
const targetMb = Number(process.env.LAKEWARD_BIG_MB ?? '300');

let lake: TempLakehouse;
beforeAll(async () => {
  if (enabled) lake = await tempLakehouse();
});
afterAll(async () => {
  if (enabled) await lake.close();
});

async function writeBigCsv(file: string, bytes: number): Promise<number> {
  const out = fs.createWriteStream(file);
  out.write('InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n');
  let written = 0;
  let rows = 0;
  while (written < bytes) {
    const lines: string[] = [];
    for (let i = 0; i < 10_000; i++, rows++) {
      const day = String(1 + (rows % 28)).padStart(2, '0');
      lines.push(
        `${536365 + (rows % 90_000)},${85000 + (rows % 4000)}A,"ITEM ${rows % 5000}, WHITE",${(rows % 48) + 1},` +
          `2011-03-${day} 10:${String(rows % 60).padStart(2, '0')}:00,${((rows % 900) / 100).toFixed(2)},${17000 + (rows % 3000)}.0,United Kingdom`,
      );
    }
    const chunk = lines.join('\n') + '\n';
    written += chunk.length;
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return rows;
}

describe.runIf(enabled)('a large CSV', () => {
  it(`ingests a ~${targetMb} MB CSV within bounded memory`, async () => {
    const file = path.join(lake.dir, 'big.csv');
    const rows = await writeBigCsv(file, targetMb * 1024 ** 2);
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    const started = Date.now();
    try {
      const summary = await lake.ingest('bronze.big.invoices', [file]);
      expect(summary.rowsWritten).toBe(rows);
    } finally {
      clearInterval(sampler);
    }
    const seconds = (Date.now() - started) / 1000;
    const sizeMb = fs.statSync(file).size / 1024 ** 2;
    console.log(
      `big CSV: ${sizeMb.toFixed(0)} MB, ${rows} rows in ${seconds.toFixed(1)} s; peak RSS ${(peak / 1024 ** 2).toFixed(0)} MB`,
    );
    expect(peak).toBeLessThan(1024 ** 3);
  }, 1_800_000);
});
