import { describe, expect, it } from 'vitest';
import { expectFailure } from '../cli/run-cli.js';
import { RETAIL_DAYS_TABLE, retailDaysHome } from '../cli/retail-days-home.js';

const TABLE = RETAIL_DAYS_TABLE;
// One load per day: one small file and one snapshot each, as a stream's micro-batches leave them.
const { run, described } = retailDaysHome('expire', 4);
const snapshotCount = () => described().snapshotCount;

describe('lakeward table expire-snapshots', () => {
  it('shows what would go with --dry-run and changes nothing', () => {
    const planned = run('table', 'expire-snapshots', TABLE, '--older-than', '0s', '--dry-run');
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).toContain('Dry run: would remove 3 snapshot(s)');
    expect(planned.stdout).toContain('MANIFEST LISTS');
    expect(snapshotCount()).toBe(4);
  });

  it('says there is nothing to do with the default retention', () => {
    const kept = run('table', 'expire-snapshots', TABLE);
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stdout).toContain('Nothing to expire');
    expect(snapshotCount()).toBe(4);
  });

  it('expires, and prints JSON with --json; the rows stay the same', () => {
    const query = () => run('query', `SELECT count(*) AS n, sum(quantity) AS q FROM ${TABLE}`);
    const before = query();
    expect(before.code, before.stderr).toBe(0);
    const done = run(
      'table',
      'expire-snapshots',
      TABLE,
      '--older-than',
      '0s',
      '--retain-last',
      '2',
      '--json',
    );
    expect(done.code, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({
      table: TABLE,
      dryRun: false,
      snapshotsRemoved: 2,
      snapshotsKept: 2,
      filesDeleted: { manifestLists: 2 },
    });
    expect(snapshotCount()).toBe(2);
    expect(query().stdout).toBe(before.stdout);
  });

  it('refuses a negative --retain-last and a bad --older-than, saying why', () => {
    const negative = expectFailure(
      run('table', 'expire-snapshots', TABLE, '--retain-last', '-3'),
      2,
    );
    expect(negative).toContain('--retain-last "-3"');
    const zero = expectFailure(run('table', 'expire-snapshots', TABLE, '--retain-last', '0'), 2);
    expect(zero).toContain('at least 1');
    const bad = expectFailure(run('table', 'expire-snapshots', TABLE, '--older-than', '7 days'), 2);
    expect(bad).toContain('"7 days" is neither a duration nor an ISO time');
    expect(bad).toContain('hint: write a duration such as 7d');
    expect(snapshotCount()).toBe(2);
  });
});
