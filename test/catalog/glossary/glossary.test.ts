import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogChange, TableIdent } from '../../../src/catalog/index.js';
import type { Caller } from '../../../src/governance/index.js';
import { failure } from '../../failure.js';
import { governedHome, type GovernedHome } from '../governed-home.js';

const ltv: TableIdent = { namespace: ['gold', 'revenue'], name: 'customer_ltv' };
const LTV = { kind: 'table' as const, path: ['gold', 'revenue', 'customer_ltv'] };
const CATALOG = { kind: 'catalog' as const, path: [] };

describe('business glossary', () => {
  let home: GovernedHome;
  let steward: Caller;
  let ann: Caller;
  let bob: Caller;
  const published: CatalogChange[] = [];

  beforeAll(async () => {
    home = await governedHome();
    const { governed, glossary } = home.services;
    home.services.changes.subscribe(async (c) => {
      published.push(c);
    });
    steward = await home.user('steward');
    ann = await home.user('ann', ['finance']);
    bob = await home.user('bob');
    await home.grant(['MANAGE_GRANTS'], CATALOG, steward);
    await governed.createNamespace(home.admin, ['gold', 'revenue']);
    await glossary.createTerm(home.admin, {
      name: 'Revenue',
      definition: 'Money **earned** from sales.',
      owner: { kind: 'group', name: 'finance' },
      status: 'approved',
    });
  });

  afterAll(async () => {
    await home?.close();
  });

  describe('terms', () => {
    it('are created by admins and holders of MANAGE_GRANTS, with owner, parent, synonyms and related terms', async () => {
      const term = await home.services.glossary.createTerm(steward, {
        name: 'Customer LTV',
        definition: 'Expected revenue from a customer over the whole relationship.',
        synonyms: ['CLV', 'lifetime value', 'clv'],
        owner: { kind: 'principal', name: 'ann' },
        parent: 'revenue',
        related: ['Revenue'],
      });
      expect(term).toMatchObject({
        name: 'Customer LTV',
        synonyms: ['CLV', 'lifetime value'],
        owner: { kind: 'principal', name: 'ann' },
        parent: 'Revenue',
        related: ['Revenue'],
        status: 'draft',
        createdBy: 'steward',
      });
      const revenue = (await home.services.glossary.listTerms(bob)).find(
        (t) => t.name === 'Revenue',
      );
      expect(revenue).toMatchObject({ children: ['Customer LTV'], related: ['Customer LTV'] });
      expect(published).toContainEqual({ kind: 'glossary_term', name: 'Customer LTV' });
    });

    it('are refused to a user without the right, and the refusal is audited', async () => {
      const denied = await failure(
        home.services.glossary.createTerm(bob, { name: 'Churn', definition: 'x' }),
      );
      expect(denied.code).toBe('GLOSSARY_EDIT_DENIED');
      const editDenied = await failure(
        home.services.glossary.updateTerm(bob, 'Revenue', { definition: 'mine now' }),
      );
      expect(editDenied.code).toBe('GLOSSARY_EDIT_DENIED');
      const [event] = await home.events('bob', 'glossary.update');
      expect(event).toMatchObject({ decision: 'deny', resource: 'glossary_term:Revenue' });
      expect((await home.services.glossary.term('Revenue'))?.definition).toBe(
        'Money **earned** from sales.',
      );
    });

    it('may be edited by their owner, directly or through a group', async () => {
      const byGroup = await home.services.glossary.updateTerm(ann, 'revenue', {
        synonyms: ['Sales'],
      });
      expect(byGroup.synonyms).toEqual(['Sales']);
      const direct = await home.services.glossary.updateTerm(ann, 'customer ltv', {
        status: 'approved',
      });
      expect(direct).toMatchObject({ status: 'approved', updatedBy: 'ann' });
    });

    it('have unique names whatever their case, and owners that exist', async () => {
      const dup = await failure(
        home.services.glossary.createTerm(home.admin, { name: 'customer ltv', definition: 'x' }),
      );
      expect(dup.code).toBe('GLOSSARY_TERM_EXISTS');
      const ghost = await failure(
        home.services.glossary.createTerm(home.admin, {
          name: 'Churn',
          definition: 'x',
          owner: { kind: 'group', name: 'nobody' },
        }),
      );
      expect(ghost.code).toBe('GLOSSARY_OWNER_NOT_FOUND');
    });

    it('refuse a cycle in the hierarchy', async () => {
      const { glossary } = home.services;
      await glossary.createTerm(home.admin, {
        name: 'Net LTV',
        definition: 'x',
        parent: 'Customer LTV',
      });
      const cycle = await failure(
        glossary.updateTerm(home.admin, 'Revenue', { parent: 'Net LTV' }),
      );
      expect(cycle.code).toBe('GLOSSARY_HIERARCHY_CYCLE');
      const self = await failure(glossary.updateTerm(home.admin, 'Revenue', { parent: 'Revenue' }));
      expect(self.code).toBe('GLOSSARY_HIERARCHY_CYCLE');
      expect((await glossary.term('Revenue'))?.parent).toBeNull();
    });

    it('with children or links are deleted only with force', async () => {
      const { glossary } = home.services;
      const inUse = await failure(glossary.deleteTerm(home.admin, 'Customer LTV'));
      expect(inUse.code).toBe('GLOSSARY_TERM_IN_USE');
      await glossary.createTerm(home.admin, { name: 'Tmp', definition: 'x', parent: 'Net LTV' });
      await glossary.deleteTerm(home.admin, 'Net LTV', { force: true });
      expect(await glossary.term('Net LTV')).toBeUndefined();
      expect((await glossary.term('Tmp'))?.parent).toBeNull();
      await glossary.deleteTerm(home.admin, 'Tmp');
      expect(published).toContainEqual({ kind: 'glossary_term', name: 'Tmp', removed: true });
    });
  });

  describe('links', () => {
    beforeAll(async () => {
      await home.services.governed.createTable(home.admin, ltv, {
        columns: [
          { name: 'customer_id', type: 'long' },
          { name: 'ltv', type: 'double' },
        ],
      });
    });

    it('need ALTER on the table, and a term shows only the links the caller may DESCRIBE', async () => {
      const { glossary } = home.services;
      const hidden = await failure(
        glossary.link(ann, 'Customer LTV', { table: ltv, column: 'ltv' }),
      );
      expect(hidden.code).toBe('TABLE_NOT_FOUND');
      await home.grant(['USAGE'], { kind: 'namespace', path: ['gold', 'revenue'] }, ann);
      await home.grant(['DESCRIBE'], LTV, ann);
      const refused = await failure(
        glossary.link(ann, 'Customer LTV', { table: ltv, column: 'ltv' }),
      );
      expect(refused.code).toBe('PERMISSION_DENIED');
      await home.grant(['ALTER'], LTV, ann);
      const link = await glossary.link(ann, 'Customer LTV', { table: ltv, column: 'LTV' });
      expect(link).toMatchObject({
        term: 'Customer LTV',
        table: 'gold.revenue.customer_ltv',
        column: 'ltv',
        kind: 'manual',
        linkedBy: 'ann',
      });
      await glossary.link(home.admin, 'Revenue', { table: ltv });
      const again = await failure(glossary.link(home.admin, 'Revenue', { table: ltv }));
      expect(again.code).toBe('GLOSSARY_LINK_EXISTS');
      const missing = await failure(
        glossary.link(home.admin, 'Revenue', { table: ltv, column: 'nope' }),
      );
      expect(missing.code).toBe('COLUMN_NOT_FOUND');

      expect((await glossary.showTerm(ann, 'Customer LTV')).links).toHaveLength(1);
      expect((await glossary.showTerm(bob, 'Customer LTV')).links).toEqual([]);
      expect(published).toContainEqual({ kind: 'table', path: LTV.path });
    });

    it('hide links to the columns a data filter hides from the caller', async () => {
      const { glossary, governed, policies } = home.services;
      const churn: TableIdent = { namespace: ['gold', 'revenue'], name: 'churn' };
      const CHURN = ['gold', 'revenue', 'churn'];
      await governed.createTable(home.admin, churn, {
        columns: [
          { name: 'customer_id', type: 'long' },
          { name: 'ltv', type: 'double' },
        ],
      });
      await glossary.link(home.admin, 'Customer LTV', { table: churn, column: 'ltv' });
      await glossary.link(home.admin, 'Revenue', { table: churn, column: 'customer_id' });
      const cat = await home.user('cat');
      await home.grant(['USAGE'], { kind: 'namespace', path: ['gold', 'revenue'] }, cat);
      await home.grant(['DESCRIBE'], { kind: 'table', path: CHURN }, cat);
      await policies.createDataFilter(home.admin, {
        name: 'no_ltv',
        table: CHURN,
        excludeColumns: ['ltv'],
        grantees: [{ kind: 'principal', name: 'cat' }],
      });
      expect((await glossary.termsOfTable(cat, churn)).map((l) => l.column)).toEqual([
        'customer_id',
      ]);
      expect(
        (await glossary.showTerm(cat, 'Customer LTV')).links.map((l) => l.table),
      ).not.toContain('gold.revenue.churn');
      expect((await glossary.termsOfTable(home.admin, churn)).map((l) => l.column)).toEqual([
        'customer_id',
        'ltv',
      ]);
      await governed.dropTable(home.admin, churn);
    });

    it("list a table's terms, and follow column renames, table renames and drops", async () => {
      const { glossary, governed } = home.services;
      const terms = async (t: TableIdent) =>
        (await glossary.termsOfTable(home.admin, t))
          .map((l) => `${l.term}@${l.column ?? '-'}`)
          .sort();
      expect(await terms(ltv)).toEqual(['Customer LTV@ltv', 'Revenue@-']);
      await governed.evolveSchema(home.admin, ltv, [
        { kind: 'rename', name: 'ltv', newName: 'lifetime_value' },
      ]);
      expect(await terms(ltv)).toEqual(['Customer LTV@lifetime_value', 'Revenue@-']);
      expect(await glossary.linkedTo(LTV.path)).toContainEqual({
        term: 'Customer LTV',
        column: 'lifetime_value',
      });

      const moved: TableIdent = { namespace: ['gold', 'revenue'], name: 'clv' };
      await governed.renameTable(home.admin, ltv, moved);
      expect(await terms(moved)).toEqual(['Customer LTV@lifetime_value', 'Revenue@-']);
      expect((await glossary.showTerm(home.admin, 'Revenue')).links.map((l) => l.table)).toEqual([
        'gold.revenue.clv',
      ]);
      await glossary.unlink(home.admin, 'Customer LTV', { table: moved, column: 'lifetime_value' });
      expect(await terms(moved)).toEqual(['Revenue@-']);
      await governed.dropTable(home.admin, moved);
      expect((await glossary.showTerm(home.admin, 'Revenue')).links).toEqual([]);
    });
  });

  describe('business_metric', () => {
    const metric: TableIdent = { namespace: ['gold', 'revenue'], name: 'ltv_by_month' };

    it('links a table to the term its business_metric names, and follows the property', async () => {
      const { glossary, governed } = home.services;
      await governed.createTable(home.admin, metric, {
        columns: [{ name: 'ltv', type: 'double' }],
        properties: { business_metric: 'customer ltv' },
      });
      expect(await glossary.termsOfTable(home.admin, metric)).toEqual([
        expect.objectContaining({ term: 'Customer LTV', column: null, kind: 'business_metric' }),
      ]);
      await governed.updateTable(home.admin, metric, {
        setProperties: { business_metric: 'Revenue' },
      });
      expect((await glossary.termsOfTable(home.admin, metric)).map((l) => l.term)).toEqual([
        'Revenue',
      ]);
      await governed.updateTable(home.admin, metric, { removeProperties: ['business_metric'] });
      expect(await glossary.termsOfTable(home.admin, metric)).toEqual([]);
    });

    it('refuses a business_metric that names no term, and changes nothing', async () => {
      const { governed } = home.services;
      const unknown = await failure(
        governed.updateTable(home.admin, metric, { setProperties: { business_metric: 'ARPU' } }),
      );
      expect(unknown.code).toBe('UNKNOWN_BUSINESS_METRIC');
      expect(
        (await governed.describeTable(home.admin, metric)).properties.business_metric,
      ).toBeUndefined();
      const create = await failure(
        governed.createTable(
          home.admin,
          { namespace: ['gold', 'revenue'], name: 'arpu' },
          {
            columns: [{ name: 'v', type: 'double' }],
            properties: { business_metric: 'ARPU' },
          },
        ),
      );
      expect(create.code).toBe('UNKNOWN_BUSINESS_METRIC');
      expect(
        await home.services.catalog.tableExists({ namespace: ['gold', 'revenue'], name: 'arpu' }),
      ).toBe(false);
    });
  });
});
