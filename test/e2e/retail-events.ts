// The retail data of ../shared/data/retail/by-day as a stream of events: one JSON object
// per row, in time order (day files in order, rows as in each file), and a checksum over
// all columns that reads the same from the CSVs and from a bronze table fed by a stream.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const BY_DAY = resolve('../shared/data/retail/by-day');

export function retailDayFiles(days?: number): string[] {
  const files = readdirSync(BY_DAY)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .map((f) => join(BY_DAY, f));
  return days === undefined ? files : files.slice(0, days);
}

/**
 * One expression over the retail columns whose sum is equal for equal multisets of rows,
 * whatever types the stream inferred (numbers as long or double, times as text or
 * timestamps).
 */
const ROW_HASH = `hash(InvoiceNo::VARCHAR, StockCode::VARCHAR, coalesce(Description::VARCHAR, '<null>'),
  Quantity::DOUBLE, strftime(CAST(InvoiceDate AS TIMESTAMP), '%Y-%m-%d %H:%M:%S'),
  UnitPrice::DOUBLE, coalesce(CustomerID::DOUBLE, -1), Country::VARCHAR)`;

/** Row count and checksum of a table through the governed SQL path. */
export function checksumSql(table: string): string {
  return `SELECT count(*)::BIGINT AS n, sum(${ROW_HASH})::VARCHAR AS checksum FROM ${table}`;
}

export interface RetailEvents {
  /** One JSON object per row, no newline inside. */
  events: string[];
  /** The same events, one list per day file. */
  days: string[][];
  count: number;
  checksum: string;
}

/** The rows of the first `days` day files as JSON events, with their count and checksum. */
export async function retailEvents(days?: number): Promise<RetailEvents> {
  const files = retailDayFiles(days).map((f) => `'${f}'`);
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const source = `read_csv([${files.join(', ')}], filename = true, types = {'InvoiceNo': 'VARCHAR', 'StockCode': 'VARCHAR'})`;
    const rows = await connection.runAndReadAll(
      `SELECT to_json(struct_pack(InvoiceNo, StockCode, Description, Quantity,
          InvoiceDate := strftime(InvoiceDate, '%Y-%m-%d %H:%M:%S'), UnitPrice, CustomerID, Country))::VARCHAR,
          filename
       FROM ${source} ORDER BY filename, InvoiceDate, InvoiceNo, StockCode`,
    );
    const byFile = new Map<string, string[]>();
    for (const [event, file] of rows.getRows()) {
      const day = byFile.get(String(file)) ?? [];
      day.push(String(event));
      byFile.set(String(file), day);
    }
    const days = [...byFile.values()];
    const summed = await connection.runAndReadAll(checksumSql(source));
    const [count, checksum] = summed.getRows()[0]!;
    return { events: days.flat(), days, count: Number(count), checksum: String(checksum) };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
