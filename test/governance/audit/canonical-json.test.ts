import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/governance/audit/canonical-json.js';

describe('canonicalJson', () => {
  it('writes the same text however keys were ordered, at every depth', () => {
    const a = { b: 1, a: { d: [{ y: 2, x: null }], c: 'é "q"' } };
    const b = { a: { c: 'é "q"', d: [{ x: null, y: 2 }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"c":"é \\"q\\"","d":[{"x":null,"y":2}]},"b":1}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
  });

  it('leaves out undefined properties as JSON.stringify does', () => {
    expect(canonicalJson({ a: undefined, b: [undefined] })).toBe('{"b":[null]}');
    expect(JSON.parse(canonicalJson({ a: undefined, b: 1 }))).toEqual(
      JSON.parse(JSON.stringify({ a: undefined, b: 1 })),
    );
  });
});
