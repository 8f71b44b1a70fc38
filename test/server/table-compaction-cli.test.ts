import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retailDays } from '../catalog/compaction/retail-appends.js';
import { ensureBuilt, expectFailure, lakeward } from '../cli/run-cli.js';

const TABLE = 'bronze.retail.days';
let dir: string;
let home: string;
const run = (...args: string[]) => lakeward(home, ...args);

function files(): number {
  const described = run('table', 'describe', TABLE, '--json');
  expect(described.code, described.stderr).toBe(0);
  return (JSON.parse(described.stdout) as { fileCount: number }).fileCount;
}

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'lakeward-cli-compact-'));
  home = join(dir, 'lakehouse');
  expect(run('init').code).toBe(0);
  // One load per day: one small file each, as a stream's micro-batches leave them.
  for (const day of retailDays(4)) {
    const loaded = run('ingest', day, '--table', TABLE);
    expect(loaded.code, loaded.stderr).toBe(0);
  }
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('lakeward table compact', () => {
  it('shows the plan with --dry-run and changes nothing', () => {
    const planned = run('table', 'compact', TABLE, '--min-files', '3', '--dry-run');
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).toContain('(unpartitioned)');
    expect(planned.stdout).toContain('Dry run: would rewrite 4 files');
    expect(files()).toBe(4);
  });

  it('compacts, and says so', () => {
    const done = run(
      'table',
      'compact',
      TABLE,
      '--min-files',
      '3',
      '--target-file-size',
      '64MB',
      '--json',
    );
    expect(done.code, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ filesIn: 4, filesOut: 1, dryRun: false });
    expect(files()).toBe(1);
    const again = run('table', 'compact', TABLE, '--min-files', '3');
    expect(again.stdout).toContain('Nothing to compact');
  });

  it('refuses a size it cannot read', () => {
    const stderr = expectFailure(run('table', 'compact', TABLE, '--target-file-size', 'big'), 2);
    expect(stderr).toContain('--target-file-size');
  });
});
