import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawDuckdb, sqlList } from './baseline.js';
import { generateRetailCopies, retailFiles } from './datasets.js';
import { freshLakehouse } from './lakehouse.js';
import { RULESET } from './quality.bench.js';
import { appendQuery, openSession } from '../src/engine/index.js';
import type { TableIdent } from '../src/catalog/index.js';

const lake = await freshLakehouse();
const { services, admin } = lake;
const copies = Number(process.env.COPIES ?? 0);
await services.governed.createNamespace(admin, ['silver', 'bench']);
const table: TableIdent = { namespace: ['silver', 'bench'], name: 'sales' };
await services.governed.createTable(admin, table, { columns: [
  { name: 'invoice_no', type: 'string' }, { name: 'stock_code', type: 'string' },
  { name: 'description', type: 'string' }, { name: 'quantity', type: 'int' },
  { name: 'invoice_date', type: 'timestamp' }, { name: 'unit_price', type: 'double' },
  { name: 'customer_id', type: 'long' }, { name: 'country', type: 'string' } ] });
const scratch = join(tmpdir(), `qprof-${process.pid}`); mkdirSync(scratch, { recursive: true });
const csvFiles = copies > 0 ? await generateRetailCopies(scratch, copies) : retailFiles();
const tempDir = join(lake.home, 'tmp');
const session = await openSession({ memoryLimit: '2GB', tempDir });
const csv = `read_csv(${sqlList(csvFiles)}, header = true, types = {'InvoiceNo': 'VARCHAR', 'StockCode': 'VARCHAR', 'CustomerID': 'DOUBLE', 'InvoiceDate': 'TIMESTAMP'})`;
await appendQuery(session, await services.catalog.loadTable(table),
  `SELECT InvoiceNo AS invoice_no, StockCode AS stock_code, Description AS description, Quantity::INTEGER AS quantity, InvoiceDate AS invoice_date, UnitPrice::DOUBLE AS unit_price, CustomerID::BIGINT AS customer_id, Country AS country FROM ${csv}`,
  { tempDir, targetFileSizeBytes: 128 * 1024 * 1024 });
session.close();
const resolved = await services.catalog.resolver().resolve({ parts: ['silver', 'bench', 'sales'] });
const files = [...resolved.dataFiles, ...(resolved.namedFiles ?? [])];

const q = services.query as any;
const orig = q.execute.bind(q);
let log: string[] = [];
q.execute = async (c: any, sql: string, o: any) => {
  const t = performance.now();
  const r = await orig(c, sql, o);
  log.push(`${(performance.now() - t).toFixed(0)} ms (engine ${r.elapsedMs}): ${process.env.SQL ? sql : sql.slice(0, 120)}`);
  return r;
};
const eng = q.engine as any;
const proto = Object.getPrototypeOf(eng);
for (const name of ['open', 'finish']) {
  const f = proto[name];
  proto[name] = async function (...a: any[]) { const t = performance.now(); const r = await f.apply(this, a); log.push(`  ${name} ${(performance.now() - t).toFixed(1)} ms`); if (name === 'open' && process.env.VIEWS) log.push(r.compiled.views.join('\n')); return r; };
}
for (let i = 0; i < 4; i++) {
  log = [];
  const t = performance.now();
  await services.quality.evaluate(admin, table, { text: RULESET });
  console.log(`evaluate ${(performance.now() - t).toFixed(0)} ms`);
  console.log(log.join('\n'));
}
const baseline = (await import('./quality.bench.js')) as any;
await rawDuckdb(async (run) => {
  for (const extra of (process.env.RAW ?? '').split('|||').filter(Boolean)) {
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await run(extra.replaceAll('TBL', `read_parquet(${sqlList(files)})`));
      console.log(`raw ${(performance.now() - t).toFixed(0)} ms: ${extra.slice(0, 100)}`);
    }
  }
});
await services.close();
rmSync(scratch, { recursive: true, force: true });
rmSync(lake.home, { recursive: true, force: true });
