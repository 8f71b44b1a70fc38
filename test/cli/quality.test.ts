import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, expectFailure, lakeward } from './run-cli.js';

const TABLE = 'bronze.retail.sales';
const DAY = resolve('..', 'shared', 'data', 'retail', 'by-day', '2010-12-01.csv');
let dir: string;
let home: string;
const run = (...args: string[]) => lakeward(home, ...args);

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'lakeward-cli-quality-'));
  home = join(dir, 'lakehouse');
  expect(run('init').code).toBe(0);
  const loaded = run('ingest', DAY, '--table', TABLE);
  expect(loaded.code, loaded.stderr).toBe(0);
}, 300_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('lakeward quality', () => {
  it('recommends a ruleset, stores it, evaluates it by name and lists the run', () => {
    const recommended = run('quality', 'recommend', TABLE);
    expect(recommended.code, recommended.stderr).toBe(0);
    expect(recommended.stdout).toMatch(/^# Recommended for bronze\.retail\.sales/);
    expect(recommended.stdout).toContain('IsComplete "InvoiceNo"');
    const file = join(dir, 'recommended.dqdl');
    writeFileSync(file, recommended.stdout);

    const created = run('quality', 'rulesets', 'create', TABLE, 'starter', '--file', file);
    expect(created.code, created.stderr).toBe(0);
    const listed = run('quality', 'rulesets', 'list', TABLE, '--json');
    expect((JSON.parse(listed.stdout) as { name: string }[]).map((r) => r.name)).toEqual([
      'starter',
    ]);

    const evaluated = run('quality', 'evaluate', TABLE, '--ruleset', 'starter');
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(evaluated.stdout).toMatch(/Score:\s+100%/);
    expect(evaluated.stdout).toMatch(/Status:\s+passed/);

    const runs = run('quality', 'runs', TABLE, '--json');
    const parsed = JSON.parse(runs.stdout) as {
      rulesetName: string;
      score: number;
      status: string;
    }[];
    expect(parsed).toHaveLength(1);
    expect(parsed[0]).toMatchObject({ rulesetName: 'starter', score: 1, status: 'passed' });
  });

  it('evaluates a file and prints failing rows', () => {
    const file = join(dir, 'strict.dqdl');
    writeFileSync(file, 'Rules = [\n  RowCount > 0,\n  ColumnValues "Quantity" > 0\n]\n');
    const result = run('quality', 'evaluate', TABLE, '--file', file);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Status:\s+failed/);
    expect(result.stdout).toMatch(/3\s+FAIL\s+error\s+ColumnValues "Quantity" > 0/);
    expect(result.stdout).toContain('Failing rows of line 3');
    const json = JSON.parse(run('quality', 'evaluate', TABLE, '--file', file, '--json').stdout) as {
      score: number;
      rules: { failingRows?: { rows: unknown[] } }[];
    };
    expect(json.score).toBe(0.5);
    const checked = run('quality', 'evaluate', TABLE, '--file', file, '--check');
    expect(expectFailure(checked, 4)).toContain('failed 1 rule(s) of severity error: line 3');
    expect(checked.stdout).toContain('Failing rows of line 3');
    expect(json.rules[1]!.failingRows!.rows.length).toBeGreaterThan(0);
  });

  it('profiles the table', () => {
    const result = run('quality', 'profile', TABLE);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/COLUMN\s+TYPE\s+NULLS\s+DISTINCT~/);
    expect(result.stdout).toMatch(/Country\s+VARCHAR\s+0/);
  });

  it('a ruleset with a mistake fails with its line and column', () => {
    const file = join(dir, 'broken.dqdl');
    writeFileSync(file, 'Rules = [\n  IsComplete "a",\n  ColumnValues "b" >\n]\n');
    const stderr = expectFailure(run('quality', 'validate', file), 2);
    expect(stderr).toContain('Line 4, column 1');
    expectFailure(run('quality', 'evaluate', TABLE), 2);
  });
});
