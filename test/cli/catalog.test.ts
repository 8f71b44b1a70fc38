import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, expectFailure, lakeward } from './run-cli.js';

let dir: string;
let home: string;
const run = (...args: string[]) => lakeward(home, ...args);
const TABLE = 'gold.revenue.daily';

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'lakeward-cli-catalog-'));
  home = join(dir, 'lakehouse');
  expect(run('init').code).toBe(0);
  expect(run('namespace', 'create', 'gold.revenue').code).toBe(0);
  for (const name of [TABLE, 'gold.revenue.daily_v2']) {
    const created = run(
      'table',
      'create',
      name,
      '--column',
      'store:string',
      '--column',
      'amount:double',
    );
    expect(created.code, created.stderr).toBe(0);
  }
  expect(run('groups', 'create', 'data_eng').code).toBe(0);
}, 300_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('lakeward catalog', () => {
  it('declares typed properties and checks the values set', () => {
    const defined = run(
      'catalog',
      'properties',
      'define',
      'business_domain',
      '--type',
      'enum',
      '--values',
      'finance,marketing',
      '--applies-to',
      'table',
      '--required-in',
      'gold',
    );
    expect(defined.stdout).toContain('Defined business_domain: enum finance|marketing');
    const listed = JSON.parse(run('catalog', 'properties', 'list', '--json').stdout) as {
      name: string;
      requiredIn: string[];
    }[];
    expect(listed).toEqual([
      expect.objectContaining({ name: 'business_domain', requiredIn: ['gold'] }),
    ]);

    const missing = run('catalog', 'show', TABLE);
    expect(missing.stdout).toContain('Missing required properties: business_domain');
    const refused = expectFailure(run('catalog', 'set', TABLE, 'business_domain=hr'), 2);
    expect(refused).toContain('business_domain="hr" must be one of finance, marketing');
    expect(run('catalog', 'set', TABLE, 'business_domain=finance', 'refresh=daily').code).toBe(0);
    expect(expectFailure(run('catalog', 'unset', TABLE, 'business_domain'), 2)).toContain(
      'gold tables must have business_domain',
    );
    expect(run('catalog', 'unset', TABLE, 'refresh').code).toBe(0);
    expect(expectFailure(run('catalog', 'properties', 'drop', 'business_domain'), 4)).toContain(
      TABLE,
    );
  });

  it('describes, owns, certifies and shows a table, and keeps the history', () => {
    expect(run('catalog', 'describe', TABLE, 'Revenue per **store** and day.').code).toBe(0);
    expect(
      run('catalog', 'describe', TABLE, '--column', 'amount', 'Net amount in EUR').stdout,
    ).toContain('Described column amount of gold.revenue.daily');
    const owner = run(
      'catalog',
      'owner',
      TABLE,
      '--group',
      'data_eng',
      '--email',
      'data-eng@example.com',
    );
    expect(owner.stdout).toContain('group data_eng <data-eng@example.com>');
    expectFailure(run('catalog', 'owner', TABLE, '--group', 'data_eng', '--email', 'nobody'), 2);
    const certified = run(
      'catalog',
      'certify',
      TABLE,
      '--status',
      'deprecated',
      '--reason',
      'use v2',
      '--replacement',
      'gold.revenue.daily_v2',
    );
    expect(certified.stdout).toContain('is deprecated: use v2 (use gold.revenue.daily_v2 instead)');
    expectFailure(
      run(
        'catalog',
        'certify',
        TABLE,
        '--status',
        'deprecated',
        '--replacement',
        'gold.revenue.daily_v2',
      ),
      2,
    );

    const shown = run('catalog', 'show', TABLE).stdout;
    expect(shown).toContain('Revenue per **store** and day.');
    expect(shown).toMatch(/amount\s+double\s+Net amount in EUR/);
    expect(shown).toContain('business_domain = finance');
    expect(shown).not.toContain('Missing required properties');
    const json = JSON.parse(run('catalog', 'show', TABLE, '--json').stdout) as {
      certification: { status: string };
    };
    expect(json.certification.status).toBe('deprecated');

    const history = JSON.parse(run('catalog', 'history', TABLE, '--json').stdout) as {
      field: string;
    }[];
    expect(history.map((h) => h.field).slice(0, 4)).toEqual([
      'certification',
      'owner',
      'column_description:amount',
      'description',
    ]);
    expect(run('catalog', 'history', TABLE).stdout).toMatch(/WHEN\s+WHO\s+FIELD\s+OLD\s+NEW/);
  });

  it('infers a namespace from a short name and reports a missing table', () => {
    expect(run('catalog', 'describe', 'gold.revenue', 'Revenue marts').stdout).toContain(
      'Described namespace gold.revenue',
    );
    expect(run('tags', 'keys', 'create', 'domain', '--values', 'finance,hr').code).toBe(0);
    expect(run('tags', 'set', 'namespace', 'gold.revenue', 'domain=finance').code).toBe(0);
    const shown = run('catalog', 'show', 'gold.revenue').stdout;
    expect(shown).toContain('namespace gold.revenue');
    expect(shown).toContain('Revenue marts');
    expect(shown).toContain('Tags:           domain=finance');
    expect(run('catalog', 'show', TABLE).stdout).toContain('domain=finance (from gold.revenue)');
    expect(expectFailure(run('catalog', 'show', 'gold.revenue.nothing'), 3)).toContain(
      'does not exist',
    );
    expect(run('catalog', 'show', '--help').stdout).toContain('Examples:');
  });
});
