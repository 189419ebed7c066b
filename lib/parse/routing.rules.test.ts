import { describe, expect, it } from 'vitest';
import { formatRoute, parseIpRoute, type Route } from './ip-route';
import { formatRule, parseIpRule, type Rule } from './ip-rule';
import { normalizeTable } from './table-name';

// `ip -j rule show` and `ip -j route show table all` records as iproute2 prints them (ip/iprule.c,
// ip/iproute.c print_*), one field at a time, and the text they are shown with in the evidence.

const rules = (records: unknown[]) => parseIpRule(JSON.stringify(records));
const oneRule = (record: Record<string, unknown>): Rule => {
  const { items, issues } = rules([{ priority: 10, ...record }]);
  expect(issues).toEqual([]);
  return items[0]!;
};

describe('parseIpRule', () => {
  it.each<[string, Record<string, unknown>, Partial<Rule>]>([
    ['a plain lookup', { table: 'main' }, { action: 'lookup', table: 'main', not: false, otherSelectors: [] }],
    ['a lookup of a numbered table', { table: 100 }, { table: '100' }],
    ['a lookup of table 254 as main', { table: 254 }, { table: 'main' }],
    ['a lookup without a table as main', {}, { action: 'lookup', table: 'main' }],
    ['an inverted rule (`"not": null`)', { not: null, table: 'main' }, { not: true }],
    ['a source with its length', { src: '10.1.0.0', srclen: 16 }, { src: { family: 'inet', addr: '10.1.0.0', len: 16 } }],
    ['a source host', { src: '10.1.0.1' }, { src: { family: 'inet', addr: '10.1.0.1', len: 32 } }],
    ['a destination', { dst: '2001:db8::', dstlen: 32 }, { dst: { family: 'inet6', addr: '2001:db8::', len: 32 } }],
    ['fwmark and mask in hex', { fwmark: '0x10', fwmask: '0xff' }, { fwmark: 16, fwmask: 255 }],
    ['fwmark as a number', { fwmark: 7 }, { fwmark: 7 }],
    ['iif and oif', { iif: 'lo', oif: 'doublezero0' }, { iif: 'lo', oif: 'doublezero0' }],
    ['suppress_prefixlength', { table: 'main', suppress_prefixlen: 0 }, { suppressPrefixlen: 0 }],
    ['ipproto as a number', { ipproto: 17 }, { ipproto: '17' }],
    ['tos as a number', { tos: 16 }, { tos: '16' }],
    ['one source port', { sport: 44880 }, { sport: { from: 44880, to: 44880 } }],
    ['a destination port range', { dport_start: 1000, dport_end: 2000 }, { dport: { from: 1000, to: 2000 } }],
    ['a source port range', { sport_start: 1, sport_end: 2 }, { sport: { from: 1, to: 2 } }],
    ['a goto', { action: 'goto', goto: 32766 }, { action: 'goto', goto: 32766 }],
    ['a goto without the action word', { goto: 300 }, { action: 'goto', goto: 300 }],
    ['an unreachable rule', { action: 'unreachable' }, { action: 'unreachable' }],
    ['a prohibit rule', { action: 'prohibit' }, { action: 'prohibit' }],
    ['a blackhole rule', { action: 'blackhole' }, { action: 'blackhole' }],
    ['a nop rule', { action: 'nop' }, { action: 'nop' }],
    [
      'selectors the lookup does not evaluate',
      { table: 'main', uid_start: 0, uid_end: 0, l3mdev: null, flags: [], protocol: 'kernel', iif_detached: null, oif_detached: null, suppress_ifgroup: 'x' },
      { otherSelectors: ['uid_start', 'uid_end', 'l3mdev'] },
    ],
  ])('reads %s', (_name, record, expected) => {
    expect(oneRule(record)).toMatchObject(expected);
  });

  it('gives no selector that was not printed', () => {
    const r = oneRule({ src: 'all', table: 'main' });
    for (const key of ['src', 'dst', 'iif', 'oif', 'fwmark', 'fwmask', 'goto', 'suppressPrefixlen', 'ipproto', 'tos', 'sport', 'dport'] as const)
      expect(r[key]).toBeUndefined();
    expect(oneRule({ sport_start: 5 }).sport).toBeUndefined();
    expect(oneRule({ action: 'prohibit', table: 'main' }).table).toBeUndefined();
  });

  it('reports an unknown action and treats it as nop', () => {
    const { items, issues } = rules([{ priority: 1, action: 'l3mdev-something-very-long-indeed' }]);
    expect(items[0]?.action).toBe('nop');
    expect(issues).toEqual([{ at: 0, message: 'ip rule record 0: unknown action l3mdev-something-ver' }]);
  });

  it('skips a rule whose source or destination does not parse, and sorts the rest by priority', () => {
    const { items, issues } = rules([
      { priority: 300 },
      { priority: 5, src: 'nope' },
      { priority: 100 },
      { priority: 6, dst: '1.2.3.4', dstlen: 40 },
      { priority: 0 },
    ]);
    expect(items.map((r) => r.priority)).toEqual([0, 100, 300]);
    expect(issues).toEqual([
      { at: 1, message: 'ip rule record 1: unreadable src/dst' },
      { at: 3, message: 'ip rule record 3: unreadable src/dst' },
    ]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a lookup', { priority: 0, table: 'local' }, '0: from all lookup local'],
    ['an inverted source rule', { priority: 100, not: null, src: '10.0.0.1', table: 100 }, '100: not from 10.0.0.1/32 lookup 100'],
    [
      'a destination and fwmark without mask',
      { priority: 1, dst: '198.18.0.0', dstlen: 15, fwmark: 16 },
      '1: from all to 198.18.0.0/15 fwmark 0x10 lookup main',
    ],
    [
      'ports, protocol, tos, devices',
      { priority: 2, tos: '0x10', ipproto: 'udp', sport: 5, dport_start: 6, dport_end: 7, iif: 'lo', oif: 'eth0' },
      '2: from all tos 0x10 ipproto udp sport 5 dport 6-7 iif lo oif eth0 lookup main',
    ],
    [
      'a source port range and one destination port',
      { priority: 2, sport_start: 1, sport_end: 9, dport: 44880 },
      '2: from all sport 1-9 dport 44880 lookup main',
    ],
    ['a goto', { priority: 304, goto: 32766 }, '304: from all goto 32766'],
    ['an error action', { priority: 301, action: 'prohibit' }, '301: from all prohibit'],
    ['a suppressor', { priority: 303, table: 'main', suppress_prefixlen: 0 }, '303: from all lookup main suppress_prefixlength 0'],
    ['selectors not evaluated', { priority: 9, uidrange: '0-0' }, '9: from all lookup main (+uidrange)'],
  ])('formats %s as ip rule does', (_name, record, text) => {
    expect(formatRule(rules([record]).items[0]!)).toBe(text);
  });

  it('formats a lookup rule whose table was lost as main', () => {
    const r = oneRule({});
    expect(formatRule({ ...r, table: undefined })).toBe('10: from all lookup main');
  });
});

const routes = (records: unknown[]) => parseIpRoute(JSON.stringify(records.map((r) => ({ flags: [], ...(r as object) }))));
const oneRoute = (record: Record<string, unknown>): Route => {
  const { items, issues } = routes([record]);
  expect(issues).toEqual([]);
  return items[0]!;
};

describe('parseIpRoute', () => {
  it.each<[string, Record<string, unknown>, Partial<Route>]>([
    [
      'a host route',
      { dst: '10.0.0.1' },
      { dst: { family: 'inet', addr: '10.0.0.1', len: 32 }, dstText: '10.0.0.1', table: 'main', type: 'unicast', scope: 'universe', metric: 0 },
    ],
    ['a network', { dst: '10.0.0.0/8' }, { dst: { family: 'inet', addr: '10.0.0.0', len: 8 } }],
    ['a /32 written out', { dst: '10.0.0.1/32' }, { dst: { family: 'inet', addr: '10.0.0.1', len: 32 } }],
    ['a /0', { dst: '0.0.0.0/0' }, { dst: { family: 'inet', addr: '0.0.0.0', len: 0 } }],
    ['an IPv6 network', { dst: '2001:db8::/64' }, { dst: { family: 'inet6', addr: '2001:db8::', len: 64 } }],
    ['an IPv4 default by its gateway', { dst: 'default', gateway: '10.0.0.1' }, { dst: { family: 'inet', addr: '0.0.0.0', len: 0 } }],
    ['an IPv6 default by its source', { dst: 'default', prefsrc: '2001:db8::1' }, { dst: { family: 'inet6', addr: '::', len: 0 } }],
    [
      'an IPv6 default by its first nexthop',
      { dst: 'default', nexthops: [{ gateway: 'fe80::1', flags: [] }] },
      { dst: { family: 'inet6', len: 0 } as Route['dst'] },
    ],
    ['an IPv6 default by its preference', { dst: 'default', pref: 'medium' }, { dst: { family: 'inet6', addr: '::', len: 0 } }],
    ['a default with nothing to tell, as IPv4', { dst: 'default', gateway: 'not-an-ip' }, { dst: { family: 'inet', addr: '0.0.0.0', len: 0 } }],
    [
      'the table, type, protocol, scope and metric',
      { dst: '10.0.0.0/8', table: 255, type: 'local', protocol: 2, scope: 254, metric: 100 },
      { table: 'local', type: 'local', protocol: '2', scope: '254', metric: 100 },
    ],
    [
      'source, gateway and device',
      { dst: '10.0.0.0/8', prefsrc: '10.0.0.5', gateway: '10.0.0.1', dev: 'eth0' },
      { prefsrc: '10.0.0.5', gateway: '10.0.0.1', dev: 'eth0' },
    ],
    [
      'multipath nexthops',
      { dst: '10.0.0.0/8', nexthops: [{ gateway: '10.0.0.1', dev: 'eth0', weight: 2, flags: ['onlink'] }, { dev: 'eth1' }] },
      {
        nexthops: [
          { gateway: '10.0.0.1', dev: 'eth0', weight: 2, flags: ['onlink'] },
          { dev: 'eth1', flags: [] },
        ],
      },
    ],
    ['flags', { dst: '10.0.0.0/8', flags: ['linkdown'] }, { flags: ['linkdown'] }],
  ])('reads %s', (_name, record, expected) => {
    expect(oneRoute(record)).toMatchObject(expected);
  });

  it('gives no field that was not printed', () => {
    const r = oneRoute({ dst: '10.0.0.0/8' });
    for (const key of ['protocol', 'prefsrc', 'gateway', 'dev'] as const) expect(r[key]).toBeUndefined();
    expect(r.nexthops).toEqual([]);
    expect(Object.keys(oneRoute({ dst: '10.0.0.0/8', nexthops: [{}] }).nexthops[0]!)).toEqual(['flags']);
  });

  it.each([['10.0.0.0/33'], ['10.0.0.0/x'], ['10.0.0.0/'], ['10.0.0.0/1234'], ['nowhere'], ['2001:db8::/129']])(
    'reports and skips the unreadable destination %j',
    (dst) => {
      const { items, issues } = routes([{ dst: '10.0.0.1' }, { dst }]);
      expect(items).toHaveLength(1);
      expect(issues).toEqual([{ at: 1, message: 'ip route record 1: unreadable dst' }]);
    },
  );

  it.each<[string, Record<string, unknown>, string]>([
    [
      'a BGP host route',
      { dst: '216.238.110.55', gateway: '169.254.0.2', dev: 'doublezero0', protocol: 'bgp', prefsrc: '209.245.225.161' },
      '216.238.110.55 via 169.254.0.2 dev doublezero0 proto bgp src 209.245.225.161',
    ],
    ['a typed route in another table', { type: 'blackhole', dst: '198.18.6.0/24', table: '100' }, 'blackhole 198.18.6.0/24 table 100'],
    ['scope and metric', { dst: '10.0.0.0/8', dev: 'eth0', scope: 'link', metric: 5 }, '10.0.0.0/8 dev eth0 scope link metric 5'],
    [
      'nexthops and flags',
      { dst: '10.0.0.0/8', nexthops: [{ gateway: '10.0.0.1', dev: 'eth0', weight: 1 }, { dev: 'eth1' }], flags: ['linkdown'] },
      '10.0.0.0/8 nexthop via 10.0.0.1 dev eth0 weight 1 nexthop dev eth1 linkdown',
    ],
  ])('formats %s as ip route does', (_name, record, text) => {
    expect(formatRoute(oneRoute(record))).toBe(text);
  });
});

describe('normalizeTable', () => {
  it.each<[string | number | undefined, string]>([
    [253, 'default'],
    ['254', 'main'],
    [255, 'local'],
    [0, 'unspec'],
    [100, '100'],
    ['main', 'main'],
    [undefined, 'main'],
  ])('%j is %s', (table, name) => {
    expect(normalizeTable(table)).toBe(name);
  });
  it('falls back to the table given', () => {
    expect(normalizeTable(undefined, 'local')).toBe('local');
  });
});
