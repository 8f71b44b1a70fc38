import { describe, expect, it } from 'vitest';
import { expectFailure } from '../cli/run-cli.js';
import { RETAIL_DAYS_TABLE, retailDaysHome } from '../cli/retail-days-home.js';

const TABLE = RETAIL_DAYS_TABLE;
// One load per day: one small file and one snapshot each, as a stream's micro-batches leave them.
const { run, described } = retailDaysHome('compact', 4);
const files = () => described().fileCount;

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
