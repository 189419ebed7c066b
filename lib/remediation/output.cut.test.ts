import { describe, expect, it } from 'vitest';
import { capText } from './output';

describe('capText at the cut', () => {
  it('keeps a whole character that ends exactly at the cap, even U+FFFD (a NUL the node sent, or its own)', () => {
    expect(capText('ab\uFFFDc', 5)).toEqual({ text: 'ab\uFFFD', truncated: true });
    expect(capText('ab\u0000c', 5)).toEqual({ text: 'ab\uFFFD', truncated: true });
    expect(capText('a\uFFFD', 4)).toEqual({ text: 'a\uFFFD', truncated: false });
  });

  it('drops a character the cap would split, whatever its length in bytes', () => {
    expect(capText('ab\uFFFDc', 4)).toEqual({ text: 'ab', truncated: true });
    expect(capText('a😀', 4)).toEqual({ text: 'a', truncated: true });
    expect(capText('a😀b', 5)).toEqual({ text: 'a😀', truncated: true });
  });
});
