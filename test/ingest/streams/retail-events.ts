import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The retail sample of ../shared/data, one file per day, read in place. */
export const RETAIL_BY_DAY = resolve('../shared/data/retail/by-day');

export interface RetailEvent {
  invoice_no: string;
  stock_code: string;
  description: string;
  quantity: number;
  invoice_date: string;
  unit_price: number;
  customer_id?: number;
  country: string;
}

/** The first `days` days of sales as events, in time order (files by date, rows as they are). */
export function retailEvents(days: number): RetailEvent[][] {
  const files = readdirSync(RETAIL_BY_DAY)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .slice(0, days);
  return files.map((file) => {
    const [, ...lines] = csvRows(readFileSync(join(RETAIL_BY_DAY, file), 'utf8'));
    return lines.map(([invoice, stock, description, quantity, date, price, customer, country]) => ({
      invoice_no: invoice!,
      stock_code: stock!,
      description: description!,
      quantity: Number(quantity),
      invoice_date: date!,
      unit_price: Number(price),
      ...(customer === '' ? {} : { customer_id: Number(customer) }),
      country: country!,
    }));
  });
}

/** RFC 4180 rows: quoted fields may hold commas, quotes ("") and line breaks. */
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows.filter((r) => r.length > 1 || r[0] !== '');
}
