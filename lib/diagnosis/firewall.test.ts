import { describe, expect, it } from 'vitest';
import type { FirewallState } from '../model/node-state';
import { parseNft } from '../parse/nft';
import { testdata } from '../parse/testdata';
import { evaluateOutput, type FirewallOutcome, type OutputPacket } from './firewall';

// Real `nft -j list ruleset` (lib/parse/testdata/nft.json): inet filter output (policy accept) with
// #4 drop udp 44880 to 216.238.110.55, #5 reject to @dzpeers, #8 drop to an anonymous set, #9 reject
// to 198.19.3.0/24, #10 accept udp 44880, #11 drop a port range, #12 jump dzout (#13 return, #14 drop);
// and ip raw out with policy drop.
const real = parseNft(testdata('nft.json'));
const full: FirewallState = { chains: real.chains, rules: real.rules };
const withoutRaw: FirewallState = { chains: real.chains.filter((c) => c.table !== 'raw'), rules: real.rules };
const packet = (daddr: string, dport = 44880): OutputPacket => ({ saddr: '209.245.225.161', daddr, sport: 44880, dport, oifname: 'doublezero0' });
const describeOutcome = (o: FirewallOutcome): string =>
  'rule' in o
    ? `${o.verdict} by ${o.rule.chain}#${o.rule.handle}`
    : 'policyChain' in o
      ? `${o.verdict} by policy of ${o.policyChain.table}/${o.policyChain.name}`
      : o.verdict;

describe('evaluateOutput on a real ruleset', () => {
  it('finds the rule that drops or rejects the liveness packet, with its handle', () => {
    expect(describeOutcome(evaluateOutput(withoutRaw, packet('216.238.110.55')))).toBe('drop by output#4');
    expect(describeOutcome(evaluateOutput(withoutRaw, packet('198.18.200.1')))).toBe('reject by output#5');
    expect(describeOutcome(evaluateOutput(withoutRaw, packet('198.19.2.77')))).toBe('drop by output#8');
    expect(describeOutcome(evaluateOutput(withoutRaw, packet('198.19.3.1')))).toBe('reject by output#9');
    expect(describeOutcome(evaluateOutput(withoutRaw, packet('203.0.113.5')))).toBe('accept');
  });

  it('runs base chains in priority order: the raw chain (-300, policy drop) decides first', () => {
    expect(describeOutcome(evaluateOutput(full, packet('216.238.110.55')))).toBe('drop by policy of raw/out');
  });

  it('continues to the next base chain after an accept, and applies a drop policy there', () => {
    const rawLast: FirewallState = { chains: full.chains.map((c) => (c.table === 'raw' ? { ...c, priority: 100 } : c)), rules: full.rules };
    expect(describeOutcome(evaluateOutput(rawLast, packet('203.0.113.5')))).toBe('drop by policy of raw/out');
    expect(describeOutcome(evaluateOutput(rawLast, packet('216.238.110.55')))).toBe('drop by output#4');
  });

  it('follows jump and return', () => {
    const jumpOnly: FirewallState = { chains: withoutRaw.chains, rules: withoutRaw.rules.filter((r) => r.handle === 12 || r.chain === 'dzout') };
    expect(describeOutcome(evaluateOutput(jumpOnly, packet('203.0.113.5')))).toBe('drop by dzout#14');
    // `udp dport != 44880 return` sends other ports back to the output chain, whose policy accepts
    expect(describeOutcome(evaluateOutput(jumpOnly, packet('203.0.113.5', 50000)))).toBe('accept');
    expect(describeOutcome(evaluateOutput(jumpOnly, { ...packet('203.0.113.5'), oifname: 'eth0' }))).toBe('accept');
  });

  it('never blocks on a rule it cannot read, but lists it', () => {
    const odd = parseNft(
      JSON.stringify({
        nftables: [
          { chain: { family: 'inet', table: 't', name: 'o', hook: 'output', type: 'filter', prio: 0, policy: 'accept' } },
          {
            rule: {
              family: 'inet',
              table: 't',
              chain: 'o',
              handle: 3,
              expr: [{ match: { op: '==', left: { meta: { key: 'skuid' } }, right: 0 } }, { drop: null }],
            },
          },
        ],
      }),
    );
    const outcome = evaluateOutput({ chains: odd.chains, rules: odd.rules }, packet('216.238.110.55'));
    expect(outcome.verdict).toBe('accept');
    expect(outcome.undecided.map((r) => r.handle)).toEqual([3]);
  });

  it('ignores ip-family chains for IPv6 peers and non-output hooks', () => {
    expect(evaluateOutput(full, { ...packet('2001:db8::2'), saddr: '2001:db8::1' }).verdict).toBe('accept');
    const input: FirewallState = { chains: full.chains.map((c) => ({ ...c, hook: c.hook ? 'input' : undefined }) as typeof c), rules: full.rules };
    expect(evaluateOutput(input, packet('216.238.110.55')).verdict).toBe('accept');
  });
});
