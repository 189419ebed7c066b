import { describe, expect, it } from 'vitest';
import { verdicts, worstVerdict } from './types';

describe('worstVerdict', () => {
  it('lets a concrete cause speak for the node over a peer that only warned earlier', () => {
    expect(worstVerdict(['healthy', 'unknown', 'stale-session'])).toBe('stale-session');
    expect(worstVerdict(['healthy', 'unknown'])).toBe('unknown');
    expect(worstVerdict(['healthy'])).toBe('healthy');
    expect(worstVerdict([])).toBeNull();
  });

  it('orders the concrete causes by the precedence of DESIGN.md', () => {
    const causes = verdicts.filter((v) => v !== 'unknown' && v !== 'healthy');
    for (let i = 0; i < causes.length; i++) {
      for (let j = i + 1; j < causes.length; j++) expect(worstVerdict([causes[j]!, causes[i]!])).toBe(causes[i]);
    }
  });
});
