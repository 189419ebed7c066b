import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every depth, drops undefined members and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, undefined, { z: true, y: null }], c: 'x' }, u: undefined })).toBe(
      '{"a":{"c":"x","d":[3,null,{"y":null,"z":true}]},"b":1}',
    );
  });
  it('gives the same text for the same value whatever the key order (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const reordered = JSON.parse(JSON.stringify(v), (_k, val: unknown) =>
          val && typeof val === 'object' && !Array.isArray(val) ? Object.fromEntries(Object.entries(val).reverse()) : val,
        ) as unknown;
        expect(canonicalJson(reordered)).toBe(canonicalJson(v));
        expect(JSON.parse(canonicalJson(v))).toEqual(JSON.parse(JSON.stringify(v)));
      }),
      { numRuns: 1000 },
    );
  });
  it('keeps a member named __proto__ as a member, so it counts in the text and the hash', () => {
    const withProto = JSON.parse('{"__proto__":{"x":1},"a":2}') as unknown;
    expect(canonicalJson(withProto)).toBe('{"__proto__":{"x":1},"a":2}');
    expect(canonicalJson(withProto)).not.toBe(canonicalJson({ a: 2 }));
  });
  it('refuses what is not JSON data', () => {
    expect(() => canonicalJson({ n: NaN })).toThrow('non-finite');
    expect(() => canonicalJson({ d: new Date(0) })).toThrow('only plain objects');
    expect(() => canonicalJson(() => 1)).toThrow('unsupported function');
  });
});
