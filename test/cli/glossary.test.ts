import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, expectFailure, lakeward } from './run-cli.js';

const TABLE = 'gold.revenue.customer_ltv';

let dir: string;
let home: string;
const run = (...args: string[]) => lakeward(home, ...args);
const ok = (...args: string[]) => {
  const result = run(...args);
  expect(result.code, `${args.join(' ')}\n${result.stderr}`).toBe(0);
  return result.stdout;
};

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'lakeward-cli-glossary-'));
  home = join(dir, 'lakehouse');
  ok('init');
  ok('namespace', 'create', 'gold.revenue');
  ok('table', 'create', TABLE, '--column', 'customer_id:long', '--column', 'ltv:int');
}, 300_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('lakeward glossary', () => {
  it('creates terms, links them and shows them with their links', () => {
    const definition = join(dir, 'revenue.md');
    writeFileSync(definition, '# Revenue\n\nMoney earned from **sales**.\n');
    expect(ok('glossary', 'create', 'Revenue', '--definition-file', definition)).toContain(
      'Created term "Revenue" (draft)',
    );
    ok(
      'glossary',
      'create',
      'Customer LTV',
      '--definition',
      'Expected revenue from a customer',
      '--synonyms',
      'CLV,lifetime value',
      '--parent',
      'Revenue',
      '--status',
      'approved',
    );
    expect(ok('glossary', 'link', 'customer ltv', TABLE, '--column', 'ltv')).toContain(
      `Linked "customer ltv" to ${TABLE}.ltv`,
    );
    const shown = ok('glossary', 'show', 'Customer LTV');
    expect(shown).toContain('Expected revenue from a customer');
    expect(shown).toMatch(new RegExp(`${TABLE.replaceAll('.', '\\.')}\\s+ltv\\s+manual`));
    const listed = JSON.parse(ok('glossary', 'list', '--json')) as {
      name: string;
      parent: string | null;
      children: string[];
    }[];
    expect(listed.map((t) => [t.name, t.parent])).toEqual([
      ['Customer LTV', 'Revenue'],
      ['Revenue', null],
    ]);
    expect(listed[1]!.children).toEqual(['Customer LTV']);
  });

  it('refuses a cycle and an unforced delete of a linked term, with a hint', () => {
    expect(
      expectFailure(run('glossary', 'update', 'Revenue', '--parent', 'Customer LTV'), 4),
    ).toContain('cannot be the parent of "Revenue"');
    expect(expectFailure(run('glossary', 'delete', 'Customer LTV'), 4)).toContain('--force');
    expect(ok('glossary', 'unlink', 'Customer LTV', TABLE, '--column', 'ltv')).toContain(
      'Unlinked',
    );
    expect(ok('glossary', 'delete', 'Customer LTV')).toContain('Deleted term');
  });

  it('links a table through its business_metric property', () => {
    const refused = run('table', 'set-property', TABLE, 'business_metric=ARPU');
    expect(expectFailure(refused, 2)).toContain('names no glossary term');
    ok('table', 'set-property', TABLE, 'business_metric=Revenue');
    const described = JSON.parse(ok('describe', TABLE, '--json')) as {
      glossaryTerms: { term: string; kind: string }[];
    };
    expect(described.glossaryTerms).toEqual([
      expect.objectContaining({ term: 'Revenue', kind: 'business_metric' }),
    ]);
    expect(ok('describe', TABLE)).toMatch(/glossary terms:\s+Revenue \(business metric\)/);
  });
});

describe('lakeward describe', () => {
  it('prints the columns first, then the description', () => {
    const out = ok('describe', TABLE);
    expect(out.indexOf('columns:')).toBeLessThan(out.indexOf('description:'));
    expect(out).toMatch(/customer_id\s+long/);
  });

  it('--history lists each version with what changed, --diff compares two', () => {
    ok('table', 'widen-column', TABLE, 'ltv', 'long');
    ok('table', 'rename-column', TABLE, 'ltv', 'lifetime_value');
    ok('table', 'add-column', TABLE, 'segment', 'string');
    const history = ok('describe', TABLE, '--history');
    expect(history).toContain('ltv int→long');
    expect(history).toContain('ltv renamed lifetime_value');
    expect(history).toContain('+segment string optional');
    expect(history).toContain('none yet');
    const versions = JSON.parse(ok('describe', TABLE, '--history', '--json')) as unknown[];
    expect(versions).toHaveLength(4);
    const diff = ok('describe', TABLE, '--diff', '0', '3');
    expect(diff).toMatch(/renamed\s+lifetime_value\s+ltv\s+lifetime_value/);
    expect(diff).toMatch(/widened\s+lifetime_value\s+int\s+long/);
    expect(diff).toMatch(/added\s+segment/);
    const missing = expectFailure(run('describe', TABLE, '--diff', '0', '9'), 3);
    expect(missing).toContain('0, 1, 2, 3');
  });
});
