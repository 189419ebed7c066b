import { describe, expect, it } from 'vitest';
import { parseIpAddr } from './ip-addr';
import { testdata } from './testdata';

describe('parseIpAddr', () => {
  it('flattens real `ip -j addr show` output into one record per address', () => {
    const { items, issues } = parseIpAddr(testdata('ip-addr.json'));
    expect(issues).toEqual([]);
    const dz = items.filter((a) => a.ifname === 'doublezero0').map((a) => `${a.local}/${a.prefixlen}`);
    expect(dz).toEqual(['169.254.0.3/31', '209.245.225.161/32', '2001:db8::1/64', 'fe80::68c1:11ff:fed1:1703/64']);
    const allocated = items.find((a) => a.local === '209.245.225.161');
    expect(allocated).toMatchObject({ family: 'inet', scope: 'global', label: 'doublezero0', tentative: false, ifindex: 3 });
    expect(items.find((a) => a.local === '2001:db8::1')).toMatchObject({ family: 'inet6', prefixlen: 64, tentative: false });
    expect(allocated?.raw.valid_life_time).toBe(4294967295);
  });

  it('drops an address whose local is not an IP of its family, keeping the rest', () => {
    const text = JSON.stringify([
      {
        ifindex: 3,
        ifname: 'doublezero0',
        addr_info: [
          { family: 'inet', local: '10.0.0.1', prefixlen: 32 },
          { family: 'inet', local: '::1', prefixlen: 32 },
          { family: 'inet', local: 'x', prefixlen: 8 },
        ],
      },
    ]);
    const { items, issues } = parseIpAddr(text);
    expect(items.map((a) => a.local)).toEqual(['10.0.0.1']);
    expect(issues).toHaveLength(2);
  });
});
