import { describe, expect, it } from 'vitest';
import type {
  Metastore,
  SearchDocumentInput,
  SearchField,
  SearchMatch,
} from '../../src/metastore/index.js';

/** A document whose fields are split into words the way the indexer does (lowercase, \W). */
function doc(
  kind: SearchDocumentInput['kind'],
  path: string[],
  text: Partial<Record<SearchField, string>>,
  extra: Partial<SearchDocumentInput> = {},
): SearchDocumentInput {
  const full = { name: path.at(-1)!, full_name: path.join('.'), ...text };
  const words: SearchDocumentInput['words'] = {};
  for (const [field, value] of Object.entries(full) as [SearchField, string][]) {
    words[field] = value
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter(Boolean);
  }
  return {
    kind,
    path,
    fullName: path.join('.'),
    name: path.at(-1)!,
    layer: path[0]!,
    namespace: kind === 'table' ? path.slice(0, -1).join('.') : null,
    format: kind === 'table' ? 'iceberg' : null,
    certification: null,
    owners: [],
    tags: [],
    columns: [],
    text: full,
    words,
    updatedAt: new Date('2026-01-02T03:04:05Z'),
    ...extra,
  };
}

const all = (words: string[], rest: Partial<SearchMatch> = {}): SearchMatch => ({
  groups: words.map((w) => [{ word: w, prefix: false }]),
  mode: 'all',
  filters: {},
  limit: 100,
  ...rest,
});

/** The search repository (FTS5 on SQLite, tsvector on PostgreSQL): the same answers from both. */
export function searchContract(fixture: () => { store: Metastore }): void {
  describe('search index', () => {
    async function names(query: SearchMatch): Promise<string[]> {
      return (await fixture().store.search.match(query)).map((c) => c.document.fullName);
    }

    it('finds documents by their words, a name match above a description match', async () => {
      const { search } = fixture().store;
      await search.put(
        doc('table', ['gold', 'sales', 'orders'], { description: 'Revenue per customer' }),
      );
      await search.put(doc('table', ['gold', 'sales', 'revenue'], { description: 'Totals' }));
      await search.put(doc('table', ['bronze', 'crm', 'contacts'], { description: 'People' }));
      expect(await names(all(['revenue']))).toEqual(['gold.sales.revenue', 'gold.sales.orders']);
      expect(await names(all(['revenue', 'customer']))).toEqual(['gold.sales.orders']);
      expect(await names(all(['revenue', 'people'], { mode: 'any' }))).toHaveLength(3);
      expect(await names(all(['nothing']))).toEqual([]);
      const [first] = await search.match(all(['revenue']));
      expect(first!.document).toMatchObject({
        kind: 'table',
        path: ['gold', 'sales', 'revenue'],
        layer: 'gold',
        namespace: 'gold.sales',
      });
      const texts = await search.texts([first!.document.id, 'missing']);
      expect(texts.size).toBe(1);
      expect(texts.get(first!.document.id)).toEqual({
        text: { name: 'revenue', full_name: 'gold.sales.revenue', description: 'Totals' },
        columns: [],
      });
      expect(first!.relevance).toBeGreaterThan(0);
      expect(first!.document.updatedAt).toEqual(new Date('2026-01-02T03:04:05Z'));
      expect(await search.count()).toBe(3);
    });

    it('matches a prefix, and without the query words lists by the filters', async () => {
      const { search } = fixture().store;
      await search.put(doc('table', ['silver', 'crm', 'customers'], {}));
      await search.put(doc('table', ['silver', 'crm', 'custody'], {}));
      await search.put(doc('table', ['silver', 'crm', 'accounts'], {}));
      const prefix = { groups: [[{ word: 'custo', prefix: true }]] };
      expect((await names(all([], prefix))).sort()).toEqual([
        'silver.crm.custody',
        'silver.crm.customers',
      ]);
      expect(await names(all([], { filters: { layer: 'silver' } }))).toEqual([
        'silver.crm.accounts',
        'silver.crm.custody',
        'silver.crm.customers',
      ]);
    });

    it('filters by kind, layer, namespace and below, tag, owner, format and certification', async () => {
      const { search } = fixture().store;
      const sales = { description: 'sales data' };
      await search.put(
        doc('table', ['gold', 'sales', 'daily'], sales, {
          tags: ['domain=finance', 'sensitivity=pii'],
          owners: ['alice', 'marketing_team'],
          certification: 'certified',
        }),
      );
      await search.put(doc('table', ['gold', 'sales', 'eu', 'weekly'], sales, { format: 'csv' }));
      await search.put(doc('table', ['gold', 'sales2', 'x'], sales, { tags: ['domain=fin'] }));
      await search.put(doc('namespace', ['gold', 'sales'], sales));
      const only = async (filters: SearchMatch['filters']) =>
        (await names(all(['sales'], { filters }))).sort();
      expect(await only({ kinds: ['namespace'] })).toEqual(['gold.sales']);
      expect(await only({ namespace: 'gold.sales' })).toEqual([
        'gold.sales.daily',
        'gold.sales.eu.weekly',
      ]);
      expect(await only({ tag: 'domain=fin' })).toEqual(['gold.sales2.x']);
      expect(await only({ tag: 'sensitivity=pii' })).toEqual(['gold.sales.daily']);
      expect(await only({ owner: 'marketing_team' })).toEqual(['gold.sales.daily']);
      expect(await only({ owner: 'marketing' })).toEqual([]);
      expect(await only({ format: 'csv' })).toEqual(['gold.sales.eu.weekly']);
      expect(await only({ certification: 'certified', layer: 'gold' })).toEqual([
        'gold.sales.daily',
      ]);
      expect(await only({ layer: 'bronze' })).toEqual([]);
    });

    it('replaces a document and keeps the vocabulary to what the index holds', async () => {
      const { search } = fixture().store;
      await search.put(doc('table', ['gold', 'kpi', 't'], { description: 'churn rate' }));
      await search.put(doc('table', ['gold', 'kpi', 'u'], { description: 'churn' }));
      expect(await search.knownWords(['churn', 'rate', 'missing'])).toEqual(
        new Set(['churn', 'rate']),
      );
      await search.put(doc('table', ['gold', 'kpi', 't'], { description: 'retention' }));
      expect(await search.knownWords(['churn', 'rate', 'retention'])).toEqual(
        new Set(['churn', 'retention']),
      );
      expect(await names(all(['rate']))).toEqual([]);
      expect(await names(all(['retention']))).toEqual(['gold.kpi.t']);
      expect(await search.count()).toBe(2);
      expect(await search.hasPrefix('reten')).toBe(true);
      expect(await search.hasPrefix('zzz')).toBe(false);
      expect((await search.wordsOfLength(5, 5)).sort()).toEqual(['churn']);
    });

    it('removes a namespace with what is below it, and nothing else', async () => {
      const { search } = fixture().store;
      await search.put(doc('namespace', ['bronze', 'pos'], { description: 'tills' }));
      await search.put(doc('table', ['bronze', 'pos', 'sales'], { description: 'tills' }));
      await search.put(
        doc('volume_file', ['bronze', 'pos', 'media', 'f1'], { description: 'tills' }),
      );
      await search.put(doc('table', ['bronze', 'pos2', 'sales'], { description: 'tills' }));
      await search.put(doc('glossary_term', ['bronze'], { description: 'tills' }));
      await search.removeBelow(['bronze', 'pos']);
      expect((await names(all(['tills']))).sort()).toEqual(['bronze', 'bronze.pos2.sales']);
      await search.remove('glossary_term', ['bronze']);
      expect(await names(all(['tills']))).toEqual(['bronze.pos2.sales']);
      expect(await search.knownWords(['tills'])).toEqual(new Set(['tills']));
      await search.clear();
      expect(await search.count()).toBe(0);
      expect(await search.knownWords(['tills'])).toEqual(new Set());
    });

    it('counts table reads, which follow renames and go with drops', async () => {
      const { store } = fixture();
      await store.search.put(doc('table', ['gold', 'a', 'ltv'], { description: 'value' }));
      await store.search.recordReads([['gold', 'a', 'ltv']], new Date('2026-01-01T00:00:00Z'));
      await store.search.recordReads(
        [
          ['gold', 'a', 'ltv'],
          ['gold', 'a', 'ltv'],
        ],
        new Date('2026-01-05T00:00:00Z'),
      );
      const [hit] = await store.search.match(all(['value']));
      expect(hit!.usage).toEqual({ reads: 2, lastReadAt: new Date('2026-01-05T00:00:00Z') });

      await store.securablePaths.rename(['gold', 'a'], ['gold', 'b']);
      await store.search.put(doc('table', ['gold', 'b', 'ltv'], { description: 'value' }));
      await store.search.remove('table', ['gold', 'a', 'ltv']);
      const [moved] = await store.search.match(all(['value']));
      expect(moved!.document.fullName).toBe('gold.b.ltv');
      expect(moved!.usage?.reads).toBe(2);
      await store.securablePaths.forget(['gold', 'b', 'ltv']);
      expect((await store.search.match(all(['value'])))[0]!.usage).toBeNull();
    });

    it('keeps its state', async () => {
      const { search } = fixture().store;
      expect(await search.state('built_at')).toBeUndefined();
      await search.setState('built_at', 'x');
      await search.setState('built_at', 'y');
      expect(await search.state('built_at')).toBe('y');
    });
  });
}
