import fs from 'node:fs';
import path from 'node:path';
import type { Services } from '../../../src/app.js';
import type { Caller } from '../../../src/governance/index.js';
import type { TableIdent } from '../../../src/catalog/index.js';
import { appendQuery, openSession, quoteLiteral } from '../../../src/engine/index.js';

export const BY_DAY = path.resolve('../shared/data/retail/by-day');

/** The retail day files in time order (read in place). */
export function retailDays(count: number): string[] {
  return fs
    .readdirSync(BY_DAY)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .slice(0, count)
    .map((f) => path.join(BY_DAY, f));
}

export const RETAIL_COLUMNS = [
  { name: 'invoice_no', type: 'string' },
  { name: 'stock_code', type: 'string' },
  { name: 'description', type: 'string' },
  { name: 'quantity', type: 'long' },
  { name: 'invoice_date', type: 'timestamp' },
  { name: 'unit_price', type: 'double' },
  { name: 'customer_id', type: 'double' },
  { name: 'country', type: 'string' },
] as const;

export async function createRetailTable(
  services: Services,
  admin: Caller,
  ident: TableIdent,
  extra: {
    partitionBy?: { source: string; transform: string }[];
    properties?: Record<string, string>;
  } = {},
): Promise<void> {
  await services.governed.createNamespace(admin, [...ident.namespace]).catch(() => undefined);
  await services.governed.createTable(admin, ident, {
    columns: RETAIL_COLUMNS.map((c) => ({ ...c })),
    ...extra,
  });
}

/** A retail day file (or a slice of its rows) as one commit: what a micro-batch leaves behind. */
export function daySelect(file: string, slice?: { offset: number; limit: number }): string {
  const limit = slice === undefined ? '' : ` LIMIT ${slice.limit} OFFSET ${slice.offset}`;
  return (
    `SELECT "InvoiceNo" AS invoice_no, "StockCode" AS stock_code, "Description" AS description, ` +
    `"Quantity" AS quantity, "InvoiceDate" AS invoice_date, "UnitPrice" AS unit_price, ` +
    `"CustomerID" AS customer_id, "Country" AS country FROM read_csv(${quoteLiteral(file)}, ` +
    `header = true, all_varchar = true)${limit}`
  );
}

/** Appends each SELECT as its own snapshot, through the catalog's table and the engine's writer. */
export async function appendEach(
  services: Services,
  ident: TableIdent,
  selects: string[],
): Promise<number> {
  const tempDir = path.join(services.config.home, 'tmp');
  const session = await openSession({ memoryLimit: '256MB', tempDir });
  let rows = 0;
  try {
    for (const select of selects) {
      const table = await services.catalog.loadTable(ident);
      rows += (
        await appendQuery(session, table, select, { tempDir, targetFileSizeBytes: 1024 ** 2 })
      ).rows;
    }
  } finally {
    session.close();
  }
  return rows;
}

/** Count, sums over the numeric columns and a checksum over every column, by the governed query path. */
export async function fingerprint(
  services: Services,
  caller: Caller,
  table: string,
): Promise<unknown[]> {
  const all = RETAIL_COLUMNS.map((c) => c.name).join(', ');
  const result = await services.query.execute(
    caller,
    `SELECT count(*), sum(quantity), round(sum(unit_price), 4), round(sum(customer_id), 1), ` +
      `sum(hash(${all})::HUGEINT)::VARCHAR, bit_xor(hash(${all}))::VARCHAR FROM ${table}`,
  );
  return result.rows[0]!;
}

export async function liveFiles(services: Services, ident: TableIdent) {
  return (await services.catalog.loadTable(ident)).planFiles();
}
