import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, expectFailure, lakeward, type CliRun } from './run-cli.js';

const DAY = resolve('../shared/data/retail/by-day/2010-12-01.csv');
let dir: string;
let home: string;
const run = (...args: string[]) => lakeward(home, ...args);

function runAs(token: string, ...args: string[]): CliRun {
  const result = spawnSync(
    process.execPath,
    [resolve('bin/lakeward.js'), '--home', home, ...args],
    {
      encoding: 'utf8',
      env: {
        ...process.env,
        LAKEWARD_TOKEN: token,
        LAKEWARD_DEBUG: '',
        LAKEWARD_LOG_LEVEL: 'silent',
      },
      timeout: 120_000,
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'lakeward-cli-search-'));
  home = join(dir, 'lakehouse');
  expect(run('init').code).toBe(0);
  const ingested = run(
    'ingest',
    DAY,
    '--table',
    'bronze.retail.invoices',
    '--source-system',
    'pos',
  );
  expect(ingested.code, ingested.stderr).toBe(0);
  const described = run(
    'table',
    'set-description',
    'bronze.retail.invoices',
    'Invoice lines of the UK online shop',
  );
  expect(described.code, described.stderr).toBe(0);
}, 300_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('lakeward search', () => {
  it('prints ranked results with what matched, forgiving typos', () => {
    const found = run('search', 'onlne', 'shop');
    expect(found.code, found.stderr).toBe(0);
    expect(found.stdout).toContain('Searched "onlne" as "online"');
    expect(found.stdout).toMatch(/table\s+bronze\.retail\.invoices/);
    expect(found.stdout).toContain('«online» «shop»');
    expect(found.stdout).toMatch(/1 of 1 result\n/);
    expect(found.stdout).toContain('layer: bronze (1)');
  });

  it('prints JSON with filters applied', () => {
    const json = run('search', 'invoice', '--kind', 'table', '--format', 'iceberg', '--json');
    expect(json.code, json.stderr).toBe(0);
    const answer = JSON.parse(json.stdout);
    expect(answer.results[0]).toMatchObject({ fullName: 'bronze.retail.invoices', kind: 'table' });
    expect(answer.facets.kind).toEqual([{ value: 'table', count: answer.total }]);
    const none = JSON.parse(run('search', 'invoice', '--layer', 'gold', '--json').stdout);
    expect(none.total).toBe(0);
    expectFailure(run('search', 'x', '--limit', 'many'), 2);
  });

  it('shows a user nothing it may not describe, and rebuilds only for an admin', () => {
    expect(run('principals', 'create', 'bob').code).toBe(0);
    const issued = run('tokens', 'create', 'laptop', '--for', 'bob');
    const token = /lw_\S+/.exec(issued.stdout)![0];
    const bobs = runAs(token, 'search', 'invoice');
    expect(bobs.code, bobs.stderr).toBe(0);
    expect(bobs.stdout).toContain('(none)');
    expect(bobs.stdout).toContain('0 of 0 results');
    expectFailure(runAs(token, 'search', '--reindex'), 5);
    const rebuilt = run('search', '--reindex');
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout).toMatch(/Rebuilt the search index: \d+ documents/);
  });
});
