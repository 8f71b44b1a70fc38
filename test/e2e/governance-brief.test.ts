import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectErrorJson } from '../server/temp-server.js';
import { CUSTOMERS_CSV, GovernedApi, RAW_SSNS, US_IDS, rowsOf } from './governed-api.js';

/**
 * The architecture brief, end to end over HTTP with real tokens: marketing reads
 * gold.revenue and nothing else; a US analyst sees US customers with ssn masked
 * wherever she uses it; HR sees ssn; and the audit log shows each request with the
 * filter and mask it got.
 */
const DAYS = ['2010-12-01', '2010-12-02', '2011-01-04', '2011-01-05'].map((day) =>
  resolve(`../shared/data/retail/by-day/${day}.csv`),
);
const CUSTOMERS = 'bronze.crm.customer_data';
const REVENUE = 'gold.revenue.monthly';

let api: GovernedApi;
let mia: string;
let ana: string;
let pat: string;
/** Request ids of the calls whose audit events the last test looks for. */
const watched: { requestId: string; principal: string; filters: string[]; masked: boolean }[] = [];

function watch(
  answer: { requestId: string },
  principal: string,
  policies: { filters?: string[]; masked?: boolean } = {},
): void {
  watched.push({
    requestId: answer.requestId,
    principal,
    filters: policies.filters ?? [],
    masked: policies.masked ?? false,
  });
}

beforeAll(async () => {
  api = await GovernedApi.start();
  for (const namespace of ['bronze.crm', 'gold.revenue', 'gold.finance']) {
    await api.admin('POST', '/namespaces', { name: namespace });
  }
  await api.admin('POST', '/tables', {
    name: REVENUE,
    columns: [
      { name: 'month', type: 'string' },
      { name: 'revenue', type: 'double' },
      { name: 'invoices', type: 'long' },
    ],
  });
  await api.admin('POST', '/tables', {
    name: 'gold.finance.payroll',
    columns: [{ name: 'amount', type: 'double' }],
  });
  const files = DAYS.map((f) => `'${f}'`).join(', ');
  await api.appendAsJob(
    REVENUE,
    `SELECT strftime(InvoiceDate, '%Y-%m') AS month,
            round(sum(Quantity * UnitPrice), 2) AS revenue,
            count(DISTINCT InvoiceNo) AS invoices
       FROM read_csv([${files}], header = true) GROUP BY 1`,
  );
  await api.ingestCsv(CUSTOMERS, 'customers.csv', CUSTOMERS_CSV);

  mia = (await api.user('mia', ['marketing_team'])).token;
  ana = (await api.user('ana', ['us_analysts'])).token;
  pat = (await api.user('pat', ['hr_privileged'])).token;

  const marketing = { kind: 'group', name: 'marketing_team' } as const;
  await api.grant(['USAGE'], { kind: 'namespace', name: 'gold' }, marketing);
  await api.grant(['USAGE', 'SELECT'], { kind: 'namespace', name: 'gold.revenue' }, marketing);

  for (const group of ['us_analysts', 'hr_privileged']) {
    for (const namespace of ['bronze', 'bronze.crm']) {
      await api.grant(
        ['USAGE'],
        { kind: 'namespace', name: namespace },
        { kind: 'group', name: group },
      );
    }
  }
  // The analyst reads through her filter only: no SELECT on the whole table.
  await api.grant(
    ['DESCRIBE'],
    { kind: 'table', name: CUSTOMERS },
    { kind: 'group', name: 'us_analysts' },
  );
  await api.admin('POST', '/data-filters', {
    name: 'us_only',
    table: CUSTOMERS,
    rowPredicate: "region = 'US'",
    grantees: [{ kind: 'group', name: 'us_analysts' }],
  });
  await api.admin('PUT', '/column-masks', {
    table: CUSTOMERS,
    column: 'ssn',
    function: 'MASK_SHOW_LAST_4',
    exempt: [{ kind: 'group', name: 'hr_privileged' }],
  });
  await api.grant(['SELECT'], { kind: 'table', name: CUSTOMERS }, { kind: 'user', name: 'pat' });
});

afterAll(async () => {
  await api?.close();
});

describe('marketing_team reads gold.revenue and nothing else', () => {
  it('mia selects the monthly revenue built from the retail data', async () => {
    const answer = await api.query(
      mia,
      `SELECT month, revenue, invoices FROM ${REVENUE} ORDER BY month`,
    );
    watch(answer, 'mia');
    const rows = rowsOf(answer);
    expect(rows.map((r) => r[0])).toEqual(['2010-12', '2011-01']);
    for (const row of rows) {
      expect(Number(row[1])).toBeGreaterThan(1000);
      expect(Number(row[2])).toBeGreaterThan(10);
    }
  });

  it('a table she may not see is not found, worded like one that does not exist', async () => {
    const hidden = await api.query(mia, `SELECT * FROM ${CUSTOMERS}`);
    watch(hidden, 'mia');
    const missing = await api.query(mia, 'SELECT * FROM bronze.crm.no_such_table');
    watch(missing, 'mia');
    const payroll = await api.query(mia, 'SELECT * FROM gold.finance.payroll');
    watch(payroll, 'mia');
    const hiddenError = expectErrorJson(hidden, 404, 'TABLE_NOT_FOUND');
    const missingError = expectErrorJson(missing, 404, 'TABLE_NOT_FOUND');
    expectErrorJson(payroll, 404, 'TABLE_NOT_FOUND');
    expect(hiddenError.message).toBe(
      missingError.message.replace('no_such_table', 'customer_data'),
    );
    expect(hiddenError.hint).toBe(
      missingError.hint?.replace('no_such_table', 'customer_data') ?? null,
    );
    for (const body of [hidden.body, payroll.body]) {
      for (const ssn of RAW_SSNS) expect(body).not.toContain(ssn);
    }
    // Nor through the table API.
    const described = await api.call('GET', `/tables/${CUSTOMERS}`, { token: mia });
    watch(described, 'mia');
    expectErrorJson(described, 404, 'TABLE_NOT_FOUND');
  });

  it('listings show only what she may DESCRIBE', async () => {
    const top = await api.call('GET', '/namespaces?parent=gold', { token: mia });
    watch(top, 'mia');
    expect(top.statusCode, top.body).toBe(200);
    const names = (top.json() as { namespaces: { name: string }[] }).namespaces.map((n) => n.name);
    expect(names.join(' ')).toContain('revenue');
    expect(names.join(' ')).not.toContain('finance');
    const tables = await api.call('GET', '/namespaces/gold.revenue/tables', { token: mia });
    watch(tables, 'mia');
    expect(tables.statusCode, tables.body).toBe(200);
    expect(
      (tables.json() as { tables: { fullName: string }[] }).tables.map((t) => t.fullName),
    ).toEqual([REVENUE]);
    const crm = await api.call('GET', '/namespaces/bronze.crm/tables', { token: mia });
    watch(crm, 'mia');
    if (crm.statusCode === 200) {
      expect((crm.json() as { tables: unknown[] }).tables).toEqual([]);
    } else {
      expectErrorJson(crm, 404, 'NAMESPACE_NOT_FOUND');
    }
    expect(crm.body).not.toContain('customer_data');
  });
});

describe('a US analyst sees US rows with ssn masked; HR sees ssn', () => {
  it('ana gets only region US, and ssn shows its last four digits only', async () => {
    const answer = await api.query(
      ana,
      `SELECT id, name, region, ssn FROM ${CUSTOMERS} ORDER BY id`,
    );
    watch(answer, 'ana', { filters: ['us_only'], masked: true });
    const rows = rowsOf(answer);
    expect(rows.map((r) => Number(r[0]))).toEqual(US_IDS);
    expect(rows.every((r) => r[2] === 'US')).toBe(true);
    const ssns = rows.map((r) => String(r[3]));
    expect(ssns.map((s) => s.slice(-4))).toEqual(['6789', '3456']);
    for (const ssn of RAW_SSNS) expect(answer.body).not.toContain(ssn);
    expect(answer.body).not.toContain('Bob Roy');
  });

  it('she cannot recover ssn by filtering, grouping or joining on it', async () => {
    const probe = await api.query(
      ana,
      `SELECT id FROM ${CUSTOMERS} WHERE ssn = '123-45-6789' OR ssn LIKE '555-%'`,
    );
    watch(probe, 'ana', { filters: ['us_only'], masked: true });
    expect(rowsOf(probe)).toEqual([]);

    const grouped = await api.query(ana, `SELECT ssn, count(*) FROM ${CUSTOMERS} GROUP BY ssn`);
    watch(grouped, 'ana', { filters: ['us_only'], masked: true });
    expect(rowsOf(grouped)).toHaveLength(2);
    for (const ssn of RAW_SSNS) expect(grouped.body).not.toContain(ssn);

    const joined = await api.query(
      ana,
      `SELECT c.id FROM ${CUSTOMERS} c
         JOIN (VALUES ('123-45-6789'), ('555-12-3456')) AS known(ssn) ON c.ssn = known.ssn`,
    );
    watch(joined, 'ana', { filters: ['us_only'], masked: true });
    expect(rowsOf(joined)).toEqual([]);

    const prefix = await api.query(
      ana,
      `SELECT count(*) FROM ${CUSTOMERS} WHERE substr(ssn, 1, 3) IN ('123', '555')`,
    );
    watch(prefix, 'ana', { filters: ['us_only'], masked: true });
    expect(Number(rowsOf(prefix)[0]![0])).toBe(0);
  });

  it('pat, exempt from the mask, sees the real ssn of every row', async () => {
    const answer = await api.query(pat, `SELECT ssn FROM ${CUSTOMERS} ORDER BY id`);
    watch(answer, 'pat');
    expect(rowsOf(answer).map((r) => r[0])).toEqual(RAW_SSNS);
    const found = await api.query(pat, `SELECT id FROM ${CUSTOMERS} WHERE ssn = '123-45-6789'`);
    watch(found, 'pat');
    expect(rowsOf(found).map((r) => Number(r[0]))).toEqual([1]);
  });
});

describe('the audit log', () => {
  it('has every one of those requests, with principal, decision, filter and mask', async () => {
    const events = await api.audit();
    for (const call of watched) {
      const mine = events.filter((e) => e.requestId === call.requestId);
      expect(mine.length, `no audit event for ${call.requestId}`).toBeGreaterThan(0);
      for (const event of mine) expect(event.principal?.name).toBe(call.principal);
      const http = mine.find((e) => e.action.startsWith('http '));
      expect(http, `no API event for ${call.requestId}`).toBeDefined();
      const query = mine.find((e) => e.action === 'query');
      if (query === undefined) continue;
      // The SQL is kept with its literals redacted: no SSN a caller typed is stored.
      expect(query.queryText).toMatch(/select/i);
      for (const ssn of RAW_SSNS) expect(query.queryText).not.toContain(ssn);
      expect(query.querySha256).toMatch(/^[0-9a-f]{64}$/);
      if (query.decision === 'allow') {
        expect(query.policies.filters, call.requestId).toEqual(call.filters);
        if (call.masked) expect(query.policies.masks.join(' '), call.requestId).toContain('ssn');
        else expect(query.policies.masks, call.requestId).toEqual([]);
      }
    }
    const denied = events.filter(
      (e) => e.action === 'query' && e.principal?.name === 'mia' && e.decision === 'deny',
    );
    expect(denied.map((e) => [e.resource, e.reason])).toEqual(
      expect.arrayContaining([
        [`table:${CUSTOMERS}`, 'TABLE_NOT_FOUND'],
        ['table:gold.finance.payroll', 'TABLE_NOT_FOUND'],
      ]),
    );
    const anaQueries = events.filter((e) => e.action === 'query' && e.principal?.name === 'ana');
    expect(anaQueries.every((e) => e.groups.includes('us_analysts'))).toBe(true);
    // Literals are redacted: the ssn ana probed for is not written into the log.
    for (const event of anaQueries) expect(event.queryText).not.toContain('123-45-6789');
  });

  it('verifies', async () => {
    const verified = await api.admin<{ ok: boolean; checked: number }>('POST', '/audit/verify');
    expect(verified.ok).toBe(true);
    expect(verified.checked).toBeGreaterThan(watched.length);
  });
});
