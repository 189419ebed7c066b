import { describe, expect, it } from 'vitest';
import { leaseOptionsFor, parseAgentId, parseLeaseMode } from './lease-mode';

describe('lease mode', () => {
  it('auto leases on PostgreSQL and not on PGlite', () => {
    expect(leaseOptionsFor('auto', 'postgres', { leaseMs: 5000 })).toEqual({ leaseMs: 5000 });
    expect(leaseOptionsFor('auto', 'pglite', { leaseMs: 5000 })).toBe(false);
  });
  it('on and off override the store kind', () => {
    expect(leaseOptionsFor('on', 'pglite', {})).toEqual({});
    expect(leaseOptionsFor('off', 'postgres', {})).toBe(false);
  });
  it('parses the mode, defaulting to auto, and refuses anything else', () => {
    expect(parseLeaseMode(undefined)).toBe('auto');
    expect(parseLeaseMode('')).toBe('auto');
    expect(parseLeaseMode('off')).toBe('off');
    expect(() => parseLeaseMode('yes')).toThrow(/auto, on, off/);
  });
  it('accepts a printable agent id and refuses spaces, control characters and overlong ones', () => {
    expect(parseAgentId('poller-1.dfw:7')).toBe('poller-1.dfw:7');
    expect(parseAgentId(undefined)).toBeUndefined();
    expect(parseAgentId('')).toBeUndefined();
    expect(() => parseAgentId('two words')).toThrow(/printable/);
    expect(() => parseAgentId('a\nb')).toThrow(/printable/);
    expect(() => parseAgentId('x'.repeat(129))).toThrow(/printable/);
  });
});
