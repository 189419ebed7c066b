import { describe, expect, it } from 'vitest';
import { formatValue, parseNft, type FirewallRule } from './nft';

// `nft -j list ruleset` objects as libnftables writes them (src/json.c): chains, sets and rules with
// their expressions, one form at a time, and the nft text each rule is shown with.

const nft = (items: unknown[]) => parseNft(JSON.stringify({ nftables: items }));
const ruleOf = (expr: unknown[], extra: Record<string, unknown> = {}, sets: unknown[] = []): FirewallRule => {
  const { rules, issues } = nft([...sets, { rule: { family: 'inet', table: 't', chain: 'c', handle: 5, expr, ...extra } }]);
  expect(issues).toEqual([]);
  return rules[0]!;
};
const m = (left: unknown, right: unknown, op = '==') => ({ match: { op, left, right } });
const payload = (protocol: string, field: string) => ({ payload: { protocol, field } });

describe('parseNft: the ruleset', () => {
  it('reads chains with their hook, type, priority and policy, and regular chains without', () => {
    const { chains } = nft([
      { metainfo: { version: '1.0.6' } },
      { table: { family: 'inet', name: 't', handle: 1 } },
      { chain: { family: 'inet', table: 't', name: 'out', handle: 2, type: 'filter', hook: 'output', prio: -300, policy: 'drop' } },
      { chain: { family: 'inet', table: 't', name: 'sub' } },
    ]);
    expect(chains).toEqual([
      { family: 'inet', table: 't', name: 'out', handle: 2, hook: 'output', type: 'filter', priority: -300, policy: 'drop' },
      { family: 'inet', table: 't', name: 'sub' },
    ]);
  });

  it.each<[string, string, string]>([
    ['empty output', '', 'nft: empty output'],
    ['no nftables list', '{"x":1}', 'nft: expected {"nftables": [...]}'],
    ['not JSON', '{', expect.stringMatching(/^nft: invalid JSON/) as unknown as string],
  ])('reports %s', (_name, text, message) => {
    expect(parseNft(text)).toEqual({ chains: [], rules: [], issues: [{ message }] });
  });

  it('reports each object it cannot read and keeps the others', () => {
    const { chains, rules, issues } = nft([
      'text',
      { chain: { family: 'inet', name: 'no-table' } },
      { rule: { family: 'inet', table: 't' } },
      { chain: { family: 'inet', table: 't', name: 'ok' } },
      { rule: { family: 'inet', table: 't', chain: 'ok' } },
    ]);
    expect(issues).toEqual([
      { at: 0, message: 'nft object 0 is not an object' },
      { at: 1, message: 'nft object 1: unreadable chain' },
      { at: 2, message: 'nft object 2: unreadable rule' },
    ]);
    expect(chains.map((c) => c.name)).toEqual(['ok']);
    expect(rules).toEqual([{ family: 'inet', table: 't', chain: 'ok', matches: [], unreadable: [], text: '' }]);
  });
});

describe('parseNft: rules', () => {
  it('reads payload, meta and ct matches with their values', () => {
    const r = ruleOf(
      [
        m(payload('udp', 'dport'), 44880),
        m({ meta: { key: 'oifname' } }, 'doublezero*'),
        m({ ct: { key: 'state' } }, ['established', 'related'], 'in'),
        { counter: { packets: 1, bytes: 2 } },
        { drop: null },
      ],
      { comment: 'no "liveness"' },
    );
    expect(r).toEqual({
      family: 'inet',
      table: 't',
      chain: 'c',
      handle: 5,
      comment: 'no "liveness"',
      verdict: 'drop',
      unreadable: [],
      matches: [
        { field: 'udp dport', op: '==', values: [{ kind: 'value', value: 44880 }], fromSet: false },
        { field: 'meta oifname', op: '==', values: [{ kind: 'value', value: 'doublezero*' }], fromSet: false },
        {
          field: 'ct state',
          op: 'in',
          values: [
            { kind: 'value', value: 'established' },
            { kind: 'value', value: 'related' },
          ],
          fromSet: true,
        },
      ],
      text: 'udp dport 44880 meta oifname doublezero* ct state { established, related } counter drop comment "no \\"liveness\\""',
    });
  });

  it('reads anonymous sets of values, prefixes, ranges and elements', () => {
    const r = ruleOf([
      m(
        payload('ip', 'daddr'),
        { set: ['10.0.0.1', { prefix: { addr: '10.1.0.0', len: 16 } }, { range: ['10.2.0.0', '10.2.0.9'] }, { elem: { val: '10.3.0.1', timeout: 5 } }] },
        '!=',
      ),
      { accept: null },
    ]);
    expect(r.matches[0]).toEqual({
      field: 'ip daddr',
      op: '!=',
      fromSet: true,
      values: [
        { kind: 'value', value: '10.0.0.1' },
        { kind: 'prefix', addr: '10.1.0.0', len: 16 },
        { kind: 'range', from: '10.2.0.0', to: '10.2.0.9' },
        { kind: 'value', value: '10.3.0.1' },
      ],
    });
    expect(r.text).toBe('ip daddr != { 10.0.0.1, 10.1.0.0/16, 10.2.0.0-10.2.0.9, 10.3.0.1 } accept');
  });

  it('resolves a named set listed after the rule, and keeps a set it cannot find as unknown', () => {
    const set = {
      set: { family: 'inet', table: 't', name: 'peers', type: 'ipv4_addr', elem: ['216.238.110.55', { prefix: { addr: '198.18.0.0', len: 15 } }] },
    };
    const { rules } = nft([{ rule: { family: 'inet', table: 't', chain: 'c', expr: [m(payload('ip', 'daddr'), '@peers'), { reject: null }] } }, set]);
    expect(rules[0]?.matches[0]).toEqual({
      field: 'ip daddr',
      op: '==',
      fromSet: true,
      values: [
        { kind: 'value', value: '216.238.110.55' },
        { kind: 'prefix', addr: '198.18.0.0', len: 15 },
      ],
    });
    expect(rules[0]?.text).toBe('ip daddr @peers reject');
    const elsewhere = nft([
      { ...set, set: { ...set.set, table: 'other' } },
      { rule: { family: 'inet', table: 't', chain: 'c', expr: [m(payload('ip', 'daddr'), '@peers')] } },
    ]);
    expect(elsewhere.rules[0]?.matches[0]).toEqual({ field: 'ip daddr', op: '==', fromSet: true, values: [{ kind: 'unknown', text: '@peers' }] });
    const empty = nft([
      { set: { family: 'inet', table: 't', name: 'none' } },
      { rule: { family: 'inet', table: 't', chain: 'c', expr: [m(payload('ip', 'daddr'), '@none')] } },
    ]);
    expect(empty.rules[0]?.matches[0]?.values).toEqual([]);
  });

  it('reads jump and goto with their target, and every other verdict', () => {
    expect(ruleOf([{ jump: { target: 'dzout' } }])).toMatchObject({ verdict: 'jump', target: 'dzout', text: 'jump dzout' });
    expect(ruleOf([{ goto: { target: 'x' } }])).toMatchObject({ verdict: 'goto', target: 'x', text: 'goto x' });
    for (const v of ['accept', 'drop', 'reject', 'return', 'continue', 'queue']) expect(ruleOf([{ [v]: null }])).toMatchObject({ verdict: v, text: v });
    expect(ruleOf([{ jump: {} }]).target).toBeUndefined();
  });

  it('passes harmless statements and marks the rest unreadable', () => {
    const harmless = ['counter', 'log', 'limit', 'notrack', 'mangle', 'quota', 'ct count', 'set'];
    const r = ruleOf([...harmless.map((k) => ({ [k]: {} })), { accept: null }]);
    expect(r.unreadable).toEqual([]);
    expect(r.text).toBe(`${harmless.join(' ')} accept`);
    const odd = ruleOf([{ xt: { name: 'owner' } }, { drop: null }]);
    expect(odd).toMatchObject({ unreadable: ['xt'], text: 'xt drop', verdict: 'drop' });
    expect(ruleOf([{}]).unreadable).toEqual(['']);
  });

  it('marks a match it cannot read, on either side', () => {
    const left = ruleOf([m({ fib: { flags: ['daddr'], result: 'type' } }, 'local')]);
    expect(left.matches[0]?.field).toBe('?');
    expect(left.unreadable).toEqual(['{"fib":{"flags":["daddr"],"result":"type"}}']);
    expect(ruleOf([m({ meta: 'mark' }, 1)]).matches[0]?.field).toBe('?');
    expect(ruleOf([m({ payload: { protocol: 'ip' } }, 1)]).matches[0]?.field).toBe('?');
    expect(ruleOf([m({ ct: { dir: 'original' } }, 1)]).matches[0]?.field).toBe('?');
    const broken = ruleOf([{ match: { op: '==' } }, { drop: null }]);
    expect(broken).toMatchObject({ unreadable: ['match'], text: '? drop', matches: [] });
    const right = ruleOf([m(payload('ip', 'daddr'), { weird: true })]);
    expect(right.matches[0]?.values).toEqual([{ kind: 'unknown', text: '{"weird":true}' }]);
    expect(right.unreadable).toEqual([]);
    const long = ruleOf([m(payload('ip', 'daddr'), { weird: 'x'.repeat(100) })]);
    expect(long.matches[0]?.values[0]).toEqual({ kind: 'unknown', text: `{"weird":"${'x'.repeat(50)}…` });
  });

  it('shows each operator but == and in', () => {
    expect(ruleOf([m(payload('udp', 'dport'), 1024, '>=')]).text).toBe('udp dport >= 1024');
    expect(ruleOf([m(payload('udp', 'dport'), 1024, 'in')]).text).toBe('udp dport 1024');
  });
});

describe('formatValue', () => {
  it.each([
    [{ kind: 'value', value: 5 }, '5'],
    [{ kind: 'prefix', addr: '10.0.0.0', len: 8 }, '10.0.0.0/8'],
    [{ kind: 'range', from: 1, to: 2 }, '1-2'],
    [{ kind: 'unknown', text: '@x' }, '@x'],
  ] as const)('%o is %s', (v, text) => {
    expect(formatValue(v)).toBe(text);
  });
});
