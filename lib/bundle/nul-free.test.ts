import { describe, expect, it } from 'vitest';
import { withoutNul } from './nul-free';

describe('withoutNul', () => {
  it('replaces NUL in nested strings and keys with U+FFFD, keeping Dates', () => {
    const at = new Date('2026-11-26T05:00:00Z');
    const out = withoutNul({ at, sections: { hostname: { stdout: 'a\u0000b', exitCode: 0 } }, events: [{ msg: '\u0000', 'k\u0000': 1 }] });
    expect(out).toEqual({ at, sections: { hostname: { stdout: 'a\uFFFDb', exitCode: 0 } }, events: [{ msg: '\uFFFD', 'k\uFFFD': 1 }] });
    expect(out.at).toBe(at);
  });

  it('returns the same object when there is nothing to replace', () => {
    const v = { a: ['x', { b: 'y' }], n: 1, d: new Date(0) };
    expect(withoutNul(v)).toBe(v);
  });
});
