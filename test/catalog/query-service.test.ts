import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, initHome, type Services } from '../../src/app.js';
import type { Caller } from '../../src/governance/index.js';
import { appendQuery, openSession } from '../../src/engine/index.js';
import { LakewardError } from '../../src/errors/index.js';

describe('QueryService over the catalog', () => {
  let dir: string;
  let services: Services;
  let admin: Caller;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lakeward-query-'));
    const { config } = await initHome({ home: dir, env: {} });
    services = await createServices(config);
    admin = { principal: await services.auth.localAdmin(), context: { channel: 'cli' } };
    const { catalog } = services;
    await catalog.createNamespace(['bronze', 'retail']);
    await catalog.createNamespace(['silver', 'retail']);
    const invoices = { namespace: ['bronze', 'retail'], name: 'invoices' };
    const customers = { namespace: ['silver', 'retail'], name: 'customers' };
    await catalog.createTable(invoices, {
      columns: [
        { name: 'invoice_no', type: 'string' },
        { name: 'customer_id', type: 'long' },
        { name: 'amount', type: 'double' },
      ],
    });
    await catalog.createTable(customers, {
      columns: [
        { name: 'customer_id', type: 'long' },
        { name: 'country', type: 'string' },
      ],
    });
    const session = await openSession({ memoryLimit: '256MB', tempDir: path.join(dir, 'tmp') });
    const write = { tempDir: path.join(dir, 'tmp'), targetFileSizeBytes: 1024 ** 2 };
    try {
      await appendQuery(
        session,
        await catalog.loadTable(invoices),
        `SELECT * FROM (VALUES ('A1', 1, 10.0), ('A2', 2, 5.5), ('A3', 1, 2.5))
           t(invoice_no, customer_id, amount)`,
        write,
      );
      await appendQuery(
        session,
        await catalog.loadTable(customers),
        `SELECT * FROM (VALUES (1, 'France'), (2, 'Japan')) t(customer_id, country)`,
        write,
      );
    } finally {
      session.close();
    }
  });

  afterAll(async () => {
    await services?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('joins a bronze and a silver table by their catalog names', async () => {
    const result = await services.query.execute(
      admin,
      `SELECT c.country, sum(i.amount) AS total
         FROM bronze.retail.invoices i JOIN silver.retail.customers c USING (customer_id)
        GROUP BY c.country ORDER BY c.country`,
    );
    expect(result.columns.map((c) => c.name)).toEqual(['country', 'total']);
    expect(result.rows).toEqual([
      ['France', 12.5],
      ['Japan', 5.5],
    ]);
    expect(result.tablesRead.map((r) => r.name).sort()).toEqual([
      'bronze.retail.invoices',
      'silver.retail.customers',
    ]);
  });

  it('streams CSV and exports Parquet through the same resolver', async () => {
    let csv = '';
    for await (const chunk of services.query.stream(
      admin,
      'SELECT invoice_no FROM bronze.retail.invoices ORDER BY invoice_no',
      'csv',
    )) {
      csv += chunk;
    }
    expect(csv.trim().split(/\r?\n/)).toEqual(['invoice_no', 'A1', 'A2', 'A3']);
    const out = path.join(dir, 'out.parquet');
    const exported = await services.query.exportParquet(
      admin,
      'SELECT * FROM silver.retail.customers',
      out,
    );
    expect(exported.rows).toBe(2);
    expect(fs.statSync(out).size).toBeGreaterThan(0);
  });

  it('applies the configured row limit and reports unknown tables with a hint', async () => {
    const limited = await services.query.execute(admin, 'SELECT * FROM bronze.retail.invoices', {
      maxRows: 2,
    });
    expect(limited).toMatchObject({ rowCount: 2, truncated: true });
    const err = await services.query
      .execute(admin, 'SELECT * FROM bronze.retail.nope')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LakewardError);
    expect((err as LakewardError).code).toBe('TABLE_NOT_FOUND');
    expect((err as LakewardError).hint).toBe('lakeward table list bronze.retail');
  });

  it('reads an earlier snapshot with AT (VERSION => id)', async () => {
    const customers = { namespace: ['silver', 'retail'], name: 'customers' };
    const before = (await services.catalog.loadTable(customers)).currentSnapshot()!;
    const session = await openSession({ memoryLimit: '256MB', tempDir: path.join(dir, 'tmp') });
    try {
      await appendQuery(
        session,
        await services.catalog.loadTable(customers),
        `SELECT 3::BIGINT AS customer_id, 'Chile' AS country`,
        { tempDir: path.join(dir, 'tmp'), targetFileSizeBytes: 1024 ** 2 },
      );
    } finally {
      session.close();
    }
    const now = await services.query.execute(admin, 'SELECT count(*) FROM silver.retail.customers');
    const then = await services.query.execute(
      admin,
      `SELECT count(*) FROM silver.retail.customers AT (VERSION => ${before['snapshot-id']})`,
    );
    expect(Number(now.rows[0]![0])).toBe(3);
    expect(Number(then.rows[0]![0])).toBe(2);
    expect(then.tablesRead[0]!.snapshotId).toBe(before['snapshot-id'].toString());
  });
});
