import { createReadStream } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../../src/governance/index.js';
import { createCatalog } from './search-catalog.js';
import { searchHome, type SearchHome } from './search-home.js';

const DAISY = path.resolve('../shared/data/images/daisy/100080576_f52e8ee070_n.jpg');
const photos = { namespace: ['bronze', 'media'], name: 'photos' };

describe('search over glossary terms, volumes and their files', () => {
  let home: SearchHome;
  let guest: Caller;
  const find = (q: string, extra: Record<string, unknown> = {}, as?: Caller) =>
    home.services.search.search(as ?? home.admin, { q, ...extra });
  const names = async (q: string, extra: Record<string, unknown> = {}, as?: Caller) =>
    (await find(q, extra, as)).results.map((r) => `${r.kind}:${r.fullName}`);

  beforeAll(async () => {
    home = await searchHome('sqlite');
    await createCatalog(home.services, home.admin);
    guest = await home.user('guest');
  }, 120_000);
  afterAll(async () => home?.close());

  it('finds a glossary term by a synonym, and the tables linked to it', async () => {
    const { glossary } = home.services;
    await glossary.createTerm(home.admin, {
      name: 'Customer Lifetime Value',
      definition: 'Revenue a customer is expected to bring over the whole relationship',
      synonyms: ['CLV'],
    });
    await glossary.link(home.admin, 'Customer Lifetime Value', {
      table: { namespace: ['gold', 'customer_ltv'], name: 'customer_ltv' },
    });
    const found = await names('clv');
    expect(found).toEqual(
      expect.arrayContaining([
        'glossary_term:Customer Lifetime Value',
        'table:gold.customer_ltv.customer_ltv',
      ]),
    );
    expect(await names('clv', { kind: 'glossary_term' })).toEqual([
      'glossary_term:Customer Lifetime Value',
    ]);
    const table = (await find('clv', { kind: 'table' })).results[0]!;
    expect(table.why[0]).toContain('glossary terms (clv)');
    // Terms are shared vocabulary; the linked table stays hidden from who may not see it.
    expect(await names('clv', {}, guest)).toEqual(['glossary_term:Customer Lifetime Value']);
  });

  it('finds a volume and its files by name, type and extracted metadata, for who may see them', async () => {
    const { volumes, governed } = home.services;
    await governed.createNamespace(home.admin, ['bronze', 'media']);
    await volumes.create(home.admin, photos, { description: 'Flower photos from Flickr' });
    await volumes.files.upload(home.admin, photos, 'daisy/one.jpg', createReadStream(DAISY));
    expect(await names('flower photos')).toEqual(['volume:bronze.media.photos']);
    const files = await find('daisy jpeg', { kind: 'volume_file' });
    expect(files.results.map((r) => r.fullName)).toEqual(['bronze.media.photos/daisy/one.jpg']);
    expect(files.results[0]).toMatchObject({ format: 'volume', layer: 'bronze' });
    expect(await names('daisy', {}, guest)).toEqual([]);

    await volumes.drop(home.admin, photos);
    // `daisy` now means `daily` (one typo away): the files are gone from the index.
    expect(await names('daisy', { kind: 'volume_file' })).toEqual([]);
    expect(await names('flower photos')).toEqual([]);
  });
});
