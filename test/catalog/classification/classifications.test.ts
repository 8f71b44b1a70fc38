import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ClassificationSuggestion } from '../../../src/catalog/index.js';
import type { Caller, Securable } from '../../../src/governance/index.js';
import { failure } from '../../failure.js';
import { governedHome, type GovernedHome } from '../governed-home.js';
import {
  EXPECTED,
  PEOPLE,
  PEOPLE_COLUMNS,
  PEOPLE_PATH,
  PEOPLE_ROWS,
  ROWS,
} from './sensitive-table.js';

const table: Securable = { kind: 'table', path: PEOPLE_PATH };
const column = (name: string): Securable => ({ kind: 'column', path: [...PEOPLE_PATH, name] });
const byColumn = (list: ClassificationSuggestion[]) =>
  Object.fromEntries(list.map((s) => [s.column, s.classification]));

describe('sensitive data detection', () => {
  let home: GovernedHome;
  let steward: Caller;
  let support: Caller;
  let outsider: Caller;

  beforeAll(async () => {
    home = await governedHome();
    const { governed } = home.services;
    await governed.createNamespace(home.admin, ['bronze', 'crm']);
    await governed.createTable(home.admin, PEOPLE, { columns: PEOPLE_COLUMNS });
    await home.append(PEOPLE, PEOPLE_ROWS);
    steward = await home.user('stella', ['stewards']);
    support = await home.user('sam', ['support']);
    outsider = await home.user('otto');
    await home.grant(['USAGE'], { kind: 'namespace', path: ['bronze', 'crm'] }, 'all_users');
    await home.grant(['DESCRIBE', 'APPLY_TAG'], table, 'stewards');
    await home.grant(['DESCRIBE'], table, 'support');
  });

  afterAll(async () => {
    await home?.close();
  });

  it('a new home has the classification tag key with every value', async () => {
    const keys = await home.services.policies.listTagKeys(home.admin);
    expect(keys.find((k) => k.key === 'classification')?.allowedValues).toEqual([
      'email',
      'phone',
      'credit_card',
      'us_ssn',
      'iban',
      'ip_address',
      'person_name',
    ]);
  });

  it('finds each kind of sensitive column, and nothing in ordinary ones', async () => {
    const result = await home.services.classifications.classify(home.admin, PEOPLE);
    expect(byColumn(result.suggestions)).toEqual(EXPECTED);
    expect(result.skipped).toEqual([{ column: 'amount', reason: 'not text (double)' }]);
    expect(result.sampled.map((s) => s.column)).toContain('id');
    const email = result.suggestions.find((s) => s.column === 'email')!;
    // NULLs are not sampled: 20 of the 200 emails are NULL.
    expect(email).toMatchObject({ sampleSize: ROWS - 20, matchedCount: ROWS - 20, confidence: 1 });
    expect(email).toMatchObject({ status: 'pending', nameHint: true, detectedBy: 'admin' });
    expect(result.sampled.find((s) => s.column === 'notes')).toEqual({
      column: 'notes',
      values: ROWS,
    });
    const events = await home.events('admin', 'table.classify');
    expect(events.at(-1)).toMatchObject({ decision: 'allow', resource: 'table:bronze.crm.people' });
  });

  it('samples at most the requested number of values per column', async () => {
    const result = await home.services.classifications.classify(home.admin, PEOPLE, {
      sampleSize: 25,
    });
    expect(new Set(result.sampled.map((s) => s.values))).toEqual(new Set([25]));
    expect(result.suggestions.every((s) => s.sampleSize === 25)).toBe(true);
    const invalid = await failure(
      home.services.classifications.classify(home.admin, PEOPLE, { sampleSize: 0 }),
    );
    expect(invalid.code).toBe('INVALID_SAMPLE_SIZE');
  });

  it('refuses a caller without SELECT, and hides the table from one who cannot see it', async () => {
    const denied = await failure(home.services.classifications.classify(support, PEOPLE));
    expect(denied.code).toBe('PERMISSION_DENIED');
    const hidden = await failure(home.services.classifications.classify(outsider, PEOPLE));
    expect(hidden.code).toBe('TABLE_NOT_FOUND');
    expect((await home.events('sam', 'table.classify')).at(-1)?.decision).toBe('deny');
  });

  it('lists suggestions only on tables the caller may describe', async () => {
    const { classifications } = home.services;
    expect(await classifications.list(outsider)).toEqual([]);
    expect((await classifications.list(support, { table: PEOPLE })).length).toBe(7);
    expect((await classifications.list(support, { status: 'accepted' })).length).toBe(0);
    expect((await failure(classifications.list(outsider, { table: PEOPLE }))).code).toBe(
      'TABLE_NOT_FOUND',
    );
  });

  it('accepting tags the column, and a tag policy on classification then applies', async () => {
    const { classifications, policies, query } = home.services;
    await policies.createTagPolicy(home.admin, {
      expression: 'classification = email',
      privileges: ['SELECT'],
      grantee: { kind: 'group', name: 'support' },
    });
    const emails = 'SELECT count(email) FROM bronze.crm.people';
    expect((await failure(query.execute(support, emails))).code).toBe('PERMISSION_DENIED');
    const email = (await classifications.list(steward, { table: PEOPLE })).find(
      (s) => s.column === 'email',
    )!;

    // The policy hands out SELECT by this tag, so tagging needs the right to grant it.
    const refused = await failure(classifications.accept(steward, email.id));
    expect(refused.code).toBe('PERMISSION_DENIED');
    await home.grant(['MANAGE_GRANTS'], table, 'stewards');
    const accepted = await classifications.accept(steward, email.id);
    expect(accepted).toMatchObject({ status: 'accepted', decidedBy: 'stella' });
    const tags = await policies.listTags(home.admin, column('email'));
    expect(tags.map((t) => `${t.key}=${t.value}`)).toContain('classification=email');
    const counted = await query.execute(support, emails);
    expect(Number(counted.rows[0]![0])).toBe(ROWS - 20);
    const events = await home.events('stella', 'classification.accept');
    expect(events.map((e) => e.decision)).toEqual(['deny', 'allow']);
  });

  it('needs APPLY_TAG to accept or reject', async () => {
    const { classifications } = home.services;
    // The steward's list: support now reads only the email column (the tag policy), so
    // its list, like describe, leaves the other columns out.
    const phone = (await classifications.list(steward, { table: PEOPLE })).find(
      (s) => s.column === 'phone',
    )!;
    expect((await failure(classifications.accept(support, phone.id))).code).toBe(
      'PERMISSION_DENIED',
    );
    expect((await failure(classifications.reject(support, phone.id, 'no'))).code).toBe(
      'PERMISSION_DENIED',
    );
    expect((await failure(classifications.accept(outsider, phone.id))).code).toBe(
      'CLASSIFICATION_NOT_FOUND',
    );
  });

  it('a rejection keeps its reason and is not brought back by a new run unless asked', async () => {
    const { classifications } = home.services;
    const ip = (await classifications.list(steward, { table: PEOPLE })).find(
      (s) => s.column === 'ip',
    )!;
    expect((await failure(classifications.reject(steward, ip.id, '  '))).code).toBe(
      'REJECT_REASON_REQUIRED',
    );
    const rejected = await classifications.reject(steward, ip.id, 'lab addresses, not users');
    expect(rejected).toMatchObject({
      status: 'rejected',
      rejectReason: 'lab addresses, not users',
    });
    const again = await classifications.classify(home.admin, PEOPLE);
    expect(again.suggestions.find((s) => s.column === 'ip')?.status).toBe('rejected');
    expect(again.suggestions.find((s) => s.column === 'email')?.status).toBe('accepted');
    const reopened = await classifications.classify(home.admin, PEOPLE, { reopenRejected: true });
    expect(reopened.suggestions.find((s) => s.column === 'ip')?.status).toBe('pending');
  });

  it('rejecting an accepted suggestion takes its tag off the column', async () => {
    const { classifications, policies } = home.services;
    const ssn = (await classifications.list(home.admin, { table: PEOPLE })).find(
      (s) => s.column === 'ssn',
    )!;
    await classifications.accept(home.admin, ssn.id);
    const tagged = await policies.listTags(home.admin, column('ssn'));
    expect(tagged.map((t) => t.value)).toEqual(['us_ssn']);
    await classifications.reject(home.admin, ssn.id, 'synthetic numbers');
    expect(await policies.listTags(home.admin, column('ssn'))).toEqual([]);
  });

  it('a masked column yields no suggestion for a caller who sees it masked', async () => {
    const { classifications, policies } = home.services;
    const analyst = await home.user('ana', ['analysts']);
    await home.grant(['SELECT'], table, 'analysts');
    await policies.setColumnMask(home.admin, {
      table: PEOPLE_PATH,
      column: 'card',
      function: 'MASK',
    });
    await policies.setColumnMask(home.admin, {
      table: PEOPLE_PATH,
      column: 'email',
      function: 'MASK',
    });
    const seen = await classifications.classify(analyst, PEOPLE);
    expect(seen.skipped).toContainEqual({ column: 'card', reason: 'masked for you' });
    expect(seen.skipped).toContainEqual({ column: 'email', reason: 'masked for you' });
    const found = seen.suggestions.map((s) => s.column);
    expect(found).not.toContain('card');
    expect(found).not.toContain('email');
    expect(found).toContain('phone');
    // The admin is not masked: its suggestions for those columns still stand.
    const all = await classifications.list(home.admin, { table: PEOPLE });
    expect(all.map((s) => s.column)).toEqual(expect.arrayContaining(['card', 'email']));
  });

  it('a row filter limits what is sampled', async () => {
    const { classifications, policies } = home.services;
    const filtered = await home.user('fred', ['paris_team']);
    await policies.createDataFilter(home.admin, {
      name: 'paris_only',
      table: PEOPLE_PATH,
      rowPredicate: "city = 'Paris'",
      grantees: [{ kind: 'group', name: 'paris_team' }],
    });
    const result = await classifications.classify(filtered, PEOPLE, {});
    expect(result.sampled.find((s) => s.column === 'phone')?.values).toBe(
      Math.ceil((ROWS - 1) / 3),
    );
  });

  it('an older home without the tag key gets it on first accept', async () => {
    const { classifications, policies } = home.services;
    for (const policy of await policies.listTagPolicies(home.admin)) {
      await policies.deleteTagPolicy(home.admin, policy.id);
    }
    await policies.deleteTagKey(home.admin, 'classification');
    const phone = (await classifications.list(home.admin, { table: PEOPLE })).find(
      (s) => s.column === 'phone',
    )!;
    await classifications.accept(home.admin, phone.id);
    const tags = await policies.listTags(home.admin, column('phone'));
    expect(tags.map((t) => `${t.key}=${t.value}`)).toEqual(['classification=phone']);
  });

  it('a load that creates a table classifies it as the loading caller', async () => {
    const file = path.join(home.dir, 'tmp', 'signups.csv');
    const lines = ['signup_id,contact_email,comment'];
    for (let i = 0; i < 50; i++) lines.push(`${i},person${i}@example.org,likes the product`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const ident = { namespace: ['bronze', 'web'], name: 'signups' };
    await home.services.ingest.ingest(home.admin, { table: ident, paths: [file] });
    const found = await home.services.classifications.list(home.admin, { table: ident });
    expect(byColumn(found)).toEqual({ contact_email: 'email' });
    expect(found[0]).toMatchObject({ sampleSize: 50, detectedBy: 'admin' });
  });

  it('a load whose detection fails still succeeds, and the failure is reported', async () => {
    const ident = { namespace: ['bronze', 'web'], name: 'signups' };
    const loader = await home.user('lou');
    await home.grant(['USAGE'], { kind: 'namespace', path: ['bronze', 'web'] }, loader);
    await home.grant(
      ['INSERT', 'ALTER'],
      { kind: 'table', path: ['bronze', 'web', 'signups'] },
      loader,
    );
    const file = path.join(home.dir, 'tmp', 'signups-2.csv');
    writeFileSync(
      file,
      'signup_id,contact_email,comment,phone_number\n99,x@example.org,hi,+44 20 7946 0958\n',
    );
    const warnings: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      warnings.push(String(chunk));
      return true;
    });
    try {
      // lou may add rows and columns but not read them back: detection is refused.
      const summary = await home.services.ingest.ingest(loader, { table: ident, paths: [file] });
      expect(summary.rowsWritten).toBe(1);
      expect(summary.schemaChanges.join()).toContain('added column phone_number');
    } finally {
      spy.mockRestore();
    }
    expect(warnings.join('')).toContain('sensitive-data detection after ingest failed');
    expect((await home.events('lou', 'table.classify')).at(-1)?.decision).toBe('deny');
  });

  it('real retail data gets no suggestion, and a load that adds nothing is not scanned', async () => {
    const day = path.resolve('../shared/data/retail/by-day/2010-12-01.csv');
    const ident = { namespace: ['bronze', 'retail'], name: 'invoices' };
    await home.services.ingest.ingest(home.admin, { table: ident, paths: [day] });
    expect(await home.services.classifications.list(home.admin, { table: ident })).toEqual([]);
    const scans = async () => (await home.events('admin', 'table.classify')).length;
    const before = await scans();
    const next = path.resolve('../shared/data/retail/by-day/2010-12-02.csv');
    await home.services.ingest.ingest(home.admin, { table: ident, paths: [next] });
    expect(await scans()).toBe(before);
  });
});
