import { describe, expect, it } from 'vitest';
import { formatPrefix, parseIp, parsePrefix, prefixContains } from './ip';

describe('ip helpers', () => {
  it('parses IPv4 and IPv6, and rejects what is not an address', () => {
    expect(parseIp('209.245.225.161')).toEqual({ family: 'inet', value: 0xd1f5e1a1n });
    expect(parseIp('::1')).toEqual({ family: 'inet6', value: 1n });
    expect(parseIp('2001:db8::1')?.value).toBe(0x20010db8000000000000000000000001n);
    expect(parseIp('::ffff:1.2.3.4')?.value).toBe(0xffff01020304n);
    for (const bad of ['1.2.3', '256.1.1.1', '01.1.1.1', '1::2::3', 'fe80::1%eth0', '', 'a.b.c.d', '1:2:3:4:5:6:7:8:9']) {
      expect(parseIp(bad)).toBeUndefined();
    }
  });

  it('matches prefixes including /0, /31 with host bits and host routes', () => {
    const ip = parseIp('169.254.0.3')!;
    expect(prefixContains(parsePrefix('169.254.0.2/31')!, ip)).toBe(true);
    expect(prefixContains(parsePrefix('169.254.0.4/31')!, ip)).toBe(false);
    expect(prefixContains(parsePrefix('default', 'inet')!, ip)).toBe(true);
    expect(prefixContains(parsePrefix('default', 'inet6')!, ip)).toBe(false);
    expect(prefixContains(parsePrefix('169.254.0.3')!, ip)).toBe(true);
    expect(prefixContains(parsePrefix('2001:db8::/32')!, parseIp('2001:db8:1::5')!)).toBe(true);
  });

  it('rejects malformed prefixes and formats like iproute2', () => {
    expect(parsePrefix('1.2.3.4/33')).toBeUndefined();
    expect(parsePrefix('1.2.3.4/x')).toBeUndefined();
    expect(parsePrefix('default')).toBeUndefined();
    expect(formatPrefix(parsePrefix('216.238.110.55')!)).toBe('216.238.110.55');
    expect(formatPrefix(parsePrefix('198.18.0.0/15')!)).toBe('198.18.0.0/15');
    expect(formatPrefix(parsePrefix('default', 'inet')!)).toBe('default');
  });
});
