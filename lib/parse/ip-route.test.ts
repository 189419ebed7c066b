import { describe, expect, it } from 'vitest';
import { formatRoute, parseIpRoute } from './ip-route';
import { testdata } from './testdata';

describe('parseIpRoute', () => {
  const { items, issues } = parseIpRoute(testdata('ip-route.json'));

  it('reads every route of real `ip -j route show table all` output', () => {
    expect(issues).toEqual([]);
    expect(items).toHaveLength(21);
  });

  it('reads the daemon-style BGP host route in main: proto, src, gateway, dev', () => {
    const bgp = items.find((r) => r.dstText === '216.238.110.55');
    expect(bgp).toMatchObject({
      table: 'main',
      type: 'unicast',
      protocol: 'bgp',
      prefsrc: '209.245.225.161',
      gateway: '169.254.0.2',
      dev: 'doublezero0',
      scope: 'universe',
      metric: 0,
    });
    expect(bgp?.dst).toEqual({ family: 'inet', addr: '216.238.110.55', len: 32 });
    expect(formatRoute(bgp!)).toBe('216.238.110.55 via 169.254.0.2 dev doublezero0 proto bgp src 209.245.225.161');
  });

  it('reads types, tables, default, metrics and multipath nexthops', () => {
    expect(items.find((r) => r.dstText === 'default')).toMatchObject({ dst: { family: 'inet', len: 0 }, metric: 100, table: 'main' });
    expect(items.find((r) => r.dstText === '198.18.5.0/24')).toMatchObject({ type: 'unreachable', table: 'main' });
    expect(items.find((r) => r.dstText === '198.18.6.0/24')).toMatchObject({ type: 'blackhole', table: '100' });
    expect(items.find((r) => r.dstText === '198.18.7.0/24')).toMatchObject({ type: 'prohibit', table: '100' });
    expect(items.find((r) => r.dstText === '198.18.8.0/24')?.nexthops).toEqual([
      { gateway: '169.254.0.2', dev: 'doublezero0', weight: 1, flags: [] },
      { gateway: '169.254.0.2', dev: 'doublezero0', weight: 2, flags: [] },
    ]);
    const local = items.filter((r) => r.table === 'local' && r.type === 'local').map((r) => r.dstText);
    expect(local).toEqual([
      '127.0.0.0/8',
      '127.0.0.1',
      '169.254.0.3',
      '209.245.225.161',
      '::1',
      '2001:db8::1',
      'fe80::68c1:11ff:fed1:1703',
      'fe80::a4ca:47ff:fef3:6e31',
    ]);
    expect(items.find((r) => r.dstText === '127.255.255.255')).toMatchObject({ type: 'broadcast', scope: 'link' });
    expect(items.find((r) => r.dstText === '2001:db8::/64')).toMatchObject({ dst: { family: 'inet6', len: 64 }, metric: 256 });
  });

  it('tells the family of a default route from its gateway or its IPv6 preference', () => {
    const text = JSON.stringify([
      { dst: 'default', gateway: 'fe80::1', dev: 'eth0', flags: [] },
      { dst: 'default', dev: 'doublezero0', flags: [], pref: 'medium' },
      { dst: 'default', dev: 'doublezero0', flags: [] },
      { dst: '1.2.3.4/99', flags: [] },
    ]);
    const parsed = parseIpRoute(text);
    expect(parsed.items.map((r) => r.dst.family)).toEqual(['inet6', 'inet6', 'inet']);
    expect(parsed.issues).toHaveLength(1);
  });
});
