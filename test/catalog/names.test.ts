import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../src/errors/index.js';
import { formatTableName, parseNamespace, parseTableName } from '../../src/catalog/index.js';

function errorOf(fn: () => unknown): InvalidInput {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidInput) return err;
    throw err;
  }
  throw new Error('expected an InvalidInput');
}

describe('table names', () => {
  it('parses layer.namespace.table and deeper namespaces', () => {
    expect(parseTableName('bronze.retail.invoices')).toEqual({
      namespace: ['bronze', 'retail'],
      name: 'invoices',
    });
    expect(parseTableName('silver.retail.pos.sales_2024')).toEqual({
      namespace: ['silver', 'retail', 'pos'],
      name: 'sales_2024',
    });
    expect(formatTableName(parseTableName('gold._metrics.revenue'))).toBe('gold._metrics.revenue');
  });

  it('refuses names with fewer than three levels, with the expected form as a hint', () => {
    const err = errorOf(() => parseTableName('retail.invoices'));
    expect(err.code).toBe('INVALID_NAME');
    expect(err.message).toContain('Table name "retail.invoices"');
    expect(err.hint).toBe('Use layer.namespace.table in lower case, e.g. bronze.retail.invoices');
  });

  it.each([
    ['bronze.Retail.invoices', '"Retail"'],
    ['bronze.retail.1invoices', '"1invoices"'],
    ['bronze.re-tail.invoices', '"re-tail"'],
    ['bronze..invoices', 'empty level'],
    [`bronze.retail.${'a'.repeat(129)}`, 'longer than 128'],
  ])('refuses %s', (text, says) => {
    const err = errorOf(() => parseTableName(text));
    expect(err.code).toBe('INVALID_NAME');
    expect(err.message).toContain(says);
  });

  it('accepts a level of exactly 128 characters', () => {
    expect(parseTableName(`bronze.retail.${'a'.repeat(128)}`).name).toHaveLength(128);
  });

  it('names the layers when the first level is not one', () => {
    const err = errorOf(() => parseTableName('platinum.retail.invoices'));
    expect(err.code).toBe('UNKNOWN_LAYER');
    expect(err.message).toContain('"platinum"');
    expect(err.hint).toContain('bronze, silver, gold');
  });
});

describe('namespace names', () => {
  it('parses one or more levels starting with a layer', () => {
    expect(parseNamespace('bronze')).toEqual(['bronze']);
    expect(parseNamespace('bronze.retail.pos')).toEqual(['bronze', 'retail', 'pos']);
  });

  it('refuses bad levels and unknown layers', () => {
    expect(errorOf(() => parseNamespace('bronze.Retail')).code).toBe('INVALID_NAME');
    expect(errorOf(() => parseNamespace('raw.retail')).code).toBe('UNKNOWN_LAYER');
    expect(errorOf(() => parseNamespace('')).code).toBe('INVALID_NAME');
  });
});
