import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { ensureBuilt, expectFailure, lakeward } from './run-cli.js';

const DAY = resolve('../shared/data/retail/by-day/2011-02-06.csv');
const DAY_ROWS = readFileSync(DAY, 'utf8').trim().split('\n').length - 1;
const TABLE = 'bronze.retail.invoices';

let dir: string;
let home: string;
const run = (...args: string[]) => lakeward(home, ...args);

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'lakeward-cli-'));
  home = join(dir, 'lakehouse');
}, 300_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('lakeward CLI', () => {
  it('init creates a home and prints the admin token once, with a warning', () => {
    const first = run('init');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/lw_[0-9a-f]{32}_\S{43}/);
    expect(first.stderr).toContain('warning:');
    expect(first.stdout).toContain(join(home, 'secrets', 'mask-hash.key'));
    const again = run('init');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already exists');
    expect(again.stdout).not.toMatch(/lw_[0-9a-f]{32}_/);
  });

  it('ingests a retail day file and reports what it wrote', () => {
    const result = run('ingest', DAY, '--table', TABLE, '--source-system', 'pos');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`${DAY_ROWS} rows`);
    expect(result.stdout).toMatch(/snapshot: \d+/);
    const again = run('ingest', DAY, '--table', TABLE);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('skipped');
  });

  it('answers a query in each output format', () => {
    const sql = `SELECT StockCode, count(*) AS n FROM ${TABLE} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 2`;
    const table = run('query', sql);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/StockCode\s+\|\s+n/);
    expect(table.stdout).toContain('(2 rows)');

    const json = JSON.parse(run('query', sql, '--format', 'json').stdout);
    expect(json.columns).toEqual([
      { name: 'StockCode', type: 'VARCHAR' },
      { name: 'n', type: 'BIGINT' },
    ]);
    expect(json.rowCount).toBe(2);

    const csv = run('query', sql, '--format', 'csv').stdout.trim().split(/\r?\n/);
    expect(csv[0]).toBe('StockCode,n');
    expect(csv).toHaveLength(3);

    const ndjson = run('query', sql, '--format', 'ndjson').stdout.trim().split('\n');
    expect(Object.keys(JSON.parse(ndjson[0]!))).toEqual(['StockCode', 'n']);

    const out = join(dir, 'answer.parquet');
    const parquet = run('query', `SELECT * FROM ${TABLE}`, '--format', 'parquet', '--output', out);
    expect(parquet.code, parquet.stderr).toBe(0);
    expect(readFileSync(out).subarray(0, 4).toString()).toBe('PAR1');

    const csvFile = join(dir, 'answer.csv');
    expect(run('query', sql, '--format', 'csv', '--output', csvFile).code).toBe(0);
    expect(readFileSync(csvFile, 'utf8')).toMatch(/^StockCode,n\r?\n/);
  });

  it('describes a table: columns, properties and counts', () => {
    const human = run('table', 'describe', TABLE);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/Description\s+string/);
    expect(human.stdout).toMatch(/source_system\s+pos/);
    const json = JSON.parse(run('table', 'describe', TABLE, '--json').stdout);
    expect(json).toMatchObject({ name: 'invoices', recordCount: DAY_ROWS });
  });

  it('lists snapshots and rolls back to an earlier one', () => {
    expect(run('ingest', DAY, '--table', TABLE, '--force').code).toBe(0);
    const snapshots = JSON.parse(run('table', 'snapshots', TABLE, '--json').stdout) as {
      snapshotId: string;
      parentSnapshotId: string | null;
    }[];
    expect(snapshots).toHaveLength(2);
    const first = snapshots.find((s) => s.parentSnapshotId === null)!.snapshotId;
    const human = run('table', 'snapshots', TABLE);
    expect(human.stdout).toContain(first);
    const rollback = run('table', 'rollback', TABLE, first);
    expect(rollback.code, rollback.stderr).toBe(0);
    const count = JSON.parse(
      run('query', `SELECT count(*) FROM ${TABLE}`, '--format', 'json').stdout,
    );
    expect(count.rows[0][0]).toBe(DAY_ROWS);
  });

  it('manages namespaces, table properties, schema and tokens', () => {
    expect(run('namespace', 'create', 'bronze.crm', '--description', 'CRM').code).toBe(0);
    expect(run('namespace', 'list', 'bronze').stdout).toContain('bronze.crm');
    expect(run('namespace', 'drop', 'bronze.crm').code).toBe(0);
    expect(run('table', 'set-property', TABLE, 'owner_team=data').code).toBe(0);
    expect(run('table', 'add-column', TABLE, 'note', 'varchar').code).toBe(0);
    const described = JSON.parse(run('table', 'describe', TABLE, '--json').stdout);
    expect(described.properties.owner_team).toBe('data');
    expect(described.columns.at(-1)).toMatchObject({ name: 'note', type: 'string' });

    const created = run('token', 'create', 'ci', '--expires-in', '30');
    expect(created.code).toBe(0);
    const id = /id ([0-9a-f]{32})/.exec(created.stdout)![1]!;
    expect(run('token', 'list').stdout).toContain(id);
    expect(run('token', 'revoke', id).code).toBe(0);
    const listed = JSON.parse(run('token', 'list', '--json').stdout) as {
      id: string;
      revokedAt: string | null;
    }[];
    expect(listed.find((t) => t.id === id)!.revokedAt).not.toBeNull();
    expect(run('whoami').stdout).toMatch(/name:\s+admin/);
  });

  it('creates a partitioned, sorted table and refuses bad specs', () => {
    expect(run('namespace', 'create', 'silver.sales').code).toBe(0);
    const made = run(
      'table',
      'create',
      'silver.sales.orders',
      '--column',
      'order_id:long',
      '--column',
      'placed_at:timestamp',
      '--column',
      'amount:decimal(10, 2)',
      '--partition-by',
      'day(placed_at)',
      '--partition-by',
      'bucket[8](order_id)',
      '--sort-by',
      'placed_at desc',
    );
    expect(made.code, made.stderr).toBe(0);
    const described = JSON.parse(run('table', 'describe', 'silver.sales.orders', '--json').stdout);
    expect(described.partitionSpec.map((p: { transform: string }) => p.transform)).toEqual([
      'day',
      'bucket[8]',
    ]);
    expect(described.sortOrder).toEqual([
      { column: 'placed_at', direction: 'desc', nullOrder: 'nulls-last' },
    ]);
    expect(described.columns[2]).toMatchObject({ name: 'amount', type: 'decimal(10, 2)' });
    expect(expectFailure(run('table', 'create', 'silver.sales.x', '--column', 'x'), 2)).toContain(
      'name:type',
    );
    expect(
      expectFailure(
        run(
          'table',
          'create',
          'silver.sales.x',
          '--column',
          'x:long',
          '--partition-by',
          'weekday(x)',
        ),
        2,
      ),
    ).toContain('weekday');
  });
});

describe('lakeward CLI on bad input', () => {
  it('a missing file', () => {
    expect(expectFailure(run('ingest', join(dir, 'nope.csv'), '--table', TABLE), 2)).toContain(
      'nope.csv',
    );
  });

  it('an ORC file names the supported formats', () => {
    const orc = resolve('../shared/data/flights/orc');
    expect(expectFailure(run('ingest', orc, '--table', 'bronze.flights.summary'), 2)).toMatch(
      /parquet/i,
    );
  });

  it('a bad table name and a table in the wrong layer', () => {
    expectFailure(run('ingest', DAY, '--table', 'Bronze.Retail!'), 2);
    expect(expectFailure(run('ingest', DAY, '--table', 'silver.retail.x'), 2)).toContain('bronze');
    expect(expectFailure(run('table', 'describe', 'platinum.a.b'), 2)).toContain('layer');
  });

  it("an SQL syntax error shows DuckDB's message and position", () => {
    const stderr = expectFailure(run('query', 'SELEC * FROM bronze.retail.invoices'), 2);
    expect(stderr).toMatch(/syntax error/i);
    expect(stderr).toMatch(/line 1, column 1/);
  });

  it('a table that does not exist, and parquet output without a file', () => {
    expectFailure(run('table', 'describe', 'bronze.retail.nothing'), 3);
    expectFailure(run('query', 'SELECT 1', '--format', 'parquet'), 2);
  });

  it('with LAKEWARD_TOKEN of a user who is not an admin, changes and loads need their privileges', async () => {
    const services = await createServices(loadConfig({ home, env: {} }));
    let token: string;
    try {
      const admin = {
        principal: await services.auth.localAdmin(),
        context: { channel: 'cli' as const },
      };
      const user = await services.directory.createPrincipal(admin, { name: 'viv', kind: 'user' });
      token = (await services.auth.issueToken(user.id, 'cli-test')).token;
      await services.policies.grant(admin, {
        privileges: ['SELECT'],
        securable: { kind: 'table', path: ['bronze', 'retail', 'invoices'] },
        grantee: { kind: 'principal', name: 'viv' },
      });
    } finally {
      await services.close();
    }
    const previous = process.env.LAKEWARD_TOKEN;
    process.env.LAKEWARD_TOKEN = token;
    try {
      const described = run('table', 'describe', TABLE);
      expect(described.code, described.stderr).toBe(0);
      expect(expectFailure(run('table', 'drop', TABLE), 5)).toContain('DROP');
      expect(expectFailure(run('ingest', DAY, '--table', 'bronze.retail.more'), 5)).toContain(
        'CREATE_TABLE',
      );
      expectFailure(run('ingest', DAY, '--table', TABLE, '--force'), 5);
      const listed = run('table', 'list', 'bronze.retail');
      expect(listed.stdout).toContain(TABLE);
    } finally {
      if (previous === undefined) delete process.env.LAKEWARD_TOKEN;
      else process.env.LAKEWARD_TOKEN = previous;
    }
  });

  it('a home that does not exist says how to create one', () => {
    const missing = lakeward(join(dir, 'elsewhere'), 'table', 'list', 'bronze.retail');
    expect(expectFailure(missing, 3)).toContain('lakeward init');
  });

  it('an unknown command or option is a usage error', () => {
    const unknown = run('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
  });
});
