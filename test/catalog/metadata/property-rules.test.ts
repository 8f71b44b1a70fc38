import { describe, expect, it } from 'vitest';
import { checkDefinition, ruleBroken } from '../../../src/catalog/metadata/property-rules.js';
import type { PropertyDefinitionInput } from '../../../src/catalog/index.js';

const broken = (input: PropertyDefinitionInput, value: string) =>
  ruleBroken(checkDefinition(input), value);

describe('property rules', () => {
  it('checks numbers and integers against their bounds', () => {
    const score = { name: 's', type: 'number', min: 0, max: 1 } as const;
    expect(broken(score, '0.5')).toBeUndefined();
    expect(broken(score, '1e-3')).toBeUndefined();
    expect(broken(score, '1.01')).toBe('must be at most 1');
    expect(broken(score, '-0.1')).toBe('must be at least 0');
    expect(broken(score, 'NaN')).toBe('must be a number');
    expect(broken(score, '')).toBe('must be a number');
    const count = { name: 'c', type: 'integer', min: 1 } as const;
    expect(broken(count, '3')).toBeUndefined();
    expect(broken(count, '3.5')).toBe('must be an integer');
    expect(broken(count, '0')).toBe('must be at least 1');
  });

  it('checks patterns against the whole value, enums, booleans and calendar dates', () => {
    const code = { name: 'code', type: 'string', pattern: '[A-Z]{2}-\\d+' } as const;
    expect(broken(code, 'FR-12')).toBeUndefined();
    expect(broken(code, 'xFR-12')).toBe('must match the pattern /[A-Z]{2}-\\d+/');
    expect(broken({ name: 'free', type: 'string' }, 'anything')).toBeUndefined();
    const domain: PropertyDefinitionInput = {
      name: 'd',
      type: 'enum',
      values: ['finance', 'sales'],
    };
    expect(broken(domain, 'sales')).toBeUndefined();
    expect(broken(domain, 'Sales')).toBe('must be one of finance, sales');
    expect(broken({ name: 'b', type: 'boolean' }, 'true')).toBeUndefined();
    expect(broken({ name: 'b', type: 'boolean' }, 'yes')).toBe('must be true or false');
    expect(broken({ name: 'day', type: 'date' }, '2024-02-29')).toBeUndefined();
    expect(broken({ name: 'day', type: 'date' }, '2023-02-29')).toBe(
      'must be a date as YYYY-MM-DD',
    );
  });

  it('refuses definitions that do not make sense', () => {
    const code = (input: PropertyDefinitionInput) => {
      try {
        checkDefinition(input);
        return 'accepted';
      } catch (err) {
        return (err as { code: string }).code;
      }
    };
    expect(code({ name: 'x', type: 'enum' })).toBe('INVALID_PROPERTY_DEFINITION');
    expect(code({ name: 'x', type: 'boolean', min: 1 })).toBe('INVALID_PROPERTY_DEFINITION');
    expect(code({ name: 'x', type: 'number', pattern: '\\d' })).toBe('INVALID_PROPERTY_DEFINITION');
    expect(code({ name: 'x', type: 'integer', min: 0.5 })).toBe('INVALID_PROPERTY_DEFINITION');
    expect(code({ name: 'x y', type: 'string' })).toBe('INVALID_PROPERTY_DEFINITION');
    expect(code({ name: 'x', type: 'string', appliesTo: [] })).toBe('INVALID_PROPERTY_DEFINITION');
    expect(code({ name: 'x', type: 'enum', values: ['a', 'a'] })).toBe(
      'INVALID_PROPERTY_DEFINITION',
    );
    expect(code({ name: 'x', type: 'string', requiredIn: ['platinum' as 'gold'] })).toBe(
      'INVALID_PROPERTY_DEFINITION',
    );
    expect(code({ name: 'business_domain', type: 'enum', values: ['a'] })).toBe('accepted');
  });
});
