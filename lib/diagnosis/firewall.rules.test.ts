import { describe, expect, it } from 'vitest';
import type { FirewallState } from '../model/node-state';
import type { FirewallChain, FirewallMatch, FirewallRule, FirewallVerdict, MatchValue } from '../parse/nft';
import { evaluateOutput, type FirewallOutcome, type OutputPacket } from './firewall';

// Hand-made rulesets, one nft behaviour per case (nft(8): matches, verdict statements, base chain
// priority and policy): does the liveness packet (UDP 44880 from the DZ IP to the peer, out of
// doublezero0) leave the node?

const packet: OutputPacket = { saddr: '209.245.225.161', daddr: '216.238.110.55', sport: 44880, dport: 44880, oifname: 'doublezero0' };
const v6packet: OutputPacket = { ...packet, saddr: '2001:db8::1', daddr: '2001:db8::2' };

let handles = 100;
function chain(name: string, over: Partial<FirewallChain> = {}): FirewallChain {
  return { family: 'inet', table: 't', name, hook: 'output', type: 'filter', priority: 0, policy: 'accept', ...over };
}
function regular(name: string, over: Partial<FirewallChain> = {}): FirewallChain {
  return { family: 'inet', table: 't', name, ...over };
}
function rule(chainName: string, matches: FirewallMatch[], verdict: FirewallVerdict | undefined, over: Partial<FirewallRule> = {}): FirewallRule {
  const r: FirewallRule = {
    family: 'inet',
    table: 't',
    chain: chainName,
    handle: handles++,
    matches,
    unreadable: [],
    text: `${matches.map((m) => m.field).join(' ')} ${verdict ?? ''}`.trim(),
    ...over,
  };
  if (verdict !== undefined) r.verdict = verdict;
  return r;
}
const val = (value: string | number): MatchValue => ({ kind: 'value', value });
function match(field: string, values: (string | number | MatchValue)[], op = '=='): FirewallMatch {
  return { field, op, values: values.map((v) => (typeof v === 'object' ? v : val(v))), fromSet: values.length > 1 };
}

/** "accept", "drop by #h", "reject by #h", "drop by policy of <chain>", plus the undecided handles. */
function outcome(o: FirewallOutcome): string {
  const head =
    'rule' in o ? `${o.verdict} by ${o.rule.chain}#${o.rule.handle}` : 'policyChain' in o ? `${o.verdict} by policy of ${o.policyChain.name}` : o.verdict;
  return o.undecided.length ? `${head}; undecided ${o.undecided.map((r) => `#${r.handle}`).join(',')}` : head;
}

/** A base chain `out` whose one rule drops what `m` matches. */
function dropIf(...matches: FirewallMatch[]): { state: FirewallState; handle: number } {
  const r = rule('out', matches, 'drop');
  return { state: { chains: [chain('out')], rules: [r] }, handle: r.handle! };
}

function judged(matches: FirewallMatch[], p: OutputPacket = packet): string {
  const { state, handle } = dropIf(...matches);
  return outcome(evaluateOutput(state, p)).replace(`out#${handle}`, 'out#rule').replace(`#${handle}`, '#rule');
}

describe('evaluateOutput: what a match says about the liveness packet', () => {
  it.each<[string, FirewallMatch[], string]>([
    ['udp dport 44880', [match('udp dport', [44880])], 'drop by out#rule'],
    ['udp dport 53', [match('udp dport', [53])], 'accept'],
    ['th dport 44880', [match('th dport', [44880])], 'drop by out#rule'],
    ['udp sport 44880', [match('udp sport', [44880])], 'drop by out#rule'],
    ['udp sport 53', [match('udp sport', [53])], 'accept'],
    ['th sport 44880', [match('th sport', [44880])], 'drop by out#rule'],
    ['a port as text', [match('udp dport', ['44880'])], 'drop by out#rule'],
    ['tcp dport 44880 (no TCP header)', [match('tcp dport', [44880])], 'accept'],
    ['tcp dport != 44880 (no TCP header either)', [match('tcp dport', [44880], '!=')], 'accept'],
    ['tcp sport', [match('tcp sport', [44880])], 'accept'],
    ['sctp dport', [match('sctp dport', [44880])], 'accept'],
    ['sctp sport', [match('sctp sport', [44880])], 'accept'],
    ['ip daddr of the peer', [match('ip daddr', ['216.238.110.55'])], 'drop by out#rule'],
    ['ip daddr of another host', [match('ip daddr', ['216.238.110.56'])], 'accept'],
    ['ip daddr among a set', [match('ip daddr', ['10.0.0.1', '216.238.110.55'])], 'drop by out#rule'],
    ['ip daddr in a prefix', [match('ip daddr', [{ kind: 'prefix', addr: '216.238.0.0', len: 16 }])], 'drop by out#rule'],
    ['ip daddr outside a prefix', [match('ip daddr', [{ kind: 'prefix', addr: '216.239.0.0', len: 16 }])], 'accept'],
    ['ip daddr in a range', [match('ip daddr', [{ kind: 'range', from: '216.238.110.0', to: '216.238.110.55' }])], 'drop by out#rule'],
    ['ip daddr from the start of a range', [match('ip daddr', [{ kind: 'range', from: '216.238.110.55', to: '216.238.110.99' }])], 'drop by out#rule'],
    ['ip daddr past a range', [match('ip daddr', [{ kind: 'range', from: '216.238.110.0', to: '216.238.110.54' }])], 'accept'],
    ['ip daddr before a range', [match('ip daddr', [{ kind: 'range', from: '216.238.110.56', to: '216.238.110.99' }])], 'accept'],
    ['ip6 daddr on an IPv4 packet', [match('ip6 daddr', ['2001:db8::2'])], 'accept'],
    ['ip6 daddr != anything on an IPv4 packet (no such header)', [match('ip6 daddr', ['2001:db8::2'], '!=')], 'accept'],
    ['ip6 saddr != anything on an IPv4 packet (no such header)', [match('ip6 saddr', ['2001:db8::1'], '!=')], 'accept'],
    ['ip saddr of the DZ IP', [match('ip saddr', ['209.245.225.161'])], 'drop by out#rule'],
    ['ip saddr of another address', [match('ip saddr', ['209.245.225.162'])], 'accept'],
    ['ip6 saddr on an IPv4 packet', [match('ip6 saddr', ['2001:db8::1'])], 'accept'],
    ['meta l4proto udp', [match('meta l4proto', ['udp'])], 'drop by out#rule'],
    ['meta l4proto 17', [match('meta l4proto', [17])], 'drop by out#rule'],
    ['meta l4proto tcp', [match('meta l4proto', ['tcp'])], 'accept'],
    ['ip protocol udp', [match('ip protocol', ['udp'])], 'drop by out#rule'],
    ['ip6 nexthdr udp', [match('ip6 nexthdr', ['udp'])], 'drop by out#rule'],
    ['meta oifname doublezero0', [match('meta oifname', ['doublezero0'])], 'drop by out#rule'],
    ['meta oifname eth0', [match('meta oifname', ['eth0'])], 'accept'],
    ['meta oifname "doublezero*"', [match('meta oifname', ['doublezero*'])], 'drop by out#rule'],
    ['meta oifname "eth*"', [match('meta oifname', ['eth*'])], 'accept'],
    ['meta oifname "doublezero0*" (the wildcard matches the empty rest)', [match('meta oifname', ['doublezero0*'])], 'drop by out#rule'],
    ['meta oif doublezero0', [match('meta oif', ['doublezero0'])], 'drop by out#rule'],
    ['meta nfproto ipv4', [match('meta nfproto', ['ipv4'])], 'drop by out#rule'],
    ['meta nfproto ipv6', [match('meta nfproto', ['ipv6'])], 'accept'],
    ['ct state new (a dropped flow never sees a reply)', [match('ct state', ['new'])], 'drop by out#rule'],
    ['ct state established,related', [match('ct state', ['established', 'related'])], 'accept'],
    ['ct state != established', [match('ct state', ['established'], '!=')], 'drop by out#rule'],
    ['ip daddr != the peer', [match('ip daddr', ['216.238.110.55'], '!=')], 'accept'],
    ['ip daddr != another host', [match('ip daddr', ['10.0.0.1'], '!=')], 'drop by out#rule'],
    ['ip daddr != a set holding the peer', [match('ip daddr', ['10.0.0.1', '216.238.110.55'], '!=')], 'accept'],
    ['`in` as ==', [match('udp dport', [44880], 'in')], 'drop by out#rule'],
    ['every match of the rule', [match('udp dport', [44880]), match('ip daddr', ['216.238.110.55'])], 'drop by out#rule'],
    ['one match that fails', [match('udp dport', [44880]), match('ip daddr', ['10.0.0.1'])], 'accept'],
    ['a failing match after one it cannot decide', [match('meta skuid', [0]), match('ip daddr', ['10.0.0.1'])], 'accept'],
    ['a port range around 44880', [match('udp dport', [{ kind: 'range', from: 44000, to: 45000 }])], 'drop by out#rule'],
    ['a port range ending at 44880', [match('udp dport', [{ kind: 'range', from: 44000, to: 44880 }])], 'drop by out#rule'],
    ['a port range starting at 44880', [match('udp dport', [{ kind: 'range', from: 44880, to: 45000 }])], 'drop by out#rule'],
    ['a port range below 44880', [match('udp dport', [{ kind: 'range', from: 1, to: 44879 }])], 'accept'],
    ['a port range above 44880', [match('udp dport', [{ kind: 'range', from: 44881, to: 65535 }])], 'accept'],
    ['a rule with no match at all', [], 'drop by out#rule'],
  ])('%s', (_name, matches, expected) => {
    expect(judged(matches)).toBe(expected);
  });

  it.each<[string, FirewallMatch[]]>([
    ['a field it does not read (uid)', [match('meta skuid', [0])]],
    ['an operator other than ==, != and in', [match('udp dport', [1024], '>')]],
    ['an unreadable value', [match('udp dport', [{ kind: 'unknown', text: '@set' }])]],
    ['a prefix against a port', [match('udp dport', [{ kind: 'prefix', addr: '10.0.0.0', len: 8 }])]],
    ['an address that does not parse', [match('ip daddr', ['peer.example'])]],
    ['a prefix that does not parse', [match('ip daddr', [{ kind: 'prefix', addr: '10.0.0.0', len: 99 }])]],
    ['a range that does not parse', [match('ip daddr', [{ kind: 'range', from: 'a', to: '216.238.110.99' }])]],
    ['a range whose end does not parse', [match('ip daddr', [{ kind: 'range', from: '216.238.110.0', to: 'z' }])]],
    ['a prefix against an interface name', [match('meta oifname', [{ kind: 'prefix', addr: '10.0.0.0', len: 8 }])]],
    ['a value it cannot decide among values that do not match', [match('ip daddr', ['10.0.0.1', { kind: 'unknown', text: '?' }])]],
  ])('never drops on %s, and lists the rule', (_name, matches) => {
    const { state, handle } = dropIf(...matches);
    expect(outcome(evaluateOutput(state, packet))).toBe(`accept; undecided #${handle}`);
  });

  it('cannot decide on the source address when the session has none the evaluator can read', () => {
    const { state, handle } = dropIf(match('ip saddr', ['209.245.225.161']));
    expect(outcome(evaluateOutput(state, { ...packet, saddr: 'unknown' }))).toBe(`accept; undecided #${handle}`);
  });

  it('cannot decide a rule with an expression it could not read', () => {
    const r = rule('out', [match('udp dport', [44880])], 'drop', { unreadable: ['osf'] });
    expect(outcome(evaluateOutput({ chains: [chain('out')], rules: [r] }, packet))).toBe(`accept; undecided #${r.handle}`);
  });

  it('reads an IPv6 packet with the ip6 fields, and an IPv4 range against it as no match', () => {
    expect(judged([match('ip6 daddr', ['2001:db8::2'])], v6packet)).toBe('drop by out#rule');
    expect(judged([match('ip6 saddr', ['2001:db8::1'])], v6packet)).toBe('drop by out#rule');
    expect(judged([match('ip daddr', ['216.238.110.55'])], v6packet)).toBe('accept');
    expect(judged([match('ip daddr', ['216.238.110.55'], '!=')], v6packet)).toBe('accept');
    expect(judged([match('ip saddr', ['209.245.225.161'], '!=')], v6packet)).toBe('accept');
    expect(judged([match('ip saddr', ['209.245.225.161'])], v6packet)).toBe('accept');
    expect(judged([match('meta nfproto', ['ipv6'])], v6packet)).toBe('drop by out#rule');
    expect(judged([match('ip6 daddr', [{ kind: 'range', from: '0.0.0.0', to: '255.255.255.255' }])], v6packet)).toBe('accept');
    expect(judged([match('ip6 daddr', ['216.238.110.55'])], v6packet)).toBe('accept');
  });

  it('lets a packet to something that is not an address go (nothing to evaluate)', () => {
    const { state } = dropIf();
    expect(evaluateOutput(state, { ...packet, daddr: 'nowhere' })).toEqual({ verdict: 'accept', undecided: [] });
  });
});

describe('evaluateOutput: chains', () => {
  const drop = (chainName: string, over: Partial<FirewallRule> = {}) => rule(chainName, [], 'drop', over);

  it.each([['drop'], ['reject']] as const)('names the rule that ends the packet with %s', (verdict) => {
    const r = rule('out', [match('udp dport', [44880])], verdict);
    expect(evaluateOutput({ chains: [chain('out')], rules: [r] }, packet)).toEqual({ verdict, rule: r, undecided: [] });
  });

  it('stops at the first rule that decides', () => {
    const first = rule('out', [], 'accept');
    const state: FirewallState = { chains: [chain('out', { policy: 'drop' })], rules: [first, drop('out')] };
    expect(outcome(evaluateOutput(state, packet))).toBe('accept');
  });

  it('applies the policy of a base chain the packet falls through, and only then', () => {
    expect(outcome(evaluateOutput({ chains: [chain('out', { policy: 'drop' })], rules: [] }, packet))).toBe('drop by policy of out');
    expect(outcome(evaluateOutput({ chains: [chain('out', { policy: 'accept' })], rules: [] }, packet))).toBe('accept');
    expect(outcome(evaluateOutput({ chains: [chain('out', { policy: undefined })], rules: [] }, packet))).toBe('accept');
  });

  it('returns from a jump to the rule after it, and ends the packet where the jumped-to chain decides', () => {
    const jump = rule('out', [], 'jump', { target: 'sub' });
    const after = drop('out');
    const noVerdict = rule('sub', [match('udp dport', [44880])], undefined);
    const state = (subRules: FirewallRule[]): FirewallState => ({ chains: [chain('out'), regular('sub')], rules: [jump, ...subRules, after] });
    expect(outcome(evaluateOutput(state([noVerdict]), packet))).toBe(`drop by out#${after.handle}`);
    const subDrop = rule('sub', [], 'reject');
    expect(outcome(evaluateOutput(state([subDrop]), packet))).toBe(`reject by sub#${subDrop.handle}`);
  });

  it('does not come back from a goto: the base chain policy decides once the target falls through', () => {
    const gotoSub = rule('out', [], 'goto', { target: 'sub' });
    const after = drop('out');
    expect(outcome(evaluateOutput({ chains: [chain('out'), regular('sub')], rules: [gotoSub, after] }, packet))).toBe('accept');
    expect(outcome(evaluateOutput({ chains: [chain('out', { policy: 'drop' }), regular('sub')], rules: [gotoSub, after] }, packet))).toBe(
      'drop by policy of out',
    );
    const subDrop = drop('sub');
    expect(outcome(evaluateOutput({ chains: [chain('out'), regular('sub')], rules: [gotoSub, subDrop, after] }, packet))).toBe(`drop by sub#${subDrop.handle}`);
  });

  it('ignores a jump or goto without a target', () => {
    const after = drop('out');
    expect(outcome(evaluateOutput({ chains: [chain('out')], rules: [rule('out', [], 'jump'), after] }, packet))).toBe(`drop by out#${after.handle}`);
    expect(outcome(evaluateOutput({ chains: [chain('out')], rules: [rule('out', [], 'goto'), after] }, packet))).toBe('accept');
  });

  it('leaves a chain at return: the rest of it is skipped', () => {
    const ret = rule('sub', [match('udp dport', [44880])], 'return');
    const subDrop = drop('sub');
    const state: FirewallState = { chains: [chain('out'), regular('sub')], rules: [rule('out', [], 'jump', { target: 'sub' }), ret, subDrop] };
    expect(outcome(evaluateOutput(state, packet))).toBe('accept');
    expect(outcome(evaluateOutput(state, { ...packet, dport: 53 }))).toBe(`drop by sub#${subDrop.handle}`);
    const baseReturn: FirewallState = { chains: [chain('out', { policy: 'drop' })], rules: [rule('out', [], 'return'), drop('out')] };
    expect(outcome(evaluateOutput(baseReturn, packet))).toBe('drop by policy of out');
  });

  it('goes on past continue, a rule without verdict, and a queue it cannot see the answer of (listed)', () => {
    const queue = rule('out', [], 'queue');
    const after = drop('out');
    const state: FirewallState = { chains: [chain('out')], rules: [rule('out', [], 'continue'), rule('out', [], undefined), queue, after] };
    expect(outcome(evaluateOutput(state, packet))).toBe(`drop by out#${after.handle}; undecided #${queue.handle}`);
  });

  it('lists an undecided rule once however often it is reached, and never one that could not decide anything', () => {
    const odd = rule('sub', [match('meta skuid', [0])], 'drop');
    const oddContinue = rule('sub', [match('meta skuid', [0])], 'continue');
    const oddNoVerdict = rule('sub', [match('meta skuid', [0])], undefined);
    const queue = rule('sub', [], 'queue');
    const jump = () => rule('out', [], 'jump', { target: 'sub' });
    const state: FirewallState = { chains: [chain('out'), regular('sub')], rules: [jump(), jump(), odd, oddContinue, oddNoVerdict, queue] };
    expect(outcome(evaluateOutput(state, packet))).toBe(`accept; undecided #${odd.handle},#${queue.handle}`);
  });

  it('gives up on a jump loop instead of running forever', () => {
    const state: FirewallState = {
      chains: [chain('out'), regular('loop')],
      rules: [rule('out', [], 'jump', { target: 'loop' }), rule('loop', [], 'jump', { target: 'loop' })],
    };
    expect(outcome(evaluateOutput(state, packet))).toBe('accept');
  });

  it('gives up on a goto loop too', () => {
    const state: FirewallState = {
      chains: [chain('out', { policy: 'drop' }), regular('loop')],
      rules: [rule('out', [], 'goto', { target: 'loop' }), rule('loop', [], 'goto', { target: 'loop' })],
    };
    expect(outcome(evaluateOutput(state, packet))).toBe('drop by policy of out');
  });

  it('follows sixteen nested jumps, and stops at the seventeenth', () => {
    const nested = (depth: number): FirewallState => {
      const rules = [rule('out', [], 'jump', { target: 'c1' })];
      for (let i = 1; i < depth; i++) rules.push(rule(`c${i}`, [], 'jump', { target: `c${i + 1}` }));
      rules.push(rule(`c${depth}`, [], 'drop', { handle: 1 }));
      return { chains: [chain('out')], rules };
    };
    expect(outcome(evaluateOutput(nested(16), packet))).toBe('drop by c16#1');
    expect(outcome(evaluateOutput(nested(17), packet))).toBe('accept');
  });

  it('runs only the rules of the chain in its own family and table', () => {
    const otherTable = drop('sub', { table: 'other' });
    const otherFamily = drop('sub', { family: 'ip' });
    const state: FirewallState = { chains: [chain('out'), regular('sub')], rules: [rule('out', [], 'jump', { target: 'sub' }), otherTable, otherFamily] };
    expect(outcome(evaluateOutput(state, packet))).toBe('accept');
  });

  it('runs base chains by priority (absent = 0), each after the one before accepted', () => {
    const a = drop('a', { handle: 1 });
    const b = drop('b', { handle: 2 });
    const both = (pa: number | undefined, pb: number | undefined): string =>
      outcome(evaluateOutput({ chains: [chain('a', { priority: pa }), chain('b', { priority: pb })], rules: [a, b] }, packet));
    expect(both(10, -10)).toBe('drop by b#2');
    expect(both(-10, 10)).toBe('drop by a#1');
    expect(both(undefined, 5)).toBe('drop by a#1');
    expect(both(undefined, -5)).toBe('drop by b#2');
    const accepting: FirewallState = {
      chains: [chain('first', { priority: -10, policy: 'drop' }), chain('second', { priority: 10 })],
      rules: [rule('first', [], 'accept'), drop('second', { handle: 3 })],
    };
    expect(outcome(evaluateOutput(accepting, packet))).toBe('drop by second#3');
  });

  it('reads only output hooks, of the families that see the packet', () => {
    const at = (over: Partial<FirewallChain>, p: OutputPacket = packet): string => {
      const c = chain('x', over);
      return outcome(evaluateOutput({ chains: [c], rules: [drop('x', { family: c.family, handle: 9 })] }, p));
    };
    expect(at({ hook: 'input' })).toBe('accept');
    expect(at({ hook: undefined })).toBe('accept');
    expect(at({ family: 'ip' })).toBe('drop by x#9');
    expect(at({ family: 'ip6' })).toBe('accept');
    expect(at({ family: 'bridge' })).toBe('accept');
    expect(at({ family: 'ip6' }, v6packet)).toBe('drop by x#9');
    expect(at({ family: 'ip' }, v6packet)).toBe('accept');
    expect(at({ family: 'inet' }, v6packet)).toBe('drop by x#9');
  });
});
