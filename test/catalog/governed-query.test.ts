import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableIdent } from '../../src/catalog/index.js';
import type { Caller } from '../../src/governance/index.js';
import { failure } from '../failure.js';
import { governedHome, type GovernedHome } from './governed-home.js';

const customers: TableIdent = { namespace: ['bronze', 'crm'], name: 'customers' };
const revenue: TableIdent = { namespace: ['gold', 'revenue'], name: 'monthly' };
const CUSTOMERS = ['bronze', 'crm', 'customers'];

async function ndjson(source: AsyncIterable<string>): Promise<unknown[]> {
  let text = '';
  for await (const chunk of source) text += chunk;
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as unknown);
}

/** The brief's scenario: marketing reads gold.revenue only; a US analyst sees US rows, ssn masked. */
describe('governed queries', () => {
  let home: GovernedHome;
  let marketer: Caller;
  let analyst: Caller;
  let privileged: Caller;

  beforeAll(async () => {
    home = await governedHome();
    const { governed, policies } = home.services;
    await governed.createNamespace(home.admin, ['bronze', 'crm']);
    await governed.createNamespace(home.admin, ['gold', 'revenue']);
    await governed.createTable(home.admin, customers, {
      columns: [
        { name: 'id', type: 'long' },
        { name: 'name', type: 'string' },
        { name: 'region', type: 'string' },
        { name: 'ssn', type: 'string' },
      ],
    });
    await governed.createTable(home.admin, revenue, {
      columns: [
        { name: 'month', type: 'string' },
        { name: 'revenue', type: 'double' },
      ],
    });
    await home.append(
      customers,
      `SELECT * FROM (VALUES (1, 'Ann', 'US', '123-45-6789'), (2, 'Bob', 'EU', '987-65-4321'),
         (3, 'Cy', 'US', '555-12-3456')) t(id, name, region, ssn)`,
    );
    await home.append(
      revenue,
      `SELECT * FROM (VALUES ('2026-01', 100.0), ('2026-02', 120.0)) t(month, revenue)`,
    );
    marketer = await home.user('mia', ['marketing_team']);
    analyst = await home.user('ana', ['us_analysts']);
    privileged = await home.user('pat', ['privileged']);
    await home.grant(
      ['SELECT'],
      { kind: 'table', path: ['gold', 'revenue', 'monthly'] },
      'marketing_team',
    );
    await policies.createDataFilter(home.admin, {
      name: 'us_only',
      table: CUSTOMERS,
      rowPredicate: "region = 'US'",
      excludeColumns: ['name'],
      grantees: [{ kind: 'group', name: 'us_analysts' }],
    });
    await policies.setColumnMask(home.admin, {
      table: CUSTOMERS,
      column: 'ssn',
      function: 'MASK_SHOW_LAST_4',
      exempt: [{ kind: 'group', name: 'privileged' }],
    });
    await home.grant(['SELECT'], { kind: 'table', path: CUSTOMERS }, 'privileged');
  });

  afterAll(async () => {
    await home?.close();
  });

  it('marketing reads gold.revenue, and a table it may not see is not found', async () => {
    const { query } = home.services;
    const result = await query.execute(marketer, 'SELECT sum(revenue) FROM gold.revenue.monthly');
    expect(Number(result.rows[0]![0])).toBe(220);
    const hidden = await failure(query.execute(marketer, 'SELECT * FROM bronze.crm.customers'));
    const missing = await failure(query.execute(marketer, 'SELECT * FROM bronze.crm.nope'));
    expect([hidden.code, missing.code]).toEqual(['TABLE_NOT_FOUND', 'TABLE_NOT_FOUND']);
    expect(hidden.message).toBe(missing.message.replace('nope', 'customers'));
    // Smuggling it in through a CTE or a UNION changes nothing.
    const smuggled = await failure(
      query.execute(
        marketer,
        'WITH c AS (SELECT ssn AS v FROM bronze.crm.customers) SELECT month FROM gold.revenue.monthly UNION ALL SELECT v FROM c',
      ),
    );
    expect(smuggled.code).toBe('TABLE_NOT_FOUND');
  });

  it('DESCRIBE without SELECT is permission denied, with what is missing', async () => {
    await home.grant(['DESCRIBE'], { kind: 'table', path: CUSTOMERS }, 'marketing_team');
    const denied = await failure(
      home.services.query.execute(marketer, 'SELECT id FROM bronze.crm.customers'),
    );
    expect(denied.code).toBe('PERMISSION_DENIED');
    expect(denied.message).toContain('SELECT');
  });

  it('a filtered analyst sees only US rows, without the excluded column, with ssn masked everywhere', async () => {
    const { query } = home.services;
    const result = await query.execute(analyst, 'SELECT * FROM bronze.crm.customers ORDER BY id');
    expect(result.columns.map((c) => c.name)).toEqual(['id', 'region', 'ssn']);
    expect(result.rows.map((r) => [Number(r[0]), r[1]])).toEqual([
      [1, 'US'],
      [3, 'US'],
    ]);
    const ssns = result.rows.map((r) => String(r[2]));
    expect(ssns.every((s) => !s.startsWith('123') && !s.startsWith('555'))).toBe(true);
    expect(ssns.map((s) => s.slice(-4))).toEqual(['6789', '3456']);
    const probe = await query.execute(
      analyst,
      "SELECT count(*) FROM bronze.crm.customers WHERE ssn = '123-45-6789'",
    );
    expect(Number(probe.rows[0]![0])).toBe(0);
    const hiddenColumn = await failure(
      query.execute(analyst, 'SELECT name FROM bronze.crm.customers'),
    );
    expect(hiddenColumn.code).not.toBe('INTERNAL');
  });

  it('an exempt group sees the real ssn, and time travel follows today’s policy', async () => {
    const { query, catalog } = home.services;
    const result = await query.execute(
      privileged,
      'SELECT ssn FROM bronze.crm.customers ORDER BY id',
    );
    expect(result.rows.map((r) => r[0])).toEqual(['123-45-6789', '987-65-4321', '555-12-3456']);
    const first = (await catalog.loadTable(customers)).currentSnapshot()!['snapshot-id'];
    const old = await query.execute(
      analyst,
      `SELECT count(*) FROM bronze.crm.customers AT (VERSION => ${first})`,
    );
    expect(Number(old.rows[0]![0])).toBe(2);
  });

  it('streams and Parquet exports are governed and audited too', async () => {
    const { query } = home.services;
    const rows = await ndjson(
      query.stream(analyst, 'SELECT id, ssn FROM bronze.crm.customers ORDER BY id', 'ndjson'),
    );
    expect(rows).toHaveLength(2);
    const out = path.join(home.dir, 'us.parquet');
    const exported = await query.exportParquet(analyst, 'SELECT * FROM bronze.crm.customers', out);
    expect(exported.rows).toBe(2);
    expect(fs.existsSync(out)).toBe(true);
    const streamed = await failure(
      ndjson(query.stream(marketer, 'SELECT * FROM bronze.crm.customers', 'csv')),
    );
    expect(streamed.code).toBe('PERMISSION_DENIED');
    const events = await home.events('ana', 'query');
    const streamEvent = events.find((e) => e.queryText?.includes('SELECT id, ssn'));
    expect(streamEvent).toMatchObject({ decision: 'allow', rowsReturned: 2 });
    const exportEvent = events.find((e) => e.queryText === 'SELECT * FROM bronze.crm.customers');
    expect(exportEvent).toMatchObject({ decision: 'allow', rowsReturned: 2 });
  });

  it('every query is one audit event with its tables, snapshots, columns, filter and mask', async () => {
    const { query, catalog } = home.services;
    await query.execute(analyst, 'SELECT region, count(*) FROM bronze.crm.customers GROUP BY 1');
    const events = await home.events('ana', 'query');
    const event = events.find((e) => e.queryText?.includes('GROUP BY'))!;
    const snapshot = (await catalog.loadTable(customers)).currentSnapshot()!['snapshot-id'];
    expect(event).toMatchObject({
      decision: 'allow',
      resource: 'table:bronze.crm.customers',
      rowsReturned: 1,
      snapshots: [{ table: 'bronze.crm.customers', snapshotId: snapshot.toString() }],
      groups: expect.arrayContaining(['us_analysts']),
      channel: 'api',
    });
    expect(event.columns).toEqual([
      'bronze.crm.customers.id',
      'bronze.crm.customers.region',
      'bronze.crm.customers.ssn',
    ]);
    expect(event.policies.filters).toEqual(['us_only']);
    expect(event.policies.masks.join(' ')).toContain('ssn');
    expect(event.durationMs).toBeGreaterThanOrEqual(0);

    const denied = (await home.events('mia', 'query')).filter((e) => e.decision === 'deny');
    expect(denied.map((e) => [e.resource, e.reason])).toEqual(
      expect.arrayContaining([
        ['table:bronze.crm.customers', 'TABLE_NOT_FOUND'],
        ['table:bronze.crm.customers', 'PERMISSION_DENIED'],
      ]),
    );
    const bypass = await failure(query.execute(analyst, "SELECT * FROM read_csv('/etc/passwd')"));
    const refused = (await home.events('ana', 'query')).find((e) =>
      e.queryText?.includes('read_csv'),
    );
    expect(refused).toMatchObject({ decision: 'deny', reason: bypass.code });
  });

  it('system.audit is for holders of READ_AUDIT, and reading it is audited', async () => {
    const { query } = home.services;
    const denied = await failure(query.execute(analyst, 'SELECT count(*) FROM system.audit'));
    expect(denied.code).toBe('PERMISSION_DENIED');
    const result = await query.execute(
      home.admin,
      "SELECT count(*) FROM system.audit WHERE action = 'query'",
    );
    expect(Number(result.rows[0]![0])).toBeGreaterThan(5);
    const reads = await home.events('admin', 'query');
    expect(reads.at(-1)).toMatchObject({ decision: 'allow', resource: 'table:system.audit' });
  });
});
