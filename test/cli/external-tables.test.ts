import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, expectFailure, lakeward } from './run-cli.js';

const DATA = resolve('../shared/data');
const FLIGHTS_CSV = join(DATA, 'flights', 'csv');

let dir: string;
let home: string;
const run = (...args: string[]) => lakeward(home, ...args);

function rows(sql: string): unknown[][] {
  const result = run('query', sql, '--format', 'json');
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { rows: unknown[][] }).rows;
}

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'lakeward-cli-external-'));
  home = join(dir, 'lakehouse');
  expect(run('init').code).toBe(0);
  // What a user does: allow the folder in lakeward.yaml.
  const file = join(home, 'lakeward.yaml');
  const yaml = readFileSync(file, 'utf8');
  const allowed = `externalLocations: ${JSON.stringify([DATA])}`;
  writeFileSync(
    file,
    yaml.includes('externalLocations: []')
      ? yaml.replace('externalLocations: []', allowed)
      : `${yaml}\ncatalog:\n  ${allowed}\n`,
  );
  expect(run('namespace', 'create', 'bronze.raw').code).toBe(0);
}, 300_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('lakeward table create-external / convert', () => {
  it('registers a folder of CSV files, describes it, and queries it in place', () => {
    const created = run(
      'table',
      'create-external',
      'bronze.raw.flights_csv',
      '--location',
      FLIGHTS_CSV,
      '--format',
      'csv',
      '--column',
      'DEST_COUNTRY_NAME:string',
      '--column',
      'ORIGIN_COUNTRY_NAME:string',
      '--column',
      'count:long',
      '--exclude',
      '2015-*',
      '--property',
      'source_system=bts',
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('Registered bronze.raw.flights_csv');
    expect(created.stdout).toContain('5 files');

    const described = run('table', 'describe', 'bronze.raw.flights_csv');
    expect(described.code, described.stderr).toBe(0);
    expect(described.stdout).toMatch(/kind:\s+external/);
    expect(described.stdout).toMatch(/format:\s+csv/);
    expect(described.stdout).toMatch(/dialect:\s+delimiter ","/);
    expect(described.stdout).toMatch(/excluded:\s+2015-\*/);

    const updated = run('table', 'update-external', 'bronze.raw.flights_csv', '--clear-exclude');
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.stdout).toContain('6 files');
    const [[count]] = rows('SELECT count(*) FROM bronze.raw.flights_csv') as [[number]];
    expect(count).toBeGreaterThan(1000);
  });

  it('converts it into an Iceberg table with the same rows, keeping the raw files', () => {
    const converted = run(
      'table',
      'convert',
      'bronze.raw.flights_csv',
      '--to',
      'bronze.flights.flights',
      '--json',
    );
    expect(converted.code, converted.stderr).toBe(0);
    const result = JSON.parse(converted.stdout) as { rows: number; table: { kind: string } };
    expect(result.table.kind).toBe('iceberg');
    const sums = (table: string) =>
      rows(`SELECT count(*), sum("count"), count(DISTINCT ORIGIN_COUNTRY_NAME) FROM ${table}`);
    expect(sums('bronze.flights.flights')).toEqual(sums('bronze.raw.flights_csv'));
    expect(result.rows).toBe(sums('bronze.raw.flights_csv')[0]![0]);
    const snapshots = run('table', 'snapshots', 'bronze.flights.flights', '--json');
    expect(JSON.parse(snapshots.stdout)).toHaveLength(1);
    expect(readdirSync(FLIGHTS_CSV)).toHaveLength(6);
  });

  it('says how to fix a folder outside the allowed locations, and refuses writes', () => {
    const refused = expectFailure(
      run(
        'table',
        'create-external',
        'bronze.raw.tmp',
        '--location',
        dir,
        '--format',
        'csv',
        '--column',
        'a:string',
      ),
      5,
    );
    expect(refused).toContain('catalog.externalLocations');
    const written = run('table', 'snapshots', 'bronze.raw.flights_csv');
    expect(written.stderr).toContain('lakeward table convert bronze.raw.flights_csv');
  });
});
