import { expect } from 'vitest';
import { rowsOf, type Answer, type GovernedApi } from './governed-api.js';

/**
 * The bypass battery: each attempt an analyst (ana) might make to read past her filter
 * and mask or to reach a table she was never granted, with what the answer must be.
 */
export const CUSTOMERS = 'bronze.crm.customer_data';
export const SECRETS = 'bronze.crm.secrets';
export const LEADS = 'bronze.crm.leads';
/** The value planted in SECRETS that no answer to ana may carry. */
export const SECRET = 'PLANTED-SECRET-4711';

/** What a refused attempt must answer. */
export interface Refusal {
  status: number;
  code: string;
  /** Words the message must contain to help the user. */
  says: RegExp;
}

export interface Attempt {
  name: string;
  send: () => Promise<Answer & { requestId: string }>;
  /** A refusal, or for the masked column: a check that the answer hides what it must. */
  expect: Refusal | ((answer: Answer) => void);
  /** The SQL sent, when the attempt is a query by ana. */
  sql?: string;
  /** A call to another route than /query: its API event is what the audit log must show. */
  api?: boolean;
  /** Audited as an unauthenticated API call (bad tokens) rather than as ana's query. */
  anonymous?: boolean;
}

/** Where the attempts aim: ana's token, a data file of CUSTOMERS, a snapshot of LEADS she lost. */
export interface Target {
  api: GovernedApi;
  ana: string;
  dataFile: string;
  snapshotBeforeRevoke: string;
}

const denied = (code: string, says: RegExp, status = 400): Refusal => ({ status, code, says });
const notFound = (says = /not found|does not exist|no table/i): Refusal => ({
  status: 404,
  code: 'TABLE_NOT_FOUND',
  says,
});

/** Masked results: no raw ssn, nothing outside region US. */
function masked(check: (rows: unknown[][]) => void = () => undefined) {
  return (answer: Answer): void => {
    const rows = rowsOf(answer);
    check(rows);
    expect(answer.body).not.toContain('EU');
    expect(answer.body).not.toContain('APAC');
  };
}

/** Names and e-mails of the rows the filter hides (regions EU and APAC). */
const HIDDEN_CELLS = ['Bob Roy', 'Dee Moss', 'Eve Tan', 'bob@', 'dee@', 'eve@'];

/**
 * A query that makes DuckDB fail on a value (a bad cast, error()): answered or refused,
 * the message must not carry a cell of a row the filter hides.
 */
function hiddenRowsStayHidden(answer: Answer): void {
  expect([200, 400]).toContain(answer.statusCode);
  for (const cell of HIDDEN_CELLS) expect(answer.body).not.toContain(cell);
}

export function bypassAttempts({ api, ana, dataFile, snapshotBeforeRevoke }: Target): Attempt[] {
  const attempts: Attempt[] = [];
  function attempt(name: string, sql: string, expected: Attempt['expect']): void {
    attempts.push({
      name,
      sql,
      send: () => api.query(ana, sql, api.nextRequestId(name)),
      expect: expected,
    });
  }

  /** A call to the admin API with ana's token, for what she may not change or see. */
  function apiAttempt(
    name: string,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    expected: Refusal,
    payload?: object,
  ): void {
    attempts.push({
      name,
      send: () =>
        api.call(method, url, {
          token: ana,
          requestId: api.nextRequestId(name),
          ...(payload === undefined ? {} : { payload }),
        }),
      expect: expected,
      api: true,
    });
  }
  function tokenAttempt(
    name: string,
    tokenOf: () => Promise<string>,
    code: string,
    says: RegExp,
  ): Attempt {
    return {
      name,
      send: async () =>
        api.query(await tokenOf(), `SELECT * FROM ${CUSTOMERS}`, api.nextRequestId(name)),
      expect: denied(code, says, 401),
      anonymous: true,
    };
  }

  const fn = (name: string) => denied('TABLE_FUNCTION_NOT_ALLOWED', new RegExp(`${name}\\(\\)`));
  const scalar = (name: string) => denied('FUNCTION_NOT_ALLOWED', new RegExp(`${name}\\(\\)`));
  const statement = denied('STATEMENT_NOT_ALLOWED', /not allowed|only one is allowed/);
  // A path or a two-part name is no catalog table; the answer says how to name one.
  const unqualified = denied('INVALID_TABLE_REFERENCE', /must be named in full/);

  // Files and the host.
  attempt('read_csv /etc/passwd', "SELECT * FROM read_csv('/etc/passwd')", fn('read_csv'));
  attempt('read_csv_auto', "SELECT * FROM read_csv_auto('/etc/passwd')", fn('read_csv_auto'));
  attempt('read_text', "SELECT * FROM read_text('/etc/passwd')", fn('read_text'));
  attempt('replacement scan of a path', "SELECT * FROM '/etc/passwd'", unqualified);
  attempt(
    'read_parquet own data file',
    `SELECT * FROM read_parquet('${dataFile}')`,
    fn('read_parquet'),
  );
  attempt('replacement scan own data file', `SELECT * FROM '${dataFile}'`, unqualified);
  attempt(
    'parquet_metadata',
    `SELECT * FROM parquet_metadata('${dataFile}')`,
    fn('parquet_metadata'),
  );
  attempt('glob', "SELECT * FROM glob('/etc/*')", fn('glob'));
  attempt('sniff_csv', "SELECT * FROM sniff_csv('/etc/passwd')", fn('sniff_csv'));
  attempt('query()', `SELECT * FROM query('SELECT * FROM ${SECRETS}')`, fn('query'));
  attempt('getenv', "SELECT getenv('HOME')", scalar('getenv'));
  attempt('current_setting', "SELECT current_setting('memory_limit')", scalar('current_setting'));
  attempt('pg_get_viewdef', "SELECT pg_get_viewdef('customer_data')", scalar('pg_get_viewdef'));
  // Statements other than one SELECT.
  attempt('ATTACH', "ATTACH '/tmp/evil.duckdb' AS evil", statement);
  attempt('COPY TO', `COPY (SELECT * FROM ${CUSTOMERS}) TO '/tmp/out.csv'`, statement);
  attempt('EXPORT DATABASE', "EXPORT DATABASE '/tmp/dump'", statement);
  attempt('INSTALL', 'INSTALL httpfs', statement);
  attempt('LOAD', 'LOAD httpfs', statement);
  attempt('SET', 'SET enable_external_access = true', statement);
  attempt('RESET', 'RESET memory_limit', statement);
  attempt('PRAGMA', 'PRAGMA database_list', statement);
  attempt('CALL', 'CALL pragma_version()', statement);
  attempt('CREATE TABLE AS', `CREATE TABLE copy AS SELECT * FROM ${CUSTOMERS}`, statement);
  attempt('DESCRIBE', `DESCRIBE ${SECRETS}`, statement);
  attempt('SUMMARIZE', `SUMMARIZE ${CUSTOMERS}`, statement);
  attempt('two statements', `SELECT 1; SELECT * FROM ${SECRETS}`, statement);
  attempt('statement after a comment', 'SELECT 1 -- harmless\n; DROP TABLE x', statement);
  attempt('statement inside a block comment end', "SELECT 1 /* */; ATTACH 'x' AS y", statement);
  // DuckDB's own catalog.
  attempt('duckdb_settings()', 'SELECT * FROM duckdb_settings()', fn('duckdb_settings'));
  attempt('duckdb_tables()', 'SELECT * FROM duckdb_tables()', fn('duckdb_tables'));
  attempt('information_schema', 'SELECT * FROM information_schema.tables', unqualified);
  attempt('system.audit without READ_AUDIT', 'SELECT * FROM system.audit', {
    status: 403,
    code: 'PERMISSION_DENIED',
    says: /READ_AUDIT/,
  });
  // The ungranted table, smuggled in.
  attempt('plain', `SELECT * FROM ${SECRETS}`, notFound());
  attempt('CTE', `WITH s AS (SELECT * FROM ${SECRETS}) SELECT * FROM s`, notFound());
  attempt(
    'subquery in WHERE',
    `SELECT id FROM ${CUSTOMERS} WHERE id IN (SELECT id FROM ${SECRETS})`,
    notFound(),
  );
  attempt('scalar subquery', `SELECT (SELECT max(secret) FROM ${SECRETS}) AS s`, notFound());
  attempt(
    'UNION',
    `SELECT name FROM ${CUSTOMERS} UNION ALL SELECT secret FROM ${SECRETS}`,
    notFound(),
  );
  attempt(
    'LATERAL',
    `SELECT * FROM ${CUSTOMERS} c, LATERAL (SELECT secret FROM ${SECRETS} s WHERE s.id = c.id) l`,
    notFound(),
  );
  attempt('comma join', `SELECT * FROM ${CUSTOMERS}, ${SECRETS}`, notFound());
  attempt('upper case', 'SELECT * FROM BRONZE.CRM.SECRETS', notFound());
  attempt('quoted parts', 'SELECT * FROM "bronze"."crm"."SeCrEtS"', notFound());
  attempt('comment inside the name', 'SELECT * FROM bronze.crm./* x */secrets', notFound());
  attempt('one quoted dotted name', `SELECT * FROM "${SECRETS}"`, unqualified);
  attempt(
    'CTE named like the table',
    `WITH secrets AS (SELECT 1 AS id) SELECT * FROM ${SECRETS}`,
    notFound(),
  );
  attempt(
    'time travel on the ungranted table',
    `SELECT * FROM ${SECRETS} AT (VERSION => ${snapshotBeforeRevoke})`,
    notFound(),
  );
  attempt(
    'time travel by timestamp on the ungranted table',
    `SELECT * FROM ${SECRETS} AT (TIMESTAMP => TIMESTAMP '2001-01-01 00:00:00')`,
    notFound(),
  );
  attempt(
    'time travel on a table that does not exist',
    `SELECT * FROM bronze.crm.no_such_table AT (VERSION => ${snapshotBeforeRevoke})`,
    notFound(),
  );
  attempt(
    'time travel to before the revoke',
    `SELECT * FROM ${LEADS} AT (VERSION => ${snapshotBeforeRevoke})`,
    notFound(),
  );
  attempt('FROM-first syntax', `FROM ${SECRETS} SELECT *`, notFound());
  attempt('PIVOT statement', `PIVOT ${SECRETS} ON id USING first(secret)`, statement);
  attempt(
    'PIVOT in FROM',
    `SELECT * FROM (PIVOT ${SECRETS} ON id USING first(secret))`,
    denied('STATEMENT_NOT_ALLOWED', /PIVOT/),
  );
  attempt(
    'recursive CTE',
    `WITH RECURSIVE r(v) AS (SELECT 'x' UNION ALL SELECT secret FROM ${SECRETS}) SELECT * FROM r`,
    notFound(),
  );
  attempt(
    'subquery inside a lambda',
    `SELECT list_transform([1], x -> (SELECT max(secret) FROM ${SECRETS}))`,
    notFound(),
  );
  attempt(
    'subquery as an unnest argument',
    `SELECT * FROM unnest((SELECT list(secret) FROM ${SECRETS}))`,
    notFound(),
  );
  attempt(
    'subquery as a range argument',
    `SELECT * FROM range((SELECT count(*) FROM ${SECRETS}))`,
    notFound(),
  );
  attempt(
    'pragma_table_info',
    `SELECT * FROM pragma_table_info('${SECRETS}')`,
    fn('pragma_table_info'),
  );
  attempt('SHOW ALL TABLES', 'SHOW ALL TABLES', statement);
  attempts.push({
    name: 'CSV stream of the hidden table',
    send: () =>
      api.call('POST', '/query', {
        token: ana,
        payload: { sql: `SELECT * FROM ${SECRETS}`, format: 'csv' },
        requestId: api.nextRequestId('csv stream'),
      }),
    expect: notFound(),
  });
  // Size.
  attempt(
    'very long SQL',
    `SELECT 1 AS x${' '.repeat(100_001)}`,
    denied('QUERY_TOO_COMPLEX', /characters long/),
  );
  attempt(
    'deeply nested SQL',
    `SELECT ${'('.repeat(1000)}1${')'.repeat(1000)}`,
    denied('QUERY_TOO_COMPLEX', /levels deep/),
  );
  attempt(
    'deeply nested subqueries',
    `SELECT * FROM ${'(SELECT * FROM '.repeat(300)}${SECRETS}${') t'.repeat(300)}`,
    denied('QUERY_TOO_COMPLEX', /levels deep/),
  );
  // The masked column, wherever it is used: answered, never recovered.
  attempt(
    'masked column in WHERE',
    `SELECT id FROM ${CUSTOMERS} WHERE ssn = '123-45-6789'`,
    masked((rows) => expect(rows).toEqual([])),
  );
  attempt(
    'masked column in LIKE',
    `SELECT id FROM ${CUSTOMERS} WHERE ssn LIKE '555%' OR ssn LIKE '%6789'`,
    masked((rows) => expect(rows).toEqual([])),
  );
  attempt(
    'masked column in JOIN',
    `SELECT c.id FROM ${CUSTOMERS} c JOIN (VALUES ('123-45-6789')) v(ssn) ON c.ssn = v.ssn`,
    masked((rows) => expect(rows).toEqual([])),
  );
  attempt(
    'masked column in GROUP BY',
    `SELECT ssn, count(*) FROM ${CUSTOMERS} GROUP BY ssn`,
    masked((rows) => expect(rows).toHaveLength(2)),
  );
  attempt('masked column in ORDER BY', `SELECT id FROM ${CUSTOMERS} ORDER BY ssn`, masked());
  attempt(
    'masked column in a window',
    `SELECT id, first_value(ssn) OVER (ORDER BY ssn) AS f, rank() OVER (ORDER BY ssn) FROM ${CUSTOMERS}`,
    masked(),
  );
  attempt(
    'masked column in other cases and quotes',
    'SELECT "SsN", SSN FROM "BRONZE"."crm".Customer_Data',
    masked((rows) => expect(rows).toHaveLength(2)),
  );
  attempt(
    'whole row as a struct',
    `SELECT c FROM ${CUSTOMERS} c`,
    masked((rows) => expect(rows).toHaveLength(2)),
  );
  attempt(
    'COLUMNS(*) expression',
    `SELECT COLUMNS('.*') FROM ${CUSTOMERS}`,
    masked((rows) => expect(rows).toHaveLength(2)),
  );
  attempts.push({
    name: 'NDJSON stream of the masked column',
    send: () =>
      api.call('POST', '/query', {
        token: ana,
        payload: { sql: `SELECT id, region, ssn FROM ${CUSTOMERS}`, format: 'ndjson' },
        requestId: api.nextRequestId('ndjson stream'),
      }),
    expect: (answer) => {
      expect(answer.statusCode).toBe(200);
      expect(answer.body.trim().split('\n')).toHaveLength(2);
      expect(answer.body).not.toContain('EU');
    },
  });
  attempt(
    'filtered rows by predicate',
    `SELECT * FROM ${CUSTOMERS} WHERE region <> 'US' OR true`,
    masked((rows) => expect(rows).toHaveLength(2)),
  );
  // Values of hidden rows, smuggled out in an error message.
  attempt(
    'cast error on a hidden row',
    `SELECT id FROM ${CUSTOMERS} WHERE CAST(name AS INTEGER) = 1`,
    hiddenRowsStayHidden,
  );
  attempt(
    'cast error in the select list',
    `SELECT CAST(email AS INTEGER) FROM ${CUSTOMERS}`,
    hiddenRowsStayHidden,
  );
  attempt(
    'error() on a hidden row',
    `SELECT id FROM ${CUSTOMERS} WHERE CASE WHEN region <> 'US' THEN error(name) END IS NULL`,
    hiddenRowsStayHidden,
  );
  // The admin API, to see the hidden table or loosen her own policy.
  const forbidden = (says: RegExp): Refusal => ({ status: 403, code: 'PERMISSION_DENIED', says });
  apiAttempt('describe the hidden table', 'GET', `/tables/${SECRETS}`, notFound());
  apiAttempt('snapshots of the hidden table', 'GET', `/tables/${SECRETS}/snapshots`, notFound());
  apiAttempt('grant herself SELECT', 'POST', '/grants', forbidden(/may not grant SELECT/), {
    privileges: ['SELECT'],
    securable: { kind: 'table', name: CUSTOMERS },
    grantee: { kind: 'user', name: 'ana' },
  });
  apiAttempt('drop the ssn mask', 'DELETE', `/column-masks/${CUSTOMERS}/ssn`, forbidden(/may not/));
  apiAttempt('a filter that admits all rows', 'POST', '/data-filters', forbidden(/may not/), {
    name: 'everything',
    table: CUSTOMERS,
    rowPredicate: 'true',
    grantees: [{ kind: 'user', name: 'ana' }],
  });
  apiAttempt(
    'join the exempt group',
    'POST',
    '/groups/hr_privileged/members',
    forbidden(/may not/),
    { kind: 'user', name: 'ana' },
  );
  apiAttempt('read the audit log', 'GET', '/audit', forbidden(/READ_AUDIT/));
  // Tokens.
  attempts.push(
    {
      name: 'no token',
      send: async () => {
        const requestId = api.nextRequestId('no token');
        const answer = await api.server.app.inject({
          method: 'POST',
          url: '/api/v1/query',
          headers: { 'x-request-id': requestId },
          payload: { sql: `SELECT * FROM ${SECRETS}` },
        });
        return Object.assign(answer, { requestId });
      },
      expect: denied('MISSING_TOKEN', /needs an API token/, 401),
      anonymous: true,
    },
    tokenAttempt(
      'forged token',
      async () => 'lkw_forged_0123456789abcdef',
      'INVALID_TOKEN',
      /not valid/,
    ),
    tokenAttempt(
      'revoked token',
      async () => {
        const issued = await api.admin<{ token: string; id: string }>('POST', '/tokens', {
          name: 'to-revoke',
          principal: 'ana',
        });
        expect(rowsOf(await api.query(issued.token, 'SELECT 1'))).toEqual([[1]]);
        await api.admin('DELETE', `/tokens/${issued.id}`);
        return issued.token;
      },
      'TOKEN_REVOKED',
      /revoked/,
    ),
    tokenAttempt(
      'expired token',
      async () => {
        const expiresAt = new Date(Date.now() + 1500);
        const issued = await api.admin<{ token: string }>('POST', '/tokens', {
          name: 'short-lived',
          principal: 'ana',
          expiresAt: expiresAt.toISOString(),
        });
        expect(rowsOf(await api.query(issued.token, 'SELECT 1'))).toEqual([[1]]);
        await new Promise((resolve) => setTimeout(resolve, expiresAt.getTime() - Date.now() + 50));
        return issued.token;
      },
      'TOKEN_EXPIRED',
      /expired/,
    ),
    tokenAttempt(
      'token of a deleted principal',
      async () => {
        const { token } = await api.user('temp_contractor', ['us_analysts']);
        expect(rowsOf(await api.query(token, 'SELECT 1'))).toEqual([[1]]);
        await api.admin('DELETE', '/principals/temp_contractor');
        return token;
      },
      'INVALID_TOKEN',
      /not valid/,
    ),
  );

  return attempts;
}
