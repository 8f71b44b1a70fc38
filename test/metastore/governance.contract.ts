import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { GranteeRecord, Metastore, SecurableRecord } from '../../src/metastore/index.js';
import { link, linkHash } from './audit-link.js';

const code = (c: string) => expect.objectContaining({ code: c });
const alice: GranteeRecord = { kind: 'principal', name: 'alice' };
const analysts: GranteeRecord = { kind: 'group', name: 'analysts' };
const GENESIS = '0'.repeat(64);
const APPENDER = fileURLToPath(new URL('./audit-appender.ts', import.meta.url));

/** Appends from another process; resolves when it exits cleanly. */
function appendFromProcess(uri: string, count: number, label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', APPENDER, uri, String(count), label],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (status) =>
      status === 0 ? resolve() : reject(new Error(`audit appender exited ${status}: ${stderr}`)),
    );
  });
}

/** The governance repositories' behaviour; runs inside the metastore contract. */
export function governanceContract(
  fixture: () => { store: Metastore; open: () => Promise<Metastore>; uri: string },
): void {
  describe('groups', () => {
    it('creates groups with unique names and keeps their memberships', async () => {
      const { store } = fixture();
      const group = await store.groups.create({ name: 'analysts', description: 'BI' });
      await store.groups.create({ name: 'admins' });
      expect(await store.groups.getByName('analysts')).toEqual(group);
      expect((await store.groups.list()).map((g) => g.name)).toEqual(['admins', 'analysts']);
      await expect(store.groups.create({ name: 'analysts' })).rejects.toEqual(
        code('GROUP_ALREADY_EXISTS'),
      );

      await store.groups.addMember('analysts', alice);
      await store.groups.addMember('analysts', alice);
      await store.groups.addMember('admins', analysts);
      expect(await store.groups.listMemberships()).toEqual([
        { groupName: 'admins', member: analysts },
        { groupName: 'analysts', member: alice },
      ]);
      await expect(store.groups.addMember('nope', alice)).rejects.toEqual(code('GROUP_NOT_FOUND'));

      await store.groups.removeMember('analysts', alice);
      await expect(store.groups.removeMember('analysts', alice)).rejects.toEqual(
        code('GROUP_MEMBER_NOT_FOUND'),
      );
      await store.groups.addMember('analysts', alice);
      await store.groups.delete('analysts');
      expect(await store.groups.getByName('analysts')).toBeUndefined();
      expect(await store.groups.listMemberships()).toEqual([]);
      await expect(store.groups.delete('analysts')).rejects.toEqual(code('GROUP_NOT_FOUND'));
    });
  });

  describe('grants', () => {
    it('grants once per securable, privilege and grantee, and lists exactly', async () => {
      const { store } = fixture();
      const retail: SecurableRecord = { kind: 'namespace', path: ['bronze', 'retail'] };
      const invoices: SecurableRecord = { kind: 'table', path: ['bronze', 'retail', 'invoices'] };
      const grant = { privilege: 'SELECT', grantee: alice, grantedBy: 'admin' };
      const first = await store.grants.upsert({
        ...grant,
        securable: retail,
        withGrantOption: false,
      });
      const again = await store.grants.upsert({
        ...grant,
        securable: retail,
        withGrantOption: true,
      });
      expect(again).toMatchObject({ id: first.id, withGrantOption: true, securable: retail });
      await store.grants.upsert({ ...grant, securable: invoices, withGrantOption: false });
      await store.grants.upsert({
        ...grant,
        securable: { kind: 'table', path: ['bronze', 'retail'] },
        withGrantOption: false,
      });

      expect(await store.grants.listOn(retail)).toEqual([again]);
      expect(await store.grants.list()).toHaveLength(3);
      await store.grants.delete(first.id);
      expect(await store.grants.listOn(retail)).toEqual([]);
      await expect(store.grants.delete(first.id)).rejects.toEqual(code('GRANT_NOT_FOUND'));
    });
  });

  describe('tags', () => {
    it('keeps keys, one value per key per securable, and tag policies', async () => {
      const { store } = fixture();
      const key = {
        key: 'pii',
        allowedValues: ['yes', 'no'],
        description: null,
        createdBy: 'admin',
      };
      expect(await store.tags.createKey(key)).toMatchObject(key);
      await expect(store.tags.createKey(key)).rejects.toEqual(code('TAG_KEY_ALREADY_EXISTS'));
      expect(
        await store.tags.updateKey('pii', { allowedValues: ['yes', 'no', 'maybe'] }),
      ).toMatchObject({ allowedValues: ['yes', 'no', 'maybe'], description: null });
      await expect(store.tags.updateKey('nope', { description: 'x' })).rejects.toEqual(
        code('TAG_KEY_NOT_FOUND'),
      );

      const column: SecurableRecord = { kind: 'column', path: ['bronze', 't', 'email'] };
      await store.tags.assign({ securable: column, key: 'pii', value: 'no', assignedBy: 'admin' });
      await store.tags.assign({ securable: column, key: 'pii', value: 'yes', assignedBy: 'bob' });
      expect(await store.tags.listAssignments()).toEqual([
        expect.objectContaining({ securable: column, key: 'pii', value: 'yes', assignedBy: 'bob' }),
      ]);
      await expect(
        store.tags.assign({ securable: column, key: 'nope', value: 'x', assignedBy: 'admin' }),
      ).rejects.toEqual(code('TAG_KEY_NOT_FOUND'));
      await store.tags.unassign(column, 'pii');
      await expect(store.tags.unassign(column, 'pii')).rejects.toEqual(
        code('TAG_ASSIGNMENT_NOT_FOUND'),
      );
      await store.tags.assign({ securable: column, key: 'pii', value: 'yes', assignedBy: 'admin' });
      await store.tags.deleteKey('pii');
      expect(await store.tags.listKeys()).toEqual([]);
      expect(await store.tags.listAssignments()).toEqual([]);

      const policy = await store.tags.createPolicy({
        expression: 'domain=marketing',
        privileges: ['SELECT', 'DESCRIBE'],
        grantee: analysts,
        withGrantOption: false,
        createdBy: 'admin',
      });
      expect(await store.tags.listPolicies()).toEqual([policy]);
      await store.tags.deletePolicy(policy.id);
      await expect(store.tags.deletePolicy(policy.id)).rejects.toEqual(
        code('TAG_POLICY_NOT_FOUND'),
      );
    });
  });

  describe('data filters and column masks', () => {
    it('names filters uniquely per table and keeps one mask per column', async () => {
      const { store } = fixture();
      const filter = {
        name: 'eu_only',
        table: ['bronze', 'invoices'],
        rowPredicate: "region = 'EU'",
        columnMode: 'exclude' as const,
        columns: ['email'],
        grantees: [alice],
        createdBy: 'admin',
      };
      const created = await store.dataPolicies.createFilter(filter);
      expect(created).toMatchObject(filter);
      await expect(store.dataPolicies.createFilter(filter)).rejects.toEqual(
        code('FILTER_ALREADY_EXISTS'),
      );
      await store.dataPolicies.createFilter({ ...filter, table: ['bronze', 'orders'] });
      const updated = await store.dataPolicies.updateFilter(created.id, { grantees: [analysts] });
      expect(updated).toEqual({ ...created, grantees: [analysts] });
      expect((await store.dataPolicies.listFilters()).map((f) => f.table)).toEqual([
        ['bronze', 'invoices'],
        ['bronze', 'orders'],
      ]);
      await store.dataPolicies.deleteFilter(created.id);
      await expect(store.dataPolicies.updateFilter(created.id, {})).rejects.toEqual(
        code('FILTER_NOT_FOUND'),
      );

      const mask = {
        table: ['bronze', 'invoices'],
        column: 'card',
        function: 'MASK_SHOW_LAST_4',
        expression: null,
        exempt: [analysts],
        createdBy: 'admin',
      };
      const first = await store.dataPolicies.setMask(mask);
      const replaced = await store.dataPolicies.setMask({
        ...mask,
        function: 'CUSTOM',
        expression: "'***'",
        exempt: [],
      });
      expect(await store.dataPolicies.listMasks()).toEqual([replaced]);
      expect(replaced).toMatchObject({ id: first.id, function: 'CUSTOM', exempt: [] });
      await store.dataPolicies.deleteMask(first.id);
      await expect(store.dataPolicies.deleteMask(first.id)).rejects.toEqual(code('MASK_NOT_FOUND'));
    });
  });

  describe('securable paths', () => {
    async function governEverything(store: Metastore, table: string[]) {
      const by = { grantedBy: 'admin', withGrantOption: false, grantee: alice };
      await store.grants.upsert({
        ...by,
        securable: { kind: 'namespace', path: table.slice(0, -1) },
        privilege: 'USAGE',
      });
      await store.grants.upsert({
        ...by,
        securable: { kind: 'table', path: table },
        privilege: 'SELECT',
      });
      await store.grants.upsert({
        ...by,
        securable: { kind: 'column', path: [...table, 'card'] },
        privilege: 'SELECT',
      });
      await store.tags.assign({
        securable: { kind: 'table', path: table },
        key: 'pii',
        value: 'yes',
        assignedBy: 'admin',
      });
      await store.dataPolicies.createFilter({
        name: 'all',
        table,
        rowPredicate: null,
        columnMode: 'all',
        columns: [],
        grantees: [alice],
        createdBy: 'admin',
      });
      await store.dataPolicies.setMask({
        table,
        column: 'card',
        function: 'MASK',
        expression: null,
        exempt: [],
        createdBy: 'admin',
      });
    }

    async function paths(store: Metastore) {
      return {
        grants: (await store.grants.list()).map((g) => g.securable.path.join('.')).sort(),
        tags: (await store.tags.listAssignments()).map((a) => a.securable.path.join('.')),
        filters: (await store.dataPolicies.listFilters()).map((f) => f.table.join('.')),
        masks: (await store.dataPolicies.listMasks()).map(
          (m) => `${m.table.join('.')}:${m.column}`,
        ),
      };
    }

    it('moves everything on or below a renamed path, and only that', async () => {
      const { store } = fixture();
      await store.tags.createKey({
        key: 'pii',
        allowedValues: [],
        description: null,
        createdBy: 'admin',
      });
      await governEverything(store, ['bronze', 'retail', 'invoices']);
      await governEverything(store, ['bronze', 'retail2', 'invoices']);

      await store.securablePaths.rename(['bronze', 'retail'], ['silver', 'shop']);
      await store.securablePaths.rename(
        ['silver', 'shop', 'invoices'],
        ['silver', 'shop', 'sales'],
      );
      expect(await paths(store)).toEqual({
        grants: [
          'bronze.retail2',
          'bronze.retail2.invoices',
          'bronze.retail2.invoices.card',
          'silver.shop',
          'silver.shop.sales',
          'silver.shop.sales.card',
        ],
        tags: ['bronze.retail2.invoices', 'silver.shop.sales'],
        filters: ['bronze.retail2.invoices', 'silver.shop.sales'],
        masks: ['bronze.retail2.invoices:card', 'silver.shop.sales:card'],
      });

      await store.securablePaths.forget(['silver', 'shop']);
      expect(await paths(store)).toEqual({
        grants: ['bronze.retail2', 'bronze.retail2.invoices', 'bronze.retail2.invoices.card'],
        tags: ['bronze.retail2.invoices'],
        filters: ['bronze.retail2.invoices'],
        masks: ['bronze.retail2.invoices:card'],
      });
      await expect(store.securablePaths.forget([])).rejects.toEqual(code('INVALID_PATH'));
    });

    it('renames inside the caller’s transaction, rolling back with it', async () => {
      const { store } = fixture();
      await store.tags.createKey({
        key: 'pii',
        allowedValues: [],
        description: null,
        createdBy: 'admin',
      });
      await governEverything(store, ['bronze', 'retail', 'invoices']);
      const before = await paths(store);
      const failure = new Error('catalog rename failed');
      await expect(
        store.transaction(async (tx) => {
          await tx.securablePaths.rename(['bronze', 'retail'], ['gold', 'shop']);
          await tx.policyVersion.bump();
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await paths(store)).toEqual(before);
      expect(await store.policyVersion.current()).toBe(0);
    });
  });

  describe('audit log', () => {
    // SQLite's busy wait blocks the whole thread, so the other writers are other processes.
    it('chains 20 concurrent appends from three processes without gaps', async () => {
      const { store, uri } = fixture();
      expect(await store.audit.head()).toEqual({
        lastSeq: 0,
        lastHash: GENESIS,
        anchorSeq: 0,
        anchorHash: GENESIS,
      });
      await Promise.all([
        appendFromProcess(uri, 7, 'first'),
        appendFromProcess(uri, 7, 'second'),
        ...Array.from({ length: 6 }, (_, i) =>
          store.audit.append((head) => link(head, `here-${i}`)),
        ),
      ]);
      const events = await store.audit.list({});
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      events.forEach((e, i) => {
        expect(e.prevHash).toBe(i === 0 ? GENESIS : events[i - 1]?.hash);
        expect(e.hash).toBe(linkHash(e.prevHash, e.event));
      });
      expect(new Set(events.map((e) => e.action.split('-')[0]))).toEqual(
        new Set(['first', 'second', 'here']),
      );
      expect(await store.audit.head()).toMatchObject({ lastSeq: 20, lastHash: events[19]?.hash });
      await expect(
        store.audit.append((head) => ({ ...link(head, 'forged'), prevHash: GENESIS })),
      ).rejects.toEqual(code('INTERNAL'));
      expect((await store.audit.head()).lastSeq).toBe(20);
    });

    it('filters events and purges old ones, moving the anchor', async () => {
      const { store } = fixture();
      const day = (d: number) => new Date(Date.UTC(2026, 0, d));
      for (const [d, action] of [
        [1, 'query'],
        [2, 'grant'],
        [3, 'query'],
        [4, 'query'],
      ] as const) {
        await store.audit.append((head) => ({
          ...link(head, action, day(d)),
          decision: d === 3 ? 'deny' : 'allow',
        }));
      }
      const seqs = async (q: Parameters<Metastore['audit']['list']>[0]) =>
        (await store.audit.list(q)).map((e) => e.seq);
      expect(await seqs({ action: 'query' })).toEqual([1, 3, 4]);
      expect(await seqs({ decision: 'deny' })).toEqual([3]);
      expect(await seqs({ since: day(2), until: day(3) })).toEqual([2, 3]);
      expect(await seqs({ fromSeq: 2, limit: 2 })).toEqual([2, 3]);
      expect(await seqs({ principal: 'bob' })).toEqual([]);
      const [, second] = await store.audit.list({});

      expect(await store.audit.purgeBefore(day(3))).toBe(2);
      expect(await store.audit.purgeBefore(day(3))).toBe(0);
      expect(await store.audit.head()).toMatchObject({
        lastSeq: 4,
        anchorSeq: 2,
        anchorHash: second?.hash,
      });
      expect(await seqs({})).toEqual([3, 4]);
      await store.audit.append((head) => link(head, 'after-purge'));
      expect(await seqs({})).toEqual([3, 4, 5]);
    });
  });

  describe('policy version', () => {
    it('bumps atomically under concurrency from two metastores', async () => {
      const { store, open } = fixture();
      expect(await store.policyVersion.current()).toBe(0);
      const second = await open();
      const versions = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? store : second).policyVersion.bump()),
      );
      expect([...versions].sort((a, b) => a - b)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      expect(await second.policyVersion.current()).toBe(20);
    });
  });

  describe('principal removal', () => {
    it('deletes a principal with its tokens', async () => {
      const { store } = fixture();
      const bob = await store.principals.create({ name: 'bob', kind: 'user', isAdmin: false });
      await store.tokens.create({
        id: 'tok-bob',
        principalId: bob.id,
        name: 'laptop',
        secretHash: 'ff'.repeat(32),
        salt: '00'.repeat(16),
        expiresAt: null,
      });
      await store.principals.delete(bob.id);
      expect(await store.principals.get(bob.id)).toBeUndefined();
      expect(await store.tokens.get('tok-bob')).toBeUndefined();
      await expect(store.principals.delete(bob.id)).rejects.toEqual(code('PRINCIPAL_NOT_FOUND'));
    });
  });
}
