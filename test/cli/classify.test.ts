import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, expectFailure, lakeward } from './run-cli.js';

const TABLE = 'bronze.crm.contacts';
let dir: string;
let home: string;
const run = (...args: string[]) => lakeward(home, ...args);

interface Suggestion {
  id: string;
  column: string;
  classification: string;
  status: string;
  sampleSize: number;
}

function listed(...args: string[]): Suggestion[] {
  const result = run('classify', 'list', ...args, '--json');
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Suggestion[];
}

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'lakeward-cli-classify-'));
  home = join(dir, 'lakehouse');
  expect(run('init').code).toBe(0);
  const lines = ['id,contact,ip,remarks'];
  for (let i = 0; i < 40; i++) lines.push(`${i},c${i}@example.net,192.168.1.${i},called back`);
  const file = join(dir, 'contacts.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const loaded = run('ingest', file, '--table', TABLE);
  expect(loaded.code, loaded.stderr).toBe(0);
}, 300_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('lakeward classify', () => {
  it('the load already suggested classifications, listed as a table', () => {
    const result = run('classify', 'list', TABLE);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/ID\s+TABLE\s+COLUMN\s+CLASSIFICATION\s+CONFIDENCE/);
    expect(result.stdout).toMatch(
      /bronze\.crm\.contacts\s+contact\s+email\s+1\s+40\s+40\s+pending/,
    );
    expect(result.stdout).toMatch(/ip\s+ip_address/);
    expect(result.stdout).not.toContain('remarks');
  });

  it('runs detection with a sample size', () => {
    const result = run('classify', TABLE, '--sample', '15');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Sampled`);
    expect(result.stdout).toMatch(/contact\s+email\s+1\s+15\s+15\s+pending/);
    expect(result.stdout).toContain('Skipped _ingested_at: not text (timestamptz)');
    expect(expectFailure(run('classify', TABLE, '--sample', 'lots'), 2)).toContain(
      '--sample "lots"',
    );
  });

  it('accepts and rejects by id, and lists by status', () => {
    const [contact, ip] = listed(TABLE);
    expect([contact?.column, ip?.column]).toEqual(['contact', 'ip']);
    const accepted = run('classify', 'accept', contact!.id);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stdout).toContain(
      'Accepted: bronze.crm.contacts.contact is tagged classification=email',
    );
    const tags = run('tags', 'list', 'column', `${TABLE}.contact`);
    expect(tags.stdout).toMatch(/classification\s+email/);
    expectFailure(run('classify', 'reject', ip!.id), 2);
    const rejected = run('classify', 'reject', ip!.id, '--reason', 'office printers');
    expect(rejected.code, rejected.stderr).toBe(0);
    expect(listed('--status', 'rejected').map((s) => s.column)).toEqual(['ip']);
    expect(listed('--status', 'accepted').map((s) => s.column)).toEqual(['contact']);
    expect(run('classify', 'list', '--status', 'rejected').stdout).toContain(
      'rejected: office printers',
    );
  });

  it('says what is wrong with an unknown id or status', () => {
    expect(expectFailure(run('classify', 'accept', 'nope'), 3)).toContain(
      'No classification suggestion has the id nope',
    );
    expectFailure(run('classify', 'list', '--status', 'maybe'), 2);
  });

  it('has help with examples', () => {
    const help = run('classify', '--help');
    expect(help.stdout).toContain('$ lakeward classify bronze.crm.customers --sample 5000');
    expect(help.stdout).toContain('accept');
  });
});
