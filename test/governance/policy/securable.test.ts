import { describe, expect, it } from 'vitest';
import {
  ancestorsOf,
  containingNamespaces,
  parseSecurable,
  securableText,
} from '../../../src/governance/policy/securable.js';

describe('securableText', () => {
  it('names securables as users write them', () => {
    expect(securableText({ kind: 'catalog', path: [] })).toBe('catalog');
    expect(securableText({ kind: 'table', path: ['gold', 'revenue', 'monthly'] })).toBe(
      'table gold.revenue.monthly',
    );
    expect(securableText({ kind: 'column', path: ['bronze', 'crm', 'customers', 'ssn'] })).toBe(
      'column bronze.crm.customers.ssn',
    );
  });

  it('quotes levels that are not plain identifiers', () => {
    expect(
      securableText({ kind: 'column', path: ['bronze', 'crm', 'customers', 'first "nick" name'] }),
    ).toBe('column bronze.crm.customers."first ""nick"" name"');
    expect(securableText({ kind: 'namespace', path: ['a.b', '1x'] })).toBe('namespace "a.b"."1x"');
  });
});

describe('parseSecurable', () => {
  it('reads back what securableText writes, whatever the characters', () => {
    const paths = [
      ['bronze', 'crm', 'customers', 'ssn'],
      ['bronze', 'crm', 'customers', 'first name'],
      ['bronze', 'crm', 'customers', 'a.b "c"'],
      ['bronze', 'crm', 'customers', 'é'],
    ];
    for (const path of paths) {
      const text = securableText({ kind: 'column', path }).slice('column '.length);
      expect(parseSecurable('column', text)).toEqual({ kind: 'column', path });
    }
    expect(parseSecurable('catalog', '')).toEqual({ kind: 'catalog', path: [] });
    expect(parseSecurable('namespace', 'gold')).toEqual({ kind: 'namespace', path: ['gold'] });
  });

  it('refuses broken names with SECURABLE_NAME_INVALID', () => {
    for (const [kind, text] of [
      ['table', 'gold..x'],
      ['table', 'gold.'],
      ['table', 'gold'],
      ['column', 'gold.t'],
      ['column', 'gold.crm.t."open'],
      ['namespace', ''],
      ['catalog', 'gold'],
    ] as const) {
      expect(() => parseSecurable(kind, text), `${kind} ${text}`).toThrow(
        expect.objectContaining({ code: 'SECURABLE_NAME_INVALID' }),
      );
    }
  });
});

describe('ancestors', () => {
  it('walks column → table → namespaces deepest first → catalog', () => {
    expect(ancestorsOf({ kind: 'column', path: ['gold', 'revenue', 'monthly', 'amount'] })).toEqual(
      [
        { kind: 'table', path: ['gold', 'revenue', 'monthly'] },
        { kind: 'namespace', path: ['gold', 'revenue'] },
        { kind: 'namespace', path: ['gold'] },
        { kind: 'catalog', path: [] },
      ],
    );
    expect(containingNamespaces({ kind: 'namespace', path: ['gold', 'revenue'] })).toEqual([
      { kind: 'namespace', path: ['gold'] },
    ]);
    expect(ancestorsOf({ kind: 'catalog', path: [] })).toEqual([]);
  });
});
