import { describe, expect, it } from 'vitest';
import { clientAddress, formatIp, parseIp, parseTrustedProxies, throttleSource } from './client-address';

describe('parseIp / formatIp', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::1', '::1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['::ffff:10.1.2.3', '10.1.2.3'],
    ['fe80::1%eth0', 'fe80::1'],
  ])('%s reads as %s', (text, expected) => {
    const ip = parseIp(text);
    expect(ip && formatIp(ip)).toBe(expected);
  });
  it.each(['256.1.1.1', '1.2.3', 'evil.example', '', '::g', '1.2.3.4/8', '[::1]'])('refuses %j', (text) => {
    expect(parseIp(text)).toBeUndefined();
  });
});

describe('clientAddress', () => {
  const none = parseTrustedProxies(undefined);
  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    expect(clientAddress({ socketAddress: '203.0.113.9', forwardedFor: '198.51.100.1', trustedProxies: none })).toBe('203.0.113.9');
    expect(clientAddress({ socketAddress: '::ffff:127.0.0.1', forwardedFor: undefined, trustedProxies: none })).toBe('127.0.0.1');
  });

  it('believes only the entries appended by trusted proxies, read from the right', () => {
    const trusted = parseTrustedProxies('127.0.0.1, 10.0.0.0/8');
    // client wrote "6.6.6.6"; the edge proxy 10.0.0.5 appended the real peer 198.51.100.7; nginx on loopback appended 10.0.0.5
    expect(clientAddress({ socketAddress: '127.0.0.1', forwardedFor: '6.6.6.6, 198.51.100.7, 10.0.0.5', trustedProxies: trusted })).toBe('198.51.100.7');
    // an untrusted peer's header is ignored entirely
    expect(clientAddress({ socketAddress: '198.51.100.7', forwardedFor: '10.0.0.5', trustedProxies: trusted })).toBe('198.51.100.7');
    // a trusted proxy that forwarded garbage: the proxy is the client as far as we can tell
    expect(clientAddress({ socketAddress: '127.0.0.1', forwardedFor: 'unknown', trustedProxies: trusted })).toBe('127.0.0.1');
  });

  it('refuses an unreadable FNH_TRUSTED_PROXIES entry by name', () => {
    expect(() => parseTrustedProxies('127.0.0.1, proxy.internal')).toThrow(/proxy.internal/);
    expect(() => parseTrustedProxies('10.0.0.0/33')).toThrow(/10.0.0.0\/33/);
  });
});

describe('throttleSource', () => {
  it('counts IPv4 per address and IPv6 per /64', () => {
    expect(throttleSource('198.51.100.7')).toBe('198.51.100.7');
    expect(throttleSource('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(throttleSource('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(throttleSource('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(throttleSource('nonsense')).toBeUndefined();
  });
});
