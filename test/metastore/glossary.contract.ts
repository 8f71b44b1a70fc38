import { describe, expect, it } from 'vitest';
import type { Metastore } from '../../src/metastore/index.js';

const code = (c: string) => expect.objectContaining({ code: c });
const LTV = ['gold', 'revenue', 'customer_ltv'];

/** The glossary repository's behaviour; runs inside the metastore contract on both databases. */
export function glossaryContract(fixture: () => { store: Metastore }): void {
  describe('glossary', () => {
    const term = (name: string, parentId: string | null = null) => ({
      name,
      definition: `**${name}**`,
      synonyms: ['a', 'b'],
      owner: { kind: 'group' as const, name: 'finance' },
      parentId,
      status: 'draft',
      by: 'admin',
    });

    it('keeps terms with unique names whatever their case, and finds them ignoring case', async () => {
      const { store } = fixture();
      const created = await store.glossary.createTerm(term('Customer LTV'));
      expect(created).toMatchObject({
        name: 'Customer LTV',
        definition: '**Customer LTV**',
        synonyms: ['a', 'b'],
        owner: { kind: 'group', name: 'finance' },
        parentId: null,
      });
      expect(created.createdAt).toBeInstanceOf(Date);
      expect(await store.glossary.getTerm('customer ltv')).toEqual(created);
      await expect(store.glossary.createTerm(term('CUSTOMER LTV'))).rejects.toThrow(
        code('GLOSSARY_TERM_EXISTS'),
      );
      const renamed = await store.glossary.updateTerm(created.id, {
        name: 'Lifetime Value',
        owner: null,
        by: 'ann',
      });
      expect(renamed).toMatchObject({ name: 'Lifetime Value', owner: null, updatedBy: 'ann' });
      expect(await store.glossary.getTerm('customer ltv')).toBeUndefined();
      await expect(
        store.glossary.updateTerm('missing', { status: 'approved', by: 'ann' }),
      ).rejects.toThrow(code('GLOSSARY_TERM_NOT_FOUND'));
    });

    it('keeps the hierarchy and symmetric related terms; deleting detaches children', async () => {
      const { store } = fixture();
      const revenue = await store.glossary.createTerm(term('Revenue'));
      const ltv = await store.glossary.createTerm(term('LTV', revenue.id));
      const churn = await store.glossary.createTerm(term('Churn'));
      expect((await store.glossary.children(revenue.id)).map((t) => t.name)).toEqual(['LTV']);
      await store.glossary.setRelated(ltv.id, [churn.id, revenue.id, ltv.id]);
      expect((await store.glossary.relatedIds(churn.id)).sort()).toEqual([ltv.id]);
      expect((await store.glossary.relatedIds(ltv.id)).sort()).toEqual(
        [churn.id, revenue.id].sort(),
      );
      await store.glossary.setRelated(ltv.id, [churn.id]);
      expect(await store.glossary.relatedIds(revenue.id)).toEqual([]);
      await store.glossary.deleteTerm(revenue.id);
      expect((await store.glossary.getTermById(ltv.id))?.parentId).toBeNull();
      expect((await store.glossary.listTerms()).map((t) => t.name)).toEqual(['Churn', 'LTV']);
    });

    it('links terms to tables and columns, once each, and follows the table path', async () => {
      const { store } = fixture();
      const ltv = await store.glossary.createTerm(term('LTV'));
      const link = await store.glossary.link({
        termId: ltv.id,
        tablePath: LTV,
        column: 'ltv',
        columnFieldId: 2,
        kind: 'manual',
        linkedBy: 'ann',
      });
      expect(link).toMatchObject({ tablePath: LTV, column: 'ltv', columnFieldId: 2 });
      await store.glossary.link({
        ...link,
        column: null,
        columnFieldId: null,
        kind: 'business_metric',
      });
      await expect(store.glossary.link(link)).rejects.toThrow(code('GLOSSARY_LINK_EXISTS'));
      expect((await store.glossary.linksOfTable(LTV)).map((l) => l.column)).toEqual([null, 'ltv']);

      await store.securablePaths.rename(['gold', 'revenue'], ['gold', 'sales']);
      expect(await store.glossary.linksOfTable(LTV)).toEqual([]);
      const moved = ['gold', 'sales', 'customer_ltv'];
      expect((await store.glossary.linksOfTerm(ltv.id)).map((l) => l.tablePath)).toEqual([
        moved,
        moved,
      ]);
      const removed = await store.glossary.unlinkKind(moved, 'business_metric');
      expect(removed.map((l) => l.column)).toEqual([null]);
      expect(await store.glossary.unlink(ltv.id, moved, 'ltv')).toBe(true);
      expect(await store.glossary.unlink(ltv.id, moved, 'ltv')).toBe(false);

      await store.glossary.link({ ...link, tablePath: moved });
      await store.securablePaths.forget(['gold', 'sales']);
      expect(await store.glossary.linksOfTerm(ltv.id)).toEqual([]);
    });
  });
}
