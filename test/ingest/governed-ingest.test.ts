import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTableName } from '../../src/catalog/index.js';
import type { Caller } from '../../src/governance/index.js';
import { governedHome, type GovernedHome } from '../catalog/governed-home.js';
import { failure } from '../failure.js';

const invoices = parseTableName('bronze.retail.invoices');
const INVOICES = ['bronze', 'retail', 'invoices'];

describe('governed ingest', () => {
  let home: GovernedHome;
  let loader: Caller;
  let day1: string;
  let day2: string;

  beforeAll(async () => {
    home = await governedHome();
    day1 = path.join(home.dir, 'day1.csv');
    day2 = path.join(home.dir, 'day2.csv');
    fs.writeFileSync(day1, 'invoice_no,amount\nA1,10.5\nA2,3\n');
    fs.writeFileSync(day2, 'invoice_no,amount\nB1,7.5\n');
    await home.services.ingest.ingest(home.admin, { table: invoices, paths: [day1] });
    loader = await home.user('lou', ['loaders']);
  });

  afterAll(async () => {
    await home?.close();
  });

  it('refuses a load without INSERT, and writes nothing', async () => {
    const { ingest, catalog } = home.services;
    const hidden = await failure(ingest.ingest(loader, { table: invoices, paths: [day2] }));
    expect(hidden.code).toBe('TABLE_NOT_FOUND');
    await home.grant(['SELECT'], { kind: 'table', path: INVOICES }, 'loaders');
    const denied = await failure(ingest.ingest(loader, { table: invoices, paths: [day2] }));
    expect(denied.code).toBe('PERMISSION_DENIED');
    expect(denied.message).toContain('INSERT');
    expect((await catalog.describeTable(invoices)).recordCount).toBe(2);
    const events = await home.events('lou', 'ingest');
    expect(events.map((e) => [e.resource, e.decision, e.reason])).toEqual([
      ['table:bronze.retail.invoices', 'deny', 'TABLE_NOT_FOUND'],
      ['table:bronze.retail.invoices', 'deny', 'PERMISSION_DENIED'],
    ]);
  });

  it('appends with INSERT; an overwrite also needs MODIFY', async () => {
    const { ingest, catalog } = home.services;
    await home.grant(['INSERT'], { kind: 'table', path: INVOICES }, 'loaders');
    const summary = await ingest.ingest(loader, { table: invoices, paths: [day2] });
    expect(summary.rowsWritten).toBe(1);
    const overwrite = { table: invoices, paths: [day1], mode: 'overwrite' as const };
    expect((await failure(ingest.ingest(loader, overwrite))).code).toBe('PERMISSION_DENIED');
    expect((await catalog.describeTable(invoices)).recordCount).toBe(3);
    const [allowed] = (await home.events('lou', 'ingest')).filter((e) => e.decision === 'allow');
    expect(allowed).toMatchObject({
      snapshots: [{ table: 'bronze.retail.invoices', snapshotId: summary.snapshotId }],
    });
    expect(allowed!.reason).toContain('1 rows written');
  });

  it('an overwrite by a condition needs a read of the whole table, not one through a data filter', async () => {
    const { ingest, catalog, policies } = home.services;
    const a1 = path.join(home.dir, 'a1.csv');
    fs.writeFileSync(a1, 'invoice_no,amount\nA1,11.5\n');
    const replaceA1 = {
      table: invoices,
      paths: [a1],
      mode: 'overwrite' as const,
      where: "invoice_no = 'A1'",
    };
    const rita = await home.user('rita');
    await policies.createDataFilter(home.admin, {
      name: 'small_amounts',
      table: INVOICES,
      rowPredicate: 'amount < 5',
      grantees: [{ kind: 'principal', name: 'rita' }],
    });
    await home.grant(['INSERT', 'MODIFY'], { kind: 'table', path: INVOICES }, rita);
    const before = (await catalog.describeTable(invoices)).recordCount;
    const denied = await failure(ingest.ingest(rita, replaceA1));
    expect(denied.code).toBe('PERMISSION_DENIED');
    expect(denied.message).toContain('Replacing rows by a condition');
    expect(denied.message).toContain('data filter small_amounts');
    expect(denied.hint).toContain('An overwrite without where');
    expect((await catalog.describeTable(invoices)).recordCount).toBe(before);
    const [event] = await home.events('rita', 'ingest');
    expect(event).toMatchObject({ decision: 'deny', reason: 'PERMISSION_DENIED' });

    await home.grant(['MODIFY'], { kind: 'table', path: INVOICES }, 'loaders');
    const summary = await ingest.ingest(loader, replaceA1);
    expect(summary.rowsWritten).toBe(1);
    expect((await catalog.describeTable(invoices)).recordCount).toBe(before);
  });

  it('a new table needs CREATE_TABLE, or CREATE_NAMESPACE where its namespace is missing; the loader owns both', async () => {
    const { ingest, governed } = home.services;
    const pos = parseTableName('bronze.pos.sales');
    expect((await failure(ingest.ingest(loader, { table: pos, paths: [day1] }))).code).toBe(
      'PERMISSION_DENIED',
    );
    await home.grant(['CREATE_NAMESPACE'], { kind: 'namespace', path: ['bronze'] }, 'loaders');
    const summary = await ingest.ingest(loader, { table: pos, paths: [day1] });
    expect(summary.createdTable).toBe(true);
    const described = await governed.describeTable(loader, pos);
    expect(described.owner).toBe('lou');
    expect((await governed.describeNamespace(loader, ['bronze', 'pos'])).owner).toBe('lou');
    const more = await ingest.ingest(loader, { table: pos, paths: [day2] });
    expect(more.rowsWritten).toBe(1);
  });
});
