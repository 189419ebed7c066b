import { describe, expect, it } from 'vitest';
import { parseIpLink } from './ip-link';
import { testdata } from './testdata';

describe('parseIpLink', () => {
  it('reads real `ip -j -d link show` output: name, flags, operstate, mtu, kind', () => {
    const { items, issues } = parseIpLink(testdata('ip-link.json'));
    expect(issues).toEqual([]);
    expect(items.map((l) => l.ifname)).toEqual(['lo', 'dzpeer', 'doublezero0']);
    const dz = items.find((l) => l.ifname === 'doublezero0');
    expect(dz).toMatchObject({ up: true, lowerUp: true, operstate: 'UP', mtu: 1476, kind: 'veth', linkType: 'ether' });
    expect(items[0]).toMatchObject({ ifname: 'lo', operstate: 'UNKNOWN', up: true });
    expect(items[0]?.kind).toBeUndefined();
    // unknown fields are kept
    expect(dz?.raw.qdisc).toBe('noqueue');
  });

  it('sees an interface set down', () => {
    const dz = parseIpLink(testdata('ip-link-down.json')).items.find((l) => l.ifname === 'doublezero0');
    expect(dz).toMatchObject({ up: false, lowerUp: false, operstate: 'DOWN' });
  });

  it('keeps the good records when one is bad, and reports bad JSON without throwing', () => {
    const text = JSON.stringify([{ ifindex: 1, ifname: 'lo', flags: ['UP'] }, { ifname: 42 }, 'x']);
    const { items, issues } = parseIpLink(text);
    expect(items.map((l) => l.ifname)).toEqual(['lo']);
    expect(issues.map((i) => i.at)).toEqual([1, 2]);
    expect(parseIpLink('{"truncated').issues[0]?.message).toMatch(/invalid JSON/);
    expect(parseIpLink('').issues[0]?.message).toMatch(/empty/);
    expect(parseIpLink('{}').issues[0]?.message).toMatch(/array/);
  });
});
