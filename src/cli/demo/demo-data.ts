import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The CRM export the demo loads into bronze: customers and their sales. Generated
 * from a fixed seed, so every home gets the same rows and the same gold figures.
 * Like a real export the sales are a little dirty (rows without a customer, refunds
 * with a zero or negative amount, rows sent twice) for silver to clean.
 */
export const DEMO_CUSTOMERS = 240;
export const DEMO_SALES = 2_000;
/** Rows of the export sent twice (the first ones, appended again at the end). */
export const DEMO_DUPLICATES = 40;

const SEED = 20_240_601;
const REGIONS = ['US', 'EU', 'APAC'] as const;
const FIRST = ['Ada', 'Ben', 'Chloe', 'Dev', 'Emma', 'Finn', 'Grace', 'Hugo', 'Iris', 'Jon'];
const LAST = ['Lee', 'Moreau', 'Novak', 'Okafor', 'Patel', 'Quinn', 'Rossi', 'Sato', 'Tan'];
const PRODUCTS = [
  ['espresso_machine', 249.0],
  ['grinder', 119.5],
  ['beans_1kg', 24.9],
  ['milk_frother', 59.0],
  ['descaler', 12.5],
] as const;

export interface DemoFiles {
  customers: string;
  sales: string;
}

/** mulberry32: a tiny seeded PRNG; the same seed gives the same sequence everywhere. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

const digits = (random: () => number, n: number) =>
  Array.from({ length: n }, () => Math.floor(random() * 10)).join('');

function customerRows(random: () => number): { lines: string[]; regions: string[] } {
  const lines = ['customer_id,name,email,ssn,region'];
  const regions: string[] = [];
  for (let id = 1; id <= DEMO_CUSTOMERS; id++) {
    const first = pick(random, FIRST);
    const last = pick(random, LAST);
    const region = pick(random, REGIONS);
    regions.push(region);
    const ssn = `${digits(random, 3)}-${digits(random, 2)}-${digits(random, 4)}`;
    const email = `${first}.${last}${id}@example.com`.toLowerCase();
    lines.push(`${id},${first} ${last},${email},${ssn},${region}`);
  }
  return { lines, regions };
}

function saleRows(random: () => number, regions: string[]): string[] {
  const rows: string[] = [];
  const start = Date.UTC(2024, 0, 1);
  for (let i = 0; i < DEMO_SALES; i++) {
    const customer = 1 + Math.floor(random() * DEMO_CUSTOMERS);
    const [product, price] = pick(random, PRODUCTS);
    const quantity = 1 + Math.floor(random() * 3);
    // Every 47th row is a refund or a zero line, every 53rd lost its customer.
    const amount = i % 47 === 46 ? -price : i % 47 === 23 ? 0 : price * quantity;
    const soldAt = new Date(start + Math.floor(random() * 31 * 86_400) * 1000);
    const customerId = i % 53 === 52 ? '' : String(customer);
    rows.push(
      [
        100_001 + i,
        customerId,
        product,
        amount.toFixed(2),
        soldAt.toISOString().slice(0, 19).replace('T', ' '),
        regions[customer - 1],
      ].join(','),
    );
  }
  return [
    'order_id,customer_id,product,amount,sold_at,region',
    ...rows,
    ...rows.slice(0, DEMO_DUPLICATES),
  ];
}

/** Writes the export as two CSV files into `folder` and returns their paths. */
export async function writeDemoData(folder: string): Promise<DemoFiles> {
  await mkdir(folder, { recursive: true });
  const random = prng(SEED);
  const { lines, regions } = customerRows(random);
  const files = { customers: join(folder, 'customer_data.csv'), sales: join(folder, 'sales.csv') };
  await writeFile(files.customers, `${lines.join('\n')}\n`);
  await writeFile(files.sales, `${saleRows(random, regions).join('\n')}\n`);
  return files;
}
