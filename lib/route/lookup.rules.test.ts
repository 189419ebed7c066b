import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RouteState, RuleState } from '../model/node-state';
import { formatPrefix, parseIp, parsePrefix } from './ip';
import { DEFAULT_RULES, lookupRoute, type Flow, type LookupResult } from './lookup';

// Hand-made tables and rules, one behaviour of the kernel's output lookup per case (fib_rules.c,
// fib_trie.c): what `ip route get` would answer for the liveness packet.

function route(dst: string, over: Partial<RouteState> = {}): RouteState {
  const prefix = parsePrefix(dst, dst.includes(':') ? 'inet6' : 'inet');
  if (!prefix) throw new Error(`bad test prefix ${dst}`);
  const base: RouteState = { table: 'main', type: 'unicast', dst: prefix, scope: 'universe', metric: 0, dev: 'doublezero0', nexthops: [], text: '' };
  const r = { ...base, ...over };
  return { ...r, text: over.text ?? `${r.type === 'unicast' ? '' : `${r.type} `}${dst}${r.dev ? ` dev ${r.dev}` : ''} table ${r.table} metric ${r.metric}` };
}

function rule(priority: number, over: Partial<RuleState> = {}): RuleState {
  return { priority, not: false, action: 'lookup', table: 'main', otherSelectors: [], text: `${priority}: rule`, ...over };
}

const peer = '216.238.110.55';
const local = '209.245.225.161';
const liveness: Flow = { dst: peer, src: local, oif: 'doublezero0', ipproto: 'udp', sport: 44880, dport: 44880 };

/** "<table>: <route text>" or the failure, for table-driven expectations. */
function answer(r: LookupResult): string {
  if (r.ok) return `${r.table}: ${r.route.text}${r.dev ? ` [${r.dev}]` : ''}`;
  return `${r.failure}${r.rule ? ` (rule ${r.rule.priority})` : ''}${r.route ? ` (${r.route.text})` : ''}`;
}

describe('lookupRoute: tables', () => {
  const host = route(`${peer}/32`, { text: 'host' });
  const net24 = route('216.238.110.0/24', { text: 'net24' });
  const dflt = route('default', { text: 'default' });

  it.each([
    ['the /32 over the /24 and the default', [dflt, net24, host], 'main: host [doublezero0]'],
    ['the /24 over the default', [dflt, net24], 'main: net24 [doublezero0]'],
    ['the default when nothing longer matches', [dflt, route('216.238.111.0/24', { text: 'other24' })], 'main: default [doublezero0]'],
    [
      'the lowest metric among equal prefixes',
      [
        route(`${peer}/32`, { metric: 200, text: 'm200' }),
        route(`${peer}/32`, { metric: 100, text: 'm100' }),
        route(`${peer}/32`, { metric: 300, text: 'm300' }),
      ],
      'main: m100 [doublezero0]',
    ],
    [
      'a longer prefix even with a worse metric',
      [route('216.238.0.0/16', { metric: 0, text: 'n16' }), route('216.238.110.0/24', { metric: 1000, text: 'n24' })],
      'main: n24 [doublezero0]',
    ],
    ['nothing in another table', [route(`${peer}/32`, { table: '100', text: 't100' })], 'no-route'],
    ['nothing of the other family', [route('::/0', { text: 'v6default' })], 'no-route'],
    ['nothing from a route whose address does not parse', [{ ...host, dst: { family: 'inet' as const, addr: 'x.y', len: 32 } }], 'no-route'],
    ['nothing from a route whose address is of the other family', [{ ...host, dst: { family: 'inet' as const, addr: '::1', len: 32 } }], 'no-route'],
    // ::d8ee:6e37 has the value of 216.238.110.55: only its family tells them apart
    [
      'nothing from an IPv6 address filed as IPv4, even one of the same value',
      [{ ...host, dst: { family: 'inet' as const, addr: '::d8ee:6e37', len: 32 } }],
      'no-route',
    ],
  ])('picks %s', (_name, routes, expected) => {
    expect(answer(lookupRoute(routes, [], liveness))).toBe(expected);
  });

  it.each([
    ['unreachable', 'unreachable'],
    ['prohibit', 'prohibit'],
    ['blackhole', 'blackhole'],
  ] as const)('stops at a matching %s route, even one via another device', (type, failure) => {
    const r = lookupRoute([route(`${peer}/32`, { type, dev: undefined, text: type }), dflt], [], liveness);
    expect(r).toMatchObject({ ok: false, failure, route: { text: type }, rule: { priority: 32766 } });
    expect(r.steps).toContain(`rule 32766: table main route ${type}`);
  });

  it('skips a route via another device when the interface is pinned, and uses it when not pinned', () => {
    const viaEth = route(`${peer}/32`, { dev: 'eth0', text: 'via-eth0' });
    expect(answer(lookupRoute([viaEth, dflt], [], liveness))).toBe('main: default [doublezero0]');
    expect(answer(lookupRoute([viaEth, dflt], [], { dst: peer }))).toBe('main: via-eth0 [eth0]');
  });

  it('takes the pinned device among multipath nexthops', () => {
    const multi = route(`${peer}/32`, { dev: undefined, nexthops: [{ dev: 'eth0' }, { dev: 'doublezero0' }], text: 'multi' });
    expect(answer(lookupRoute([multi], [], liveness))).toBe('main: multi [doublezero0]');
    expect(answer(lookupRoute([multi], [], { dst: peer }))).toBe('main: multi [eth0]');
    expect(answer(lookupRoute([multi], [], { ...liveness, oif: 'doublezero1' }))).toBe('no-route');
  });

  it('gives no device for a route without one, and a device only when the route names it', () => {
    const r = lookupRoute([route(`${peer}/32`, { dev: undefined, text: 'nodev' })], [], { dst: peer });
    expect(r.ok).toBe(true);
    expect(r.ok && 'dev' in r).toBe(false);
  });

  it('reads each route list on its own: a second list gives its own answer', () => {
    const first = [route(`${peer}/32`, { text: 'first' })];
    const second = [route(`${peer}/32`, { text: 'second' })];
    expect(answer(lookupRoute(first, [], liveness))).toBe('main: first [doublezero0]');
    expect(answer(lookupRoute(second, [], liveness))).toBe('main: second [doublezero0]');
    expect(answer(lookupRoute(first, [], liveness))).toBe('main: first [doublezero0]');
  });

  it('refuses a destination or a source that is not an address', () => {
    expect(lookupRoute([dflt], [], { dst: 'peer' })).toEqual({ ok: false, failure: 'bad-address', steps: ['destination or source is not an IP address'] });
    expect(lookupRoute([dflt], [], { dst: peer, src: '209.245.225' })).toMatchObject({ ok: false, failure: 'bad-address' });
    expect(lookupRoute([dflt], [], { dst: peer, src: local }).ok).toBe(true);
  });

  it('says why nothing was found, rule by rule', () => {
    const r = lookupRoute([], [], liveness);
    expect(r).toEqual({
      ok: false,
      failure: 'no-route',
      steps: [
        'rule 0: table local has no matching route',
        'rule 32766: table main has no matching route',
        'rule 32767: table default has no matching route',
        'no rule matched a route',
      ],
    });
  });
});

describe('lookupRoute: rules', () => {
  const inMain = route(`${peer}/32`, { text: 'main-host' });
  const in7 = route(`${peer}/32`, { table: '7', text: 'seven-host' });
  const in8 = route(`${peer}/32`, { table: '8', text: 'eight-host' });
  const routes = [inMain, in7, in8];
  const main = rule(32766);
  const via = (rules: RuleState[], flow: Flow = liveness): string => answer(lookupRoute(routes, [...rules, main], flow));

  it.each<[string, RuleState[], Flow, string]>([
    ['a matching source selector', [rule(10, { table: '7', src: parsePrefix(`${local}/32`)! })], liveness, '7: seven-host [doublezero0]'],
    ['a source selector for another address', [rule(10, { table: '7', src: parsePrefix('10.0.0.1/32')! })], liveness, 'main: main-host [doublezero0]'],
    ['a source selector when the flow has no source', [rule(10, { table: '7', src: parsePrefix('10.0.0.0/8')! })], { dst: peer }, 'main: main-host [eth-any]'],
    ['a /0 source selector when the flow has no source', [rule(10, { table: '7', src: parsePrefix('0.0.0.0/0')! })], { dst: peer }, '7: seven-host [eth-any]'],
    ['a matching destination selector', [rule(10, { table: '7', dst: parsePrefix('216.238.0.0/16')! })], liveness, '7: seven-host [doublezero0]'],
    ['a destination selector elsewhere', [rule(10, { table: '7', dst: parsePrefix('198.18.0.0/15')! })], liveness, 'main: main-host [doublezero0]'],
    ['iif lo (a locally sent packet)', [rule(10, { table: '7', iif: 'lo' })], liveness, '7: seven-host [doublezero0]'],
    ['iif of a real device', [rule(10, { table: '7', iif: 'eth0' })], liveness, 'main: main-host [doublezero0]'],
    ['iif given by the flow', [rule(10, { table: '7', iif: 'eth0' })], { ...liveness, iif: 'eth0' }, '7: seven-host [doublezero0]'],
    ['the pinned oif', [rule(10, { table: '7', oif: 'doublezero0' })], liveness, '7: seven-host [doublezero0]'],
    ['another oif', [rule(10, { table: '7', oif: 'doublezero1' })], liveness, 'main: main-host [doublezero0]'],
    ['an oif selector for an unpinned flow', [rule(10, { table: '7', oif: 'doublezero0' })], { dst: peer }, 'main: main-host [eth-any]'],
    ['fwmark 0 against an unmarked packet', [rule(10, { table: '7', fwmark: 0 })], liveness, '7: seven-host [doublezero0]'],
    ['fwmark 1 against an unmarked packet', [rule(10, { table: '7', fwmark: 1 })], liveness, 'main: main-host [doublezero0]'],
    ['fwmark without a mask: every bit counts', [rule(10, { table: '7', fwmark: 0x10 })], { ...liveness, fwmark: 0x110 }, 'main: main-host [doublezero0]'],
    ['fwmark under its mask', [rule(10, { table: '7', fwmark: 0x10, fwmask: 0xff })], { ...liveness, fwmark: 0x110 }, '7: seven-host [doublezero0]'],
    ['the top bit of a 32-bit mark', [rule(10, { table: '7', fwmark: 0x80000000 })], { ...liveness, fwmark: 0x80000000 }, '7: seven-host [doublezero0]'],
    ['tos 0 (liveness packets carry TOS 0)', [rule(10, { table: '7', tos: '0' })], liveness, '7: seven-host [doublezero0]'],
    ['tos 0x10', [rule(10, { table: '7', tos: '0x10' })], liveness, 'main: main-host [doublezero0]'],
    ['ipproto 17 for UDP', [rule(10, { table: '7', ipproto: '17' })], liveness, '7: seven-host [doublezero0]'],
    ['ipproto 6 for TCP', [rule(10, { table: '7', ipproto: '6' })], { ...liveness, ipproto: 'tcp' }, '7: seven-host [doublezero0]'],
    ['ipproto 6 for UDP', [rule(10, { table: '7', ipproto: '6' })], liveness, 'main: main-host [doublezero0]'],
    ['ipproto 17 for TCP', [rule(10, { table: '7', ipproto: '17' })], { ...liveness, ipproto: 'tcp' }, 'main: main-host [doublezero0]'],
    ['ipproto for a flow without a protocol', [rule(10, { table: '7', ipproto: 'udp' })], { dst: peer }, 'main: main-host [eth-any]'],
    ['sport range lower bound', [rule(10, { table: '7', sport: { from: 44880, to: 44990 } })], liveness, '7: seven-host [doublezero0]'],
    ['sport range upper bound', [rule(10, { table: '7', sport: { from: 44000, to: 44880 } })], liveness, '7: seven-host [doublezero0]'],
    ['sport range below', [rule(10, { table: '7', sport: { from: 44881, to: 45000 } })], liveness, 'main: main-host [doublezero0]'],
    ['sport range above', [rule(10, { table: '7', sport: { from: 1, to: 44879 } })], liveness, 'main: main-host [doublezero0]'],
    ['sport for a flow without ports', [rule(10, { table: '7', sport: { from: 0, to: 65535 } })], { dst: peer }, 'main: main-host [eth-any]'],
    ['dport range lower bound', [rule(10, { table: '7', dport: { from: 44880, to: 44990 } })], liveness, '7: seven-host [doublezero0]'],
    ['dport range upper bound', [rule(10, { table: '7', dport: { from: 44000, to: 44880 } })], liveness, '7: seven-host [doublezero0]'],
    ['dport range below', [rule(10, { table: '7', dport: { from: 44881, to: 45000 } })], liveness, 'main: main-host [doublezero0]'],
    ['dport range above', [rule(10, { table: '7', dport: { from: 1, to: 44879 } })], liveness, 'main: main-host [doublezero0]'],
    ['dport for a flow without ports', [rule(10, { table: '7', dport: { from: 0, to: 65535 } })], { dst: peer }, 'main: main-host [eth-any]'],
    ['`not` of a selector that matches', [rule(10, { table: '7', not: true, oif: 'doublezero0' })], liveness, 'main: main-host [doublezero0]'],
    ['`not` of a selector that does not match', [rule(10, { table: '7', not: true, oif: 'doublezero1' })], liveness, '7: seven-host [doublezero0]'],
    ['a lookup rule without a table (main)', [rule(10, { table: undefined }), rule(20, { table: '7' })], liveness, 'main: main-host [doublezero0]'],
    ['a nop rule, which goes on to the next', [rule(10, { action: 'nop' }), rule(20, { table: '7' })], liveness, '7: seven-host [doublezero0]'],
    [
      'a rule with selectors it cannot evaluate, assumed not to match',
      [rule(10, { table: '7', otherSelectors: ['uidrange'] })],
      liveness,
      'main: main-host [doublezero0]',
    ],
  ])('%s', (_name, rules, flow, expected) => {
    // a flow that pins no interface may leave by any device: the answer names the route's
    const unpinned = routes.map((r) => ({ ...r, dev: 'eth-any' }));
    const r = flow.oif === undefined ? answer(lookupRoute(unpinned, [...rules, main], flow)) : via(rules, flow);
    expect(r).toBe(expected);
  });

  it('tries rules in the order given (the parser sorts them by priority)', () => {
    expect(via([rule(10, { table: '7' }), rule(20, { table: '8' })])).toBe('7: seven-host [doublezero0]');
    expect(via([rule(10, { table: '8' }), rule(20, { table: '7' })])).toBe('8: eight-host [doublezero0]');
  });

  it('says which selectors it did not evaluate', () => {
    const r = lookupRoute(routes, [rule(10, { table: '7', otherSelectors: ['uid_start', 'uid_end'] }), main], liveness);
    expect(r.steps[0]).toBe('rule 10: selectors not evaluated (uid_start, uid_end), assumed not to match');
  });

  it.each([
    ['unreachable', 'unreachable'],
    ['prohibit', 'prohibit'],
    ['blackhole', 'blackhole'],
  ] as const)('ends the lookup at a matching %s rule, and ignores one that does not match', (action, failure) => {
    const r = lookupRoute(routes, [rule(10, { action, table: undefined, oif: 'doublezero0' }), main], liveness);
    expect(r).toEqual({ ok: false, failure, rule: expect.objectContaining({ priority: 10 }), steps: [`rule 10: ${action}`] });
    expect(via([rule(10, { action, table: undefined, oif: 'doublezero1' })])).toBe('main: main-host [doublezero0]');
  });

  it('goes on to the next rule when a table throws', () => {
    const throwing = route('216.238.0.0/16', { table: '7', type: 'throw', dev: undefined, text: 'throw 216.238.0.0/16' });
    const r = lookupRoute([inMain, throwing], [rule(10, { table: '7' }), main], liveness);
    expect(answer(r)).toBe('main: main-host [doublezero0]');
    expect(r.steps[0]).toBe('rule 10: table 7 throws (throw 216.238.0.0/16)');
  });

  it('honours suppress_prefixlength: a result that short is ignored, a longer one is used', () => {
    const suppress = (n: number): string => via([rule(10, { table: '7', suppressPrefixlen: n }), rule(20, { table: '8' })]);
    expect(suppress(32)).toBe('8: eight-host [doublezero0]');
    expect(suppress(31)).toBe('7: seven-host [doublezero0]');
    const r = lookupRoute(routes, [rule(10, { table: '7', suppressPrefixlen: 32 }), main], liveness);
    expect(r.steps[0]).toBe('rule 10: seven-host suppressed (prefix length <= 32)');
  });

  it('reports the rule and table that found the route', () => {
    const r = lookupRoute(routes, [rule(10, { table: '7', text: '10: from all lookup 7' }), main], liveness);
    expect(r).toMatchObject({ ok: true, table: '7', rule: { priority: 10, text: '10: from all lookup 7' }, route: { text: 'seven-host' }, dev: 'doublezero0' });
    expect(r.steps).toEqual(['rule 10: table 7 route seven-host']);
  });

  describe('goto', () => {
    it('jumps to the rule of the target priority, skipping the rules between', () => {
      const r = lookupRoute(
        routes,
        [rule(10, { action: 'goto', goto: 30, table: undefined }), rule(20, { table: '7' }), rule(30, { table: '8' }), main],
        liveness,
      );
      expect(answer(r)).toBe('8: eight-host [doublezero0]');
      expect(r.steps).toEqual(['rule 10: goto 30', 'rule 30: table 8 route eight-host']);
    });

    it('lands on the first rule of the target priority when several share it', () => {
      const r = lookupRoute(
        routes,
        [rule(10, { action: 'goto', goto: 30, table: undefined }), rule(20, { table: '7' }), rule(30, { table: '8' }), rule(30, { table: '7' }), main],
        liveness,
      );
      expect(answer(r)).toBe('8: eight-host [doublezero0]');
    });

    it('ignores a goto to a priority no later rule has, and goes on with the next rule', () => {
      const r = lookupRoute(routes, [rule(10, { action: 'goto', goto: 25, table: undefined }), rule(20, { table: '7' }), main], liveness);
      expect(answer(r)).toBe('7: seven-host [doublezero0]');
      expect(r.steps[0]).toBe('rule 10: goto 25 (no such rule, ignored)');
    });

    it('never jumps backwards (the kernel only allows a goto to a later rule)', () => {
      const r = lookupRoute(
        routes,
        [rule(5, { table: '8', oif: 'doublezero1' }), rule(10, { action: 'goto', goto: 5, table: undefined }), rule(20, { table: '7' }), main],
        liveness,
      );
      expect(answer(r)).toBe('7: seven-host [doublezero0]');
      expect(r.steps).toContain('rule 10: goto 5 (no such rule, ignored)');
    });

    it('ignores a goto to its own priority when no later rule has it (no loop)', () => {
      const r = lookupRoute(routes, [rule(10, { action: 'goto', goto: 10, table: undefined }), rule(20, { table: '7' }), main], liveness);
      expect(answer(r)).toBe('7: seven-host [doublezero0]');
      expect(r.steps[0]).toBe('rule 10: goto 10 (no such rule, ignored)');
    });

    it('applies only when its selectors match', () => {
      const r = lookupRoute(
        routes,
        [rule(10, { action: 'goto', goto: 30, table: undefined, oif: 'doublezero1' }), rule(20, { table: '7' }), rule(30, { table: '8' }), main],
        liveness,
      );
      expect(answer(r)).toBe('7: seven-host [doublezero0]');
    });

    it('lands on a target whose lookup finds nothing and goes on from there', () => {
      const r = lookupRoute(
        routes,
        [rule(10, { action: 'goto', goto: 30, table: undefined }), rule(20, { table: '7' }), rule(30, { table: '9' }), rule(40, { table: '8' }), main],
        liveness,
      );
      expect(answer(r)).toBe('8: eight-host [doublezero0]');
      expect(r.steps).toEqual(['rule 10: goto 30', 'rule 30: table 9 has no matching route', 'rule 40: table 8 route eight-host']);
    });
  });

  it('uses the kernel default rules for IPv6, and for IPv4 when no rule was collected', () => {
    const v6 = [route('2001:db8::/64', { text: 'v6-main' }), route('2001:db8::/64', { table: '7', text: 'v6-seven' })];
    expect(answer(lookupRoute(v6, [rule(10, { table: '7' }), main], { dst: '2001:db8::2', oif: 'doublezero0' }))).toBe('main: v6-main [doublezero0]');
    expect(lookupRoute(routes, [], liveness)).toMatchObject({ ok: true, rule: DEFAULT_RULES[1] });
    expect(DEFAULT_RULES.map((r) => `${r.priority} ${r.table}`)).toEqual(['0 local', '32766 main', '32767 default']);
  });

  it('looks in the local table first', () => {
    const localRoute = route(`${peer}/32`, { table: 'local', type: 'local', text: 'local-host' });
    expect(answer(lookupRoute([localRoute, inMain], [], liveness))).toBe('local: local-host [doublezero0]');
    expect(answer(lookupRoute([route('default', { table: 'default', text: 'dflt-table' })], [], liveness))).toBe('default: dflt-table [doublezero0]');
  });
});

describe('lookupRoute properties', () => {
  const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
  const ipToBig = (ip: string): bigint => parseIp(ip)!.value;
  const bigToIp = (v: bigint): string => [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
  const networkOf = (ip: string, len: number): string => {
    const shift = BigInt(32 - len);
    return bigToIp(len === 0 ? 0n : (ipToBig(ip) >> shift) << shift);
  };

  it('a longer matching prefix always wins, whatever the metrics and the order of the table', () => {
    fc.assert(
      fc.property(
        ipv4,
        fc.uniqueArray(fc.nat(32), { minLength: 1, maxLength: 6 }),
        fc.array(fc.tuple(ipv4, fc.integer({ min: 1, max: 32 })), { maxLength: 6 }),
        fc.array(fc.nat(1000), { minLength: 12, maxLength: 12 }),
        (dst, matchingLens, others, metrics) => {
          const matching = matchingLens.map((len, i) =>
            route(len === 0 ? 'default' : `${networkOf(dst, len)}/${len}`, { metric: metrics[i]!, text: `match/${len}` }),
          );
          const unrelated = others
            .filter(([ip, len]) => networkOf(ip, len) !== networkOf(dst, len))
            .map(([ip, len], i) => route(`${networkOf(ip, len)}/${len}`, { metric: metrics[6 + i]!, text: `other/${len}` }));
          const table = [...unrelated, ...matching].sort((a, b) => a.metric - b.metric || a.text.localeCompare(b.text));
          const r = lookupRoute(table, [], { dst, oif: 'doublezero0' });
          expect(r.ok && r.route.text).toBe(`match/${Math.max(...matchingLens)}`);
        },
      ),
    );
  });

  it('among routes of the same prefix, the lowest metric wins', () => {
    fc.assert(
      fc.property(ipv4, fc.integer({ min: 0, max: 32 }), fc.uniqueArray(fc.nat(100_000), { minLength: 1, maxLength: 8 }), (dst, len, metrics) => {
        const prefix = len === 0 ? 'default' : `${networkOf(dst, len)}/${len}`;
        const table = metrics.map((metric) => route(prefix, { metric, text: `metric ${metric}` }));
        const r = lookupRoute(table, [], { dst, oif: 'doublezero0' });
        expect(r.ok && r.route.text).toBe(`metric ${Math.min(...metrics)}`);
      }),
    );
  });

  it('a rule with selectors it cannot evaluate never decides the lookup', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('lookup', 'unreachable', 'prohibit', 'blackhole', 'goto') as fc.Arbitrary<RuleState['action']>,
        fc.boolean(),
        (action, not) => {
          const routes = [route(`${peer}/32`, { text: 'main-host' }), route(`${peer}/32`, { table: '7', text: 'seven' })];
          const odd = rule(10, { action, not, table: '7', goto: 32767, otherSelectors: ['l3mdev'] });
          expect(answer(lookupRoute(routes, [odd, rule(32766)], liveness))).toBe('main: main-host [doublezero0]');
        },
      ),
    );
  });

  it('formats what it parses for every prefix length', () => {
    fc.assert(
      fc.property(ipv4, fc.integer({ min: 0, max: 32 }), (ip, len) => {
        const text = `${networkOf(ip, len)}/${len}`;
        const expected = len === 0 ? 'default' : len === 32 ? networkOf(ip, len) : text;
        expect(formatPrefix(parsePrefix(text)!)).toBe(expected);
      }),
    );
  });
});
