import { describe, expect, it } from 'vitest';
import { normalizeBundle } from '../model/normalize';
import type { RuleState } from '../model/node-state';
import { baseFiles, bundleFromTestdata } from '../model/testing';
import { lookupRoute, type LookupResult } from './lookup';

// Real captures (lib/parse/testdata/README.md): main has the BGP /32 to 216.238.110.55, a default via
// doublezero0 and an unreachable 198.18.5.0/24; table 100 has blackhole/prohibit/multipath routes; rules
// 100 (from the DZ IP lookup 100), 200 (not to 198.18/15 fwmark iif), 300 (oif dzpeer unreachable),
// 301 prohibit, 302 blackhole, 303 (main suppress_prefixlength 0), 304 goto 32766.
const state = normalizeBundle(bundleFromTestdata(baseFiles));
const lookup = (dst: string, extra: { src?: string; oif?: string; fwmark?: number } = {}): LookupResult =>
  lookupRoute(state.routes, state.rules, { dst, ...extra });
const chosen = (r: LookupResult): string =>
  r.ok ? `${r.rule.priority} ${r.table}: ${r.route.text}` : `${r.failure}${r.rule ? ` by rule ${r.rule.priority}` : ''}${r.route ? ` by ${r.route.text}` : ''}`;

describe('lookupRoute on real tables and rules', () => {
  it('picks the longest prefix: the BGP /32 over the default route, after rules that do not apply', () => {
    const r = lookup('216.238.110.55', { src: '209.245.225.161', oif: 'doublezero0' });
    expect(chosen(r)).toBe('303 main: 216.238.110.55 via 169.254.0.2 dev doublezero0 proto bgp src 209.245.225.161');
    expect(r.ok && r.dev).toBe('doublezero0');
    expect(r.steps.slice(0, 2)).toEqual(['rule 0: table local has no matching route', 'rule 100: table 100 has no matching route']);
  });

  it('looks in the local table first, as the kernel does', () => {
    expect(chosen(lookup('209.245.225.161'))).toBe('0 local: local 209.245.225.161 dev doublezero0 table local proto kernel scope host src 209.245.225.161');
  });

  it('honours suppress_prefixlength: the default route is suppressed at 303 and found at 32766', () => {
    const r = lookup('198.51.100.7', { src: '209.245.225.161' });
    expect(chosen(r)).toBe('32766 main: default via 169.254.0.2 dev doublezero0 metric 100');
    expect(r.steps).toContain('rule 303: default via 169.254.0.2 dev doublezero0 metric 100 suppressed (prefix length <= 0)');
  });

  it('stops at unreachable, blackhole and prohibit routes and rules', () => {
    expect(chosen(lookup('198.18.6.1', { src: '209.245.225.161' }))).toBe('blackhole by rule 100 by blackhole 198.18.6.0/24 table 100');
    expect(chosen(lookup('198.18.7.1', { src: '209.245.225.161' }))).toBe('prohibit by rule 100 by prohibit 198.18.7.0/24 table 100');
    expect(chosen(lookup('198.18.5.1'))).toBe('unreachable by rule 303 by unreachable 198.18.5.0/24');
    expect(chosen(lookup('198.18.9.1'))).toBe('prohibit by rule 301');
    expect(chosen(lookup('198.18.10.1'))).toBe('blackhole by rule 302');
    expect(chosen(lookup('198.51.100.7', { oif: 'dzpeer' }))).toBe('unreachable by rule 300');
  });

  it('follows a source selector into its table only for that source, and multipath nexthops', () => {
    const r = lookup('198.18.8.9', { src: '209.245.225.161', oif: 'doublezero0' });
    expect(chosen(r)).toBe(
      '100 100: 198.18.8.0/24 table 100 nexthop via 169.254.0.2 dev doublezero0 weight 1 nexthop via 169.254.0.2 dev doublezero0 weight 2',
    );
    // without that source, rule 100 does not apply and main's default route carries it
    expect(chosen(lookup('198.18.8.9'))).toBe('32766 main: default via 169.254.0.2 dev doublezero0 metric 100');
  });

  it('takes a goto to the target priority', () => {
    const r = lookup('198.18.11.5');
    expect(r.steps).toContain('rule 304: goto 32766');
    expect(chosen(r)).toBe('32766 main: default via 169.254.0.2 dev doublezero0 metric 100');
  });

  it('finds no route once the allocated address and its routes are gone (real capture after `ip addr del`)', () => {
    const after = normalizeBundle(bundleFromTestdata({ ...baseFiles, 'ip-addr': 'ip-addr-after-del.json', 'ip-route': 'ip-route-after-del.json' }));
    const r = lookupRoute(after.routes, after.rules, { dst: '216.238.110.55', oif: 'doublezero0' });
    expect(r).toMatchObject({ ok: false, failure: 'no-route' });
  });

  it('skips routes via another device when the flow pins its interface', () => {
    const r = lookup('198.51.100.7', { oif: 'eth0' });
    expect(r).toMatchObject({ ok: false, failure: 'no-route' });
  });

  it('uses the kernel default rules for IPv6 and when no rules were collected', () => {
    expect(chosen(lookupRoute(state.routes, state.rules, { dst: '2001:db8::99' }))).toBe('32766 main: 2001:db8::/64 dev doublezero0 proto kernel metric 256');
    expect(chosen(lookupRoute(state.routes, [], { dst: '216.238.110.55' }))).toMatch(/^32766 main: 216.238.110.55/);
    expect(lookupRoute(state.routes, state.rules, { dst: 'not-an-ip' })).toMatchObject({ ok: false, failure: 'bad-address' });
  });
});

describe('lookupRoute rule selectors', () => {
  const route = state.routes.find((r) => r.protocol === 'bgp')!;
  const routes = [route, { ...route, table: '7', text: `${route.text} table 7` }];
  const rule = (over: Partial<RuleState>): RuleState => ({ priority: 10, not: false, action: 'lookup', table: '7', otherSelectors: [], text: 'r', ...over });
  const main: RuleState = { priority: 32766, not: false, action: 'lookup', table: 'main', otherSelectors: [], text: 'main' };
  const tableOf = (rules: RuleState[], flow: Parameters<typeof lookupRoute>[2]): string | undefined => {
    const r = lookupRoute(routes, [...rules, main], flow);
    return r.ok ? r.table : undefined;
  };

  it('matches fwmark under its mask, ipproto and port ranges, and `not` inverts', () => {
    const flow = { dst: '216.238.110.55', ipproto: 'udp' as const, sport: 44880, dport: 44880 };
    expect(tableOf([rule({ fwmark: 0x10, fwmask: 0xff })], { ...flow, fwmark: 0x110 })).toBe('7');
    expect(tableOf([rule({ fwmark: 0x10, fwmask: 0xff })], { ...flow, fwmark: 0x11 })).toBe('main');
    expect(tableOf([rule({ fwmark: 0x10 })], flow)).toBe('main');
    expect(tableOf([rule({ ipproto: 'udp', dport: { from: 44000, to: 45000 } })], flow)).toBe('7');
    expect(tableOf([rule({ ipproto: 'tcp' })], flow)).toBe('main');
    expect(tableOf([rule({ not: true, ipproto: 'udp' })], flow)).toBe('main');
    expect(tableOf([rule({ not: true, ipproto: 'tcp' })], flow)).toBe('7');
    expect(tableOf([rule({ iif: 'lo' })], flow)).toBe('7');
    expect(tableOf([rule({ iif: 'eth0' })], flow)).toBe('main');
    expect(tableOf([rule({ otherSelectors: ['uid_start'] })], flow)).toBe('main');
  });
});
