import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { familyBits, formatPrefix, parseIp, parsePrefix, prefixContains } from './ip';

// Addresses and prefixes as iproute2 prints them, read into numbers for prefix matching.

describe('parseIp', () => {
  it.each<[string, string | undefined]>([
    ['0.0.0.0', 'inet 0'],
    ['255.255.255.255', `inet ${0xffffffff}`],
    ['10.0.0.1', `inet ${0x0a000001}`],
    ['199.200.249.250', `inet ${0xc7c8f9fa}`],
    ['::', 'inet6 0'],
    ['::1', 'inet6 1'],
    ['1::', `inet6 ${1n << 112n}`],
    ['1:2:3:4:5:6:7:8', `inet6 ${0x00010002000300040005000600070008n}`],
    ['1:2:3:4:5:6:7::', `inet6 ${0x00010002000300040005000600070000n}`],
    ['::2:3:4:5:6:7:8', `inet6 ${0x00000002000300040005000600070008n}`],
    ['FFFF::abcd', `inet6 ${0xffff000000000000000000000000abcdn}`],
    ['::ffff:10.0.0.1', `inet6 ${0xffff0a000001n}`],
    ['64:ff9b::192.0.2.33', `inet6 ${0x0064ff9b0000000000000000c0000221n}`],
    ['1.2.3', undefined],
    ['1.2.3.4.5', undefined],
    ['256.0.0.1', undefined],
    ['01.2.3.4', undefined],
    ['1.2.3.4 ', undefined],
    ['-1.2.3.4', undefined],
    [':', undefined],
    [':::', undefined],
    ['1:2:3:4:5:6:7:8::', undefined],
    ['1:2:3:4:5:6:7', undefined],
    ['1:2:3:4:5:6:7:8:9', undefined],
    ['12345::', undefined],
    ['::1.2.3.4:5', undefined],
    ['::1.2.3', undefined],
    ['::g', undefined],
    ['1::2::3', undefined],
    [`1:${'0:'.repeat(20)}1`, undefined],
    ['fe80::1%eth0', undefined],
  ])('%j is %s', (text, expected) => {
    const ip = parseIp(text);
    expect(ip ? `${ip.family} ${ip.value}` : undefined).toBe(expected);
  });

  it('reads every dotted quad to its number', () => {
    fc.assert(
      fc.property(fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)), (o) => {
        expect(parseIp(o.join('.'))).toEqual({ family: 'inet', value: BigInt(((o[0] << 24) >>> 0) + (o[1] << 16) + (o[2] << 8) + o[3]) });
      }),
    );
  });

  it('reads every full IPv6 address to its number', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }), (groups) => {
        const value = groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
        expect(parseIp(groups.map((g) => g.toString(16)).join(':'))).toEqual({ family: 'inet6', value });
      }),
    );
  });
});

describe('parsePrefix and formatPrefix', () => {
  it.each<[string, 'inet' | 'inet6' | undefined, { family: string; addr: string; len: number } | undefined]>([
    ['default', 'inet', { family: 'inet', addr: '0.0.0.0', len: 0 }],
    ['all', 'inet6', { family: 'inet6', addr: '::', len: 0 }],
    ['all', undefined, undefined],
    ['10.0.0.0/8', undefined, { family: 'inet', addr: '10.0.0.0', len: 8 }],
    ['10.0.0.1', 'inet6', { family: 'inet', addr: '10.0.0.1', len: 32 }],
    ['10.0.0.0/0', undefined, { family: 'inet', addr: '10.0.0.0', len: 0 }],
    ['10.0.0.0/32', undefined, { family: 'inet', addr: '10.0.0.0', len: 32 }],
    ['10.0.0.0/33', undefined, undefined],
    ['10.0.0.0/', undefined, undefined],
    ['10.0.0.0/1000', undefined, undefined],
    ['10.0.0.0/-1', undefined, undefined],
    ['10.0.0.0/+8', undefined, undefined],
    ['10.0.0.0/ 8', undefined, undefined],
    ['10.0.0.0/8/8', undefined, undefined],
    ['x/8', undefined, undefined],
    ['2001:db8::/128', undefined, { family: 'inet6', addr: '2001:db8::', len: 128 }],
    ['2001:db8::/129', undefined, undefined],
    ['2001:db8::1', undefined, { family: 'inet6', addr: '2001:db8::1', len: 128 }],
  ])('%j (%s) is %o', (text, family, expected) => {
    expect(parsePrefix(text, family)).toEqual(expected);
  });

  it.each([
    [{ family: 'inet' as const, addr: '0.0.0.0', len: 0 }, 'default'],
    [{ family: 'inet' as const, addr: '10.0.0.1', len: 32 }, '10.0.0.1'],
    [{ family: 'inet' as const, addr: '10.0.0.0', len: 31 }, '10.0.0.0/31'],
    [{ family: 'inet6' as const, addr: '::1', len: 128 }, '::1'],
    [{ family: 'inet6' as const, addr: '2001:db8::', len: 32 }, '2001:db8::/32'],
  ])('formats %o as %s', (prefix, text) => {
    expect(formatPrefix(prefix)).toBe(text);
  });

  it('knows the width of each family', () => {
    expect(familyBits('inet')).toBe(32);
    expect(familyBits('inet6')).toBe(128);
  });
});

describe('prefixContains', () => {
  const contains = (prefix: string, ip: string) => prefixContains(parsePrefix(prefix, 'inet')!, parseIp(ip)!);

  it.each([
    ['10.0.0.0/8', '10.255.255.255', true],
    ['10.0.0.0/8', '11.0.0.0', false],
    ['10.0.0.0/8', '9.255.255.255', false],
    ['10.0.0.1', '10.0.0.1', true],
    ['10.0.0.1', '10.0.0.0', false],
    ['169.254.0.2/31', '169.254.0.3', true],
    ['169.254.0.2/31', '169.254.0.1', false],
    ['default', '255.255.255.255', true],
    ['10.0.0.0/8', '::a00:1', false],
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
  ])('%s holds %s: %s', (prefix, ip, expected) => {
    expect(contains(prefix, ip)).toBe(expected);
  });

  it('holds nothing when its own address does not parse', () => {
    expect(prefixContains({ family: 'inet', addr: 'x', len: 0 }, parseIp('10.0.0.1')!)).toBe(false);
  });

  it('a prefix holds exactly the addresses that share its first len bits (property)', () => {
    fc.assert(
      fc.property(fc.nat(0xffffffff), fc.nat(0xffffffff), fc.integer({ min: 0, max: 32 }), (a, b, len) => {
        const text = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
        const same = len === 0 || a >>> (32 - len) === b >>> (32 - len);
        expect(prefixContains(parsePrefix(`${text(a)}/${len}`)!, parseIp(text(b))!)).toBe(same);
      }),
    );
  });
});
