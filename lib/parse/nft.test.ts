import { describe, expect, it } from 'vitest';
import { parseNft } from './nft';
import { testdata } from './testdata';

describe('parseNft', () => {
  const { chains, rules, issues } = parseNft(testdata('nft.json'));

  it('reads chains of real `nft -j list ruleset` output with hook, priority and policy', () => {
    expect(issues).toEqual([]);
    expect(chains).toEqual([
      { family: 'inet', table: 'filter', name: 'output', handle: 1, hook: 'output', type: 'filter', priority: 0, policy: 'accept' },
      { family: 'inet', table: 'filter', name: 'dzout', handle: 2 },
      { family: 'ip', table: 'raw', name: 'out', handle: 1, hook: 'output', type: 'filter', priority: -300, policy: 'drop' },
    ]);
  });

  it('renders each rule as readable nft text with its handle, without counter values', () => {
    expect(rules.map((r) => `${r.chain}#${r.handle}: ${r.text}`)).toEqual([
      'output#4: udp dport 44880 ip daddr 216.238.110.55 counter drop',
      'output#5: ip daddr @dzpeers udp dport 44880 reject',
      'output#8: ip daddr { 198.19.1.1, 198.19.2.0/24 } udp dport { 53, 44880 } drop',
      'output#9: ip daddr 198.19.3.0/24 reject',
      'output#10: udp dport 44880 accept',
      'output#11: udp dport 44000-45000 drop comment "range"',
      'output#12: meta oifname doublezero0 jump dzout',
      'dzout#13: udp dport != 44880 return',
      'dzout#14: drop',
    ]);
  });

  it('structures matches: values, prefixes, ranges, named sets resolved to their elements', () => {
    expect(rules[0]).toMatchObject({
      verdict: 'drop',
      unreadable: [],
      matches: [{ field: 'udp dport', op: '==', values: [{ kind: 'value', value: 44880 }], fromSet: false }, { field: 'ip daddr' }],
    });
    expect(rules[1]?.matches[0]).toEqual({
      field: 'ip daddr',
      op: '==',
      fromSet: true,
      values: [
        { kind: 'prefix', addr: '198.18.0.0', len: 16 },
        { kind: 'value', value: '216.238.110.55' },
      ],
    });
    expect(rules[5]?.matches[0]?.values).toEqual([{ kind: 'range', from: 44000, to: 45000 }]);
    expect(rules[6]).toMatchObject({ verdict: 'jump', target: 'dzout' });
    expect(rules[7]?.matches[0]?.op).toBe('!=');
  });

  it('reads an empty ruleset and reports what is not nft JSON', () => {
    expect(parseNft(testdata('nft-empty.json'))).toEqual({ chains: [], rules: [], issues: [] });
    expect(parseNft('').issues).toHaveLength(1);
    expect(parseNft('[1]').issues[0]?.message).toMatch(/nftables/);
    const odd = parseNft(
      JSON.stringify({
        nftables: [
          7,
          { chain: { name: 1 } },
          { rule: { family: 'ip', table: 't', chain: 'c', expr: [{ xt: { type: 'match', name: 'owner' } }, { drop: null }] } },
        ],
      }),
    );
    expect(odd.issues).toHaveLength(2);
    expect(odd.rules[0]).toMatchObject({ unreadable: ['xt'], verdict: 'drop', text: 'xt drop' });
  });
});
