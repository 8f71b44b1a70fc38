import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetadataTarget, TableIdent } from '../../../src/catalog/index.js';
import type { Caller } from '../../../src/governance/index.js';
import { failure } from '../../failure.js';
import { governedHome, type GovernedHome } from '../governed-home.js';

const daily: TableIdent = { namespace: ['gold', 'revenue'], name: 'daily' };
const dailyV2: TableIdent = { namespace: ['gold', 'revenue'], name: 'daily_v2' };
const table = (ident: TableIdent): MetadataTarget => ({
  kind: 'table',
  path: [...ident.namespace, ident.name],
});
const columns = [
  { name: 'store', type: 'string' as const },
  { name: 'amount', type: 'double' as const },
];

describe('CatalogMetadata', () => {
  let home: GovernedHome;
  let viewer: Caller;
  let editor: Caller;
  let stranger: Caller;

  beforeAll(async () => {
    home = await governedHome();
    const { governed } = home.services;
    await governed.createNamespace(home.admin, ['gold', 'revenue']);
    await governed.createTable(home.admin, daily, { columns });
    await governed.createTable(home.admin, dailyV2, { columns });
    viewer = await home.user('viewer', ['data_eng']);
    editor = await home.user('editor');
    stranger = await home.user('stranger');
    await home.grant(['USAGE'], { kind: 'namespace', path: ['gold', 'revenue'] }, 'all_users');
    await home.grant(['DESCRIBE'], table(daily), viewer);
    await home.grant(['DESCRIBE', 'ALTER'], table(daily), editor);
  });

  afterAll(async () => {
    await home?.close();
  });

  it('shows the governance owner until a business owner is set, and versions every change', async () => {
    const { metadata } = home.services;
    const before = await metadata.show(viewer, table(daily));
    expect(before).toMatchObject({
      kind: 'table',
      name: 'gold.revenue.daily',
      description: null,
      owner: null,
      governanceOwner: { kind: 'principal', name: home.admin.principal.name },
      certification: null,
    });
    expect(before.columns.map((c) => c.name)).toEqual(['store', 'amount']);

    const after = await metadata.update(editor, table(daily), {
      description: 'Daily revenue per **store**.',
      owner: { kind: 'group', name: 'data_eng', contactEmail: 'data-eng@example.com' },
      setProperties: { business_domain: 'finance' },
    });
    expect(after.owner).toEqual({
      kind: 'group',
      name: 'data_eng',
      contactEmail: 'data-eng@example.com',
    });
    expect(after.properties).toMatchObject({ business_domain: 'finance' });
    expect((await home.services.governed.describeTable(viewer, daily)).description).toBe(
      'Daily revenue per **store**.',
    );

    await metadata.update(editor, table(daily), { description: 'Revenue per store and day.' });
    const history = await metadata.history(viewer, table(daily));
    expect(history[0]).toMatchObject({
      field: 'description',
      oldValue: 'Daily revenue per **store**.',
      newValue: 'Revenue per store and day.',
      changedBy: 'editor',
    });
    expect(history.map((h) => h.field)).toEqual(
      expect.arrayContaining(['owner', 'property:business_domain']),
    );
    expect(history.find((h) => h.field === 'owner')).toMatchObject({
      oldValue: null,
      newValue: 'group data_eng <data-eng@example.com>',
    });
    const events = await home.events('editor', 'metadata.update');
    expect(events.map((e) => e.decision)).toEqual(['allow', 'allow']);
    expect(events[0]!.resource).toBe('table:gold.revenue.daily');
  });

  it('refuses a caller without ALTER, audited as a deny, and hides what the caller may not describe', async () => {
    const { metadata } = home.services;
    const denied = await failure(metadata.update(viewer, table(daily), { description: 'mine' }));
    expect(denied.code).toBe('PERMISSION_DENIED');
    expect((await home.events('viewer', 'metadata.update')).map((e) => e.decision)).toEqual([
      'deny',
    ]);

    const hidden = await failure(metadata.show(stranger, table(daily)));
    const missing = await failure(
      metadata.show(stranger, table({ namespace: ['gold', 'revenue'], name: 'nothing' })),
    );
    expect(hidden.code).toBe('TABLE_NOT_FOUND');
    expect(hidden.message).toBe(missing.message.replace('nothing', 'daily'));
    expect((await failure(metadata.history(stranger, table(daily)))).code).toBe('TABLE_NOT_FOUND');
    // An admin asking about a table that does not exist gets the catalog's answer too.
    const absent = await failure(metadata.show(home.admin, table({ ...daily, name: 'absent' })));
    expect(absent.code).toBe('TABLE_NOT_FOUND');
  });

  it('checks owners, e-mails and certifications', async () => {
    const { metadata } = home.services;
    const owner = (name: string, kind: 'group' | 'principal', contactEmail: string | null = null) =>
      metadata.update(editor, table(daily), { owner: { kind, name, contactEmail } });
    expect((await failure(owner('data_eng', 'group', 'not-an-address'))).code).toBe(
      'INVALID_EMAIL',
    );
    expect((await failure(owner('ghosts', 'group'))).code).toBe('GROUP_NOT_FOUND');
    expect((await failure(owner('ghost', 'principal'))).code).toBe('PRINCIPAL_NOT_FOUND');
    expect((await owner('viewer', 'principal')).owner).toEqual({
      kind: 'principal',
      name: 'viewer',
      contactEmail: null,
    });

    const certify = metadata.certify.bind(metadata, editor, table(daily));
    expect((await failure(certify({ status: 'deprecated' }))).code).toBe(
      'DEPRECATION_REASON_REQUIRED',
    );
    expect(
      (
        await failure(
          certify({ status: 'deprecated', reason: 'v2', replacement: 'gold.revenue.nope' }),
        )
      ).code,
    ).toBe('TABLE_NOT_FOUND');
    // The editor may not see daily_v2: it cannot be named as the replacement.
    expect(
      (
        await failure(
          certify({ status: 'deprecated', reason: 'v2', replacement: 'gold.revenue.daily_v2' }),
        )
      ).code,
    ).toBe('TABLE_NOT_FOUND');
    expect(
      (await failure(certify({ status: 'certified', replacement: 'gold.revenue.daily_v2' }))).code,
    ).toBe('INVALID_CERTIFICATION');

    const deprecated = await metadata.certify(home.admin, table(daily), {
      status: 'deprecated',
      reason: 'Replaced by the v2 pipeline',
      replacement: 'gold.revenue.daily_v2',
    });
    expect(deprecated.certification).toMatchObject({
      status: 'deprecated',
      reason: 'Replaced by the v2 pipeline',
      replacement: 'gold.revenue.daily_v2',
      by: home.admin.principal.name,
    });
    const certified = await metadata.certify(editor, table(daily), { status: 'certified' });
    expect(certified.certification).toMatchObject({
      status: 'certified',
      reason: null,
      by: 'editor',
    });
    expect((await metadata.history(viewer, table(daily)))[0]).toMatchObject({
      field: 'certification',
      oldValue: 'deprecated: Replaced by the v2 pipeline (replacement: gold.revenue.daily_v2)',
      newValue: 'certified',
    });
    expect(await home.services.metadata.read('table', table(daily).path)).toMatchObject({
      certification: { status: 'certified' },
    });
  });

  it('keeps column descriptions through column and table renames, and forgets them on drop', async () => {
    const { metadata, governed } = home.services;
    const ident: TableIdent = { namespace: ['gold', 'revenue'], name: 'weekly' };
    await governed.createTable(home.admin, ident, { columns });
    await metadata.describeColumns(home.admin, table(ident).path, { amount: 'Net, in **EUR**' });
    expect(
      (await failure(metadata.describeColumns(home.admin, table(ident).path, { nope: 'x' }))).code,
    ).toBe('COLUMN_NOT_FOUND');

    await governed.evolveSchema(home.admin, ident, [
      { kind: 'rename', name: 'amount', newName: 'net_amount' },
    ]);
    const renamed: TableIdent = { namespace: ['gold', 'revenue'], name: 'weekly_sales' };
    await governed.renameTable(home.admin, ident, renamed);
    const shown = await metadata.show(home.admin, table(renamed));
    expect(shown.columnDescriptions).toEqual({ net_amount: 'Net, in **EUR**' });
    expect(shown.columns.find((c) => c.name === 'net_amount')?.description).toBe('Net, in **EUR**');
    expect((await metadata.history(home.admin, table(renamed)))[0]).toMatchObject({
      field: 'column_description:amount',
      newValue: 'Net, in **EUR**',
    });

    await governed.dropTable(home.admin, renamed);
    await governed.createTable(home.admin, renamed, { columns });
    const recreated = await metadata.show(home.admin, table(renamed));
    expect(recreated.columnDescriptions).toEqual({});
    expect(await metadata.history(home.admin, table(renamed))).toEqual([]);
  });

  it('keeps namespace metadata and answers for volumes that do not exist', async () => {
    const { metadata } = home.services;
    const ns: MetadataTarget = { kind: 'namespace', path: ['gold', 'revenue'] };
    const shown = await metadata.update(home.admin, ns, { description: '# Revenue' });
    expect(shown).toMatchObject({
      kind: 'namespace',
      name: 'gold.revenue',
      description: '# Revenue',
    });
    const volume: MetadataTarget = { kind: 'volume', path: ['gold', 'revenue', 'decks'] };
    expect((await failure(metadata.show(home.admin, volume))).code).toBe('VOLUME_NOT_FOUND');

    await home.services.metastore.volumes.create({
      namespace: ['gold', 'revenue'],
      name: 'decks',
      location: 'gold/revenue/decks',
      description: 'Board decks',
    });
    const described = await metadata.update(home.admin, volume, {
      description: 'Quarterly **board** decks',
      setProperties: { retention: '7y' },
    });
    expect(described).toMatchObject({
      kind: 'volume',
      description: 'Quarterly **board** decks',
      properties: { retention: '7y' },
    });
    const row = await home.services.metastore.volumes.get(['gold', 'revenue'], 'decks');
    expect(row?.description).toBe('Quarterly **board** decks');
    expect((await metadata.history(home.admin, volume)).map((h) => h.field)).toEqual([
      'property:retention',
      'description',
    ]);
  });
});
