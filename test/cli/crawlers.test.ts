import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, expectFailure, lakeward } from './run-cli.js';

const FLIGHTS = resolve('../shared/data/flights');

let dir: string;
let home: string;
let landing: string;
const run = (...args: string[]) => lakeward(home, ...args);

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'lakeward-cli-crawlers-'));
  home = join(dir, 'lakehouse');
  landing = join(dir, 'landing');
  mkdirSync(landing);
  expect(run('init').code).toBe(0);
  // The user allows the crawler to read the shared data and a landing folder.
  const config = join(home, 'lakeward.yaml');
  const allowed = JSON.stringify([pathToFileURL(FLIGHTS).href, pathToFileURL(landing).href]);
  writeFileSync(
    config,
    readFileSync(config, 'utf8').replace('externalLocations: []', `externalLocations: ${allowed}`),
  );
}, 300_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('lakeward crawlers', () => {
  it('creates a scheduled crawler and shows it', () => {
    const created = run(
      'crawlers',
      'create',
      'bronze-crawler',
      '--target',
      pathToFileURL(FLIGHTS).href,
      '--namespace',
      'bronze.raw',
      '--prefix',
      'bronze_',
      '--exclude',
      '**/*.tmp',
      '--schedule',
      '0 3 * * *',
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(
      /^Created crawler bronze-crawler \(next run \d{4}-\d\d-\d\dT03:00:00\.000Z\)/,
    );
    const listed = run('crawlers', 'list', '--json');
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({
        name: 'bronze-crawler',
        namespace: 'bronze.raw',
        exclude: ['**/*.tmp'],
      }),
    ]);
    expect(run('crawlers', 'show', 'bronze-crawler').stdout).toContain(
      'Schedule (UTC):  0 3 * * *',
    );
  });

  it('runs it and prints what it registered and what it skipped, and why', () => {
    const ran = run('crawlers', 'run', 'bronze-crawler');
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/bronze\.raw\.bronze_csv\s+added\s+csv\s+6/);
    expect(ran.stdout).toMatch(/bronze\.raw\.bronze_parquet\s+added\s+parquet\s+1\s+255/);
    expect(ran.stdout).toContain('ORC is not supported');
    const runs = JSON.parse(run('crawlers', 'runs', 'bronze-crawler', '--json').stdout) as {
      status: string;
    }[];
    expect(runs.map((r) => r.status)).toEqual(['succeeded']);
    const query = run('query', 'SELECT count(*) AS n FROM bronze.raw.bronze_parquet');
    expect(query.stdout).toContain('255');
  });

  it('updates and deletes it; bad input fails with a hint', () => {
    const updated = run(
      'crawlers',
      'update',
      'bronze-crawler',
      '--no-schedule',
      '--deletion',
      'delete',
      '--json',
    );
    expect(JSON.parse(updated.stdout)).toMatchObject({ schedule: null, deletionPolicy: 'delete' });
    expect(
      expectFailure(run('crawlers', 'update', 'bronze-crawler', '--schedule', 'soon'), 2),
    ).toContain('is not a cron expression');
    const s3 = run(
      'crawlers',
      'create',
      'cloud',
      '--target',
      's3://bucket/landing',
      '--namespace',
      'bronze.raw',
    );
    expect(expectFailure(s3, 2)).toContain('not yet supported');
    expect(run('crawlers', 'delete', 'bronze-crawler').stdout).toBe(
      'Deleted crawler bronze-crawler\n',
    );
    expect(expectFailure(run('crawlers', 'show', 'bronze-crawler'), 3)).toContain(
      'No crawler is named',
    );
  });
});
