import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, expectFailure, lakeward } from './run-cli.js';

const DAY1 = resolve('../shared/data/retail/by-day/2010-12-01.csv');
const DAY2 = resolve('../shared/data/retail/by-day/2010-12-02.csv');
const TABLE = 'bronze.retail.days';
const ON_DAY1 = "CAST(InvoiceDate AS DATE) = DATE '2010-12-01'";

let dir: string;
let home: string;
const run = (...args: string[]) => lakeward(home, ...args);

function count(where: string): number {
  const result = run(
    'query',
    `SELECT count(*) AS n FROM ${TABLE} WHERE ${where}`,
    '--format',
    'json',
  );
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { rows: number[][] }).rows[0]![0]!;
}

function currentSnapshot(): string {
  const listed = JSON.parse(run('table', 'snapshots', TABLE, '--json').stdout) as {
    snapshotId: string;
    isCurrent: boolean;
  }[];
  return listed.find((s) => s.isCurrent)!.snapshotId;
}

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'lakeward-cli-rows-'));
  home = join(dir, 'lakehouse');
  expect(run('init').code).toBe(0);
  const loaded = run('ingest', DAY1, DAY2, '--table', TABLE);
  expect(loaded.code, loaded.stderr).toBe(0);
}, 300_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('lakeward table delete-rows', () => {
  it('deletes the matching rows and prints how many and the new snapshot', () => {
    const france = count("Country = 'France'");
    const result = run('table', 'delete-rows', TABLE, '--where', "Country = 'France'");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Deleted ${france} rows from ${TABLE}`);
    expect(result.stdout).toContain(`current snapshot is ${currentSnapshot()}`);
    expect(count("Country = 'France'")).toBe(0);
    const again = run('table', 'delete-rows', TABLE, '--where', "Country = 'France'");
    expect(again.stdout).toContain('nothing changed');
  });

  it("refuses a bad condition with exit 2 and DuckDB's message", () => {
    const stderr = expectFailure(run('table', 'delete-rows', TABLE, '--where', 'Country = = 1'), 2);
    expect(stderr).toMatch(/syntax error/i);
    expect(expectFailure(run('table', 'delete-rows', TABLE, '--where', 'Nope = 1'), 2)).toContain(
      "'Nope'",
    );
  });
});

describe('lakeward ingest --mode overwrite --where', () => {
  it("replaces only day 1's rows with a reload of day 1", () => {
    const day2 = count(`NOT (${ON_DAY1})`);
    const result = run('ingest', DAY1, '--table', TABLE, '--mode', 'overwrite', '--where', ON_DAY1);
    expect(result.code, result.stderr).toBe(0);
    const written = Number(/([\d,]+) rows/.exec(result.stdout)![1]!.replace(/,/g, ''));
    expect(count(ON_DAY1)).toBe(written);
    expect(count(`NOT (${ON_DAY1})`)).toBe(day2);
  });

  it('refuses --where without --mode overwrite', () => {
    expect(expectFailure(run('ingest', DAY1, '--table', TABLE, '--where', ON_DAY1), 2)).toContain(
      '--mode overwrite',
    );
  });
});
