import { describe, expect, it } from 'vitest';
import { FirstRound } from './first-round';

describe('FirstRound', () => {
  it('says once, when the last node has its first poll stored, how long it took and how many answered', () => {
    const round = new FirstRound(['a', 'b', 'c'], 1_000);
    expect(round.stored('a', true, 2_000)).toBeUndefined();
    // a second poll of a node does not count for another one
    expect(round.stored('a', true, 3_000)).toBeUndefined();
    expect(round.stored('b', false, 4_000)).toBeUndefined();
    expect(round.stored('c', true, 26_300)).toBe('agent: first poll of all 3 nodes stored after 25.3 s (2 answered, 1 failed)');
    expect(round.stored('c', true, 30_000)).toBeUndefined();
  });

  it('ignores nodes it was not given', () => {
    const round = new FirstRound(['a'], 0);
    expect(round.stored('z', true, 1)).toBeUndefined();
    expect(round.stored('a', true, 1_000)).toBe('agent: first poll of all 1 nodes stored after 1.0 s (1 answered, 0 failed)');
  });
});
