import { describe, expect, it } from 'vitest';
import { formatRule, parseIpRule } from './ip-rule';
import { testdata } from './testdata';

describe('parseIpRule', () => {
  const { items, issues } = parseIpRule(testdata('ip-rule.json'));

  it('reads every rule of real `ip -j rule show` output, in priority order', () => {
    expect(issues).toEqual([]);
    expect(items.map((r) => r.priority)).toEqual([0, 100, 200, 300, 301, 302, 303, 304, 32766, 32767]);
    expect(items.map((r) => r.table ?? r.action)).toEqual(['local', '100', '200', 'unreachable', 'prohibit', 'blackhole', 'main', 'goto', 'main', 'default']);
  });

  it('reads selectors: src with length, not, dst prefix, fwmark/mask, iif, oif, suppress, goto', () => {
    expect(items[1]?.src).toEqual({ family: 'inet', addr: '209.245.225.161', len: 32 });
    expect(items[0]?.src).toBeUndefined();
    expect(items[2]).toMatchObject({ not: true, dst: { addr: '198.18.0.0', len: 15 }, fwmark: 0x10, fwmask: 0xff, iif: 'doublezero0', action: 'lookup' });
    expect(items[3]).toMatchObject({ oif: 'dzpeer', action: 'unreachable', not: false });
    expect(items[6]).toMatchObject({ table: 'main', suppressPrefixlen: 0 });
    expect(items[7]).toMatchObject({ action: 'goto', goto: 32766 });
    expect(items.every((r) => r.otherSelectors.length === 0)).toBe(true);
    expect(formatRule(items[2]!)).toBe('200: not from all to 198.18.0.0/15 fwmark 0x10/0xff iif doublezero0 lookup 200');
  });

  it('notes selectors it does not evaluate and skips unreadable ones', () => {
    const text = JSON.stringify([
      { priority: 5, src: 'all', uidrange: '0-0', table: 'main' },
      { priority: 6, src: 'x.y', table: 'main' },
    ]);
    const parsed = parseIpRule(text);
    expect(parsed.items[0]?.otherSelectors).toEqual(['uidrange']);
    expect(parsed.items).toHaveLength(1);
    expect(parsed.issues).toHaveLength(1);
  });
});

describe('parseIpRule selectors', () => {
  it('reads ipproto, port ranges and tos as iproute2 prints them, and flags the uid range as not evaluated', () => {
    const rule = parseIpRule(testdata('ip-rule-selectors.json')).items.find((r) => r.priority === 400);
    expect(rule).toMatchObject({ ipproto: 'udp', sport: { from: 1000, to: 2000 }, dport: { from: 44880, to: 44880 }, tos: '0x10', table: '300' });
    expect(rule?.otherSelectors).toEqual(['uid_start', 'uid_end']);
    expect(formatRule(rule!)).toBe('400: from all tos 0x10 ipproto udp sport 1000-2000 dport 44880 lookup 300 (+uid_start,uid_end)');
  });
});
