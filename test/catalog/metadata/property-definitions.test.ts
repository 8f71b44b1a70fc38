import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetadataTarget, TableIdent } from '../../../src/catalog/index.js';
import type { Caller } from '../../../src/governance/index.js';
import { failure } from '../../failure.js';
import { governedHome, type GovernedHome } from '../governed-home.js';

const daily: TableIdent = { namespace: ['gold', 'revenue'], name: 'daily' };
const target: MetadataTarget = { kind: 'table', path: ['gold', 'revenue', 'daily'] };
const columns = [{ name: 'amount', type: 'double' as const }];

describe('PropertyDefinitions', () => {
  let home: GovernedHome;
  let alice: Caller;

  beforeAll(async () => {
    home = await governedHome();
    await home.services.governed.createNamespace(home.admin, ['gold', 'revenue']);
    await home.services.governed.createTable(home.admin, daily, {
      columns,
      properties: { quality_score: 'high' },
    });
    alice = await home.user('alice');
  });

  afterAll(async () => {
    await home?.close();
  });

  it('lets only an admin or a MANAGE_GRANTS holder declare properties', async () => {
    const { propertyDefinitions } = home.services;
    const refused = await failure(
      propertyDefinitions.define(alice, { name: 'tier', type: 'integer', min: 1, max: 3 }),
    );
    expect(refused.code).toBe('PERMISSION_DENIED');
    const events = await home.events('alice', 'property_definition.create');
    expect(events.map((e) => e.decision)).toEqual(['deny']);
    expect((await propertyDefinitions.list(alice)).map((d) => d.name)).not.toContain('tier');

    const invalid = await failure(
      propertyDefinitions.define(home.admin, { name: 'tier', type: 'integer', min: 3, max: 1 }),
    );
    expect(invalid.code).toBe('INVALID_PROPERTY_DEFINITION');
    const badPattern = await failure(
      propertyDefinitions.define(home.admin, { name: 'code', type: 'string', pattern: '([' }),
    );
    expect(badPattern.code).toBe('INVALID_PROPERTY_DEFINITION');
  });

  it('refuses a rule that values already set break, unless forced, then checks every write', async () => {
    const { propertyDefinitions, metadata, governed } = home.services;
    const score = {
      name: 'quality_score',
      type: 'number' as const,
      min: 0,
      max: 1,
      appliesTo: ['table' as const],
    };
    const inUse = await failure(propertyDefinitions.define(home.admin, score));
    expect(inUse.code).toBe('PROPERTY_DEFINITION_IN_USE');
    expect(inUse.message).toContain('gold.revenue.daily');
    await propertyDefinitions.define(home.admin, score, { force: true });

    const viaMetadata = await failure(
      metadata.update(home.admin, target, { setProperties: { quality_score: '1.5' } }),
    );
    expect(viaMetadata.code).toBe('PROPERTY_VALUE_INVALID');
    expect(viaMetadata.message).toContain('quality_score="1.5"');
    expect(viaMetadata.message).toContain('at most 1');
    const viaTableUpdate = await failure(
      governed.updateTable(home.admin, daily, { setProperties: { quality_score: 'great' } }),
    );
    expect(viaTableUpdate.code).toBe('PROPERTY_VALUE_INVALID');
    expect(viaTableUpdate.message).toContain('must be a number');
    const viaCreate = await failure(
      governed.createTable(
        home.admin,
        { ...daily, name: 'other' },
        {
          columns,
          properties: { quality_score: '-1' },
        },
      ),
    );
    expect(viaCreate.code).toBe('PROPERTY_VALUE_INVALID');
    const onNamespace = await failure(
      governed.updateNamespace(home.admin, ['gold', 'revenue'], {
        setProperties: { quality_score: '0.5' },
      }),
    );
    expect(onNamespace.code).toBe('PROPERTY_NOT_APPLICABLE');

    const updated = await governed.updateTable(home.admin, daily, {
      setProperties: { quality_score: '0.97' },
    });
    expect(updated.properties.quality_score).toBe('0.97');
    expect((await metadata.history(home.admin, target))[0]).toMatchObject({
      field: 'property:quality_score',
      oldValue: 'high',
      newValue: '0.97',
      changedBy: home.admin.principal.name,
    });
  });

  it('enforces properties required in a layer on writes and reports missing ones', async () => {
    const { propertyDefinitions, metadata, governed } = home.services;
    await propertyDefinitions.define(home.admin, {
      name: 'business_domain',
      type: 'enum',
      values: ['finance', 'marketing'],
      requiredIn: ['gold'],
      appliesTo: ['table'],
    });
    expect((await metadata.show(home.admin, target)).missingProperties).toEqual([
      'business_domain',
    ]);
    const created = await failure(
      governed.createTable(home.admin, { ...daily, name: 'monthly' }, { columns }),
    );
    expect(created.code).toBe('PROPERTY_REQUIRED');
    expect(created.message).toContain('business_domain');
    // Silver is not gold: nothing is required there.
    await governed.createNamespace(home.admin, ['silver', 'sales']);
    await governed.createTable(
      home.admin,
      { namespace: ['silver', 'sales'], name: 'x' },
      { columns },
    );

    const wrongValue = await failure(
      metadata.update(home.admin, target, { setProperties: { business_domain: 'hr' } }),
    );
    expect(wrongValue.message).toContain('must be one of finance, marketing');
    await metadata.update(home.admin, target, { setProperties: { business_domain: 'finance' } });
    expect((await metadata.show(home.admin, target)).missingProperties).toEqual([]);
    const unset = await failure(
      metadata.update(home.admin, target, { removeProperties: ['business_domain'] }),
    );
    expect(unset.code).toBe('PROPERTY_REQUIRED');
  });

  it('refuses to drop a definition in use unless forced; the values then stay untyped', async () => {
    const { propertyDefinitions, governed } = home.services;
    const inUse = await failure(propertyDefinitions.drop(home.admin, 'quality_score'));
    expect(inUse.code).toBe('PROPERTY_DEFINITION_IN_USE');
    await propertyDefinitions.drop(home.admin, 'quality_score', { force: true });
    const updated = await governed.updateTable(home.admin, daily, {
      setProperties: { quality_score: 'excellent' },
    });
    expect(updated.properties.quality_score).toBe('excellent');
    expect((await failure(propertyDefinitions.get(home.admin, 'quality_score'))).code).toBe(
      'PROPERTY_DEFINITION_NOT_FOUND',
    );
  });
});
