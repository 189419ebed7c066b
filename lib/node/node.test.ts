import { describe, expect, it } from 'vitest';
import { reportedHostname } from './node';

describe('reportedHostname', () => {
  it('takes the first line, trimmed and capped, or nothing', () => {
    expect(reportedHostname('dfw-mn-bm1\n')).toBe('dfw-mn-bm1');
    expect(reportedHostname('  a\nb\n')).toBe('a');
    expect(reportedHostname('')).toBeNull();
    expect(reportedHostname(undefined)).toBeNull();
    expect(reportedHostname('x'.repeat(1000))).toHaveLength(253);
  });
});
