import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../../src/governance/index.js';
import { createCatalog } from './search-catalog.js';
import { searchHome, type SearchHome } from './search-home.js';

describe('search shows only what the caller may describe', () => {
  let home: SearchHome;
  let ana: Caller;

  beforeAll(async () => {
    home = await searchHome('sqlite');
    await createCatalog(home.services, home.admin);
    const { policies } = home.services;
    ana = await home.user('ana');
    await policies.grant(home.admin, {
      privileges: ['USAGE', 'DESCRIBE'],
      securable: { kind: 'namespace', path: ['gold', 'revenue'] },
      grantee: { kind: 'principal', name: 'ana' },
    });
    await policies.createTagKey(home.admin, { key: 'domain', allowedValues: ['finance', 'crm'] });
    await policies.assignTag(
      home.admin,
      { kind: 'table', path: ['gold', 'customers', 'customer_revenue'] },
      'domain',
      'finance',
    );
    await policies.assignTag(
      home.admin,
      { kind: 'table', path: ['gold', 'revenue', 'daily_revenue'] },
      'domain',
      'crm',
    );
  }, 120_000);
  afterAll(async () => home?.close());

  it('returns only permitted results, with totals and facets counted over them', async () => {
    const admins = await home.services.search.search(home.admin, { q: 'revenue' });
    expect(admins.results.map((r) => r.fullName)).toContain('gold.customers.customer_revenue');
    expect(admins.facets.tag).toEqual(
      expect.arrayContaining([{ value: 'domain=finance', count: 1 }]),
    );

    const answer = await home.services.search.search(ana, { q: 'revenue', limit: 100 });
    const names = answer.results.map((r) => r.fullName).sort();
    expect(names).toEqual([
      'gold.revenue',
      'gold.revenue.daily_revenue',
      'gold.revenue.monthly_revenue',
      'gold.revenue.revenue_forecast',
    ]);
    expect(answer.total).toBe(4);
    expect(answer.facets.namespace).toEqual([
      { value: 'gold.revenue', count: 3 },
      { value: 'gold', count: 1 },
    ]);
    expect(answer.facets.kind).toEqual([
      { value: 'table', count: 3 },
      { value: 'namespace', count: 1 },
    ]);
    // The hidden table's tag counts nowhere; the visible one's does.
    expect(answer.facets.tag).toEqual([{ value: 'domain=crm', count: 1 }]);
  });

  it('finds nothing hidden through a filter', async () => {
    const byTag = await home.services.search.search(ana, { q: '', tag: 'domain=finance' });
    expect(byTag).toMatchObject({ total: 0, results: [] });
    const byName = await home.services.search.search(ana, { q: 'customer_ltv' });
    expect(byName.results.map((r) => r.fullName)).not.toContain('gold.customer_ltv.customer_ltv');
    expect(byName.results.every((r) => r.fullName.startsWith('gold.revenue'))).toBe(true);
  });

  it('pages through the results', async () => {
    const first = await home.services.search.search(ana, { q: 'revenue', limit: 2 });
    const next = await home.services.search.search(ana, { q: 'revenue', limit: 2, offset: 2 });
    expect(first.total).toBe(4);
    expect(first.results).toHaveLength(2);
    expect(next.results).toHaveLength(2);
    const all = [...first.results, ...next.results].map((r) => r.fullName);
    expect(new Set(all).size).toBe(4);
  });

  it('records each search as one audit event', async () => {
    const before = await home.services.audit.query(home.admin, {
      principal: 'ana',
      action: 'search',
    });
    await home.services.search.search(ana, { q: 'monthly revenue' });
    const after = await home.services.audit.query(home.admin, {
      principal: 'ana',
      action: 'search',
    });
    expect(after.length).toBe(before.length + 1);
    const event = after.find((e) => !before.some((b) => b.seq === e.seq))!;
    expect(event).toMatchObject({ decision: 'allow', action: 'search' });
    expect(event.querySha256).not.toBeNull();
  });

  it('refuses bad filters as invalid input', async () => {
    await expect(home.services.search.search(ana, { q: 'x', tag: 'domain' })).rejects.toMatchObject(
      {
        code: 'INVALID_SEARCH',
      },
    );
    await expect(
      home.services.search.search(ana, { q: 'x', certification: 'gold' }),
    ).rejects.toMatchObject({ code: 'INVALID_SEARCH' });
    await expect(home.services.search.search(ana, { q: 'x', limit: 0 })).rejects.toMatchObject({
      code: 'INVALID_SEARCH',
    });
  });

  it('lets only an admin rebuild the index', async () => {
    await expect(home.services.search.reindex(ana)).rejects.toMatchObject({
      code: 'SEARCH_REINDEX_NOT_ALLOWED',
    });
    const rebuilt = await home.services.search.reindex(home.admin);
    expect(rebuilt.documents).toBeGreaterThanOrEqual(28 + 3);
    const answer = await home.services.search.search(ana, { q: 'revenue' });
    expect(answer.total).toBe(4);
  });
});
