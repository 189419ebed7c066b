import { describe, expect, it } from 'vitest';
import {
  checkHostKey,
  entriesForHost,
  entryMatchesHost,
  fingerprint,
  formatKnownHostsLine,
  hostKeyAlgorithmsFor,
  indexKnownHosts,
  parseKnownHosts,
  pinnedKeyTypes,
} from './known-hosts';

// Keys made with ssh-keygen; the hashed lines are `ssh-keygen -H` of
// `[127.0.0.1]:22001 <ED>` and `node.example.net <EC>`.
const ED = 'AAAAC3NzaC1lZDI1NTE5AAAAIE2+9ssH75kFZMDZAqh/qf7iXIPtkc6yvQhij35YBQeL';
const EC = 'AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBJ6R6CM6KwYFLzrsESS4XFvrCYAlVLwVnbZGnRTQw4rcbWcHQ1d6HqtbSTt98Mn9uu7QlTQ4RiZ+4Zl2OjrXstc=';
const RSA =
  'AAAAB3NzaC1yc2EAAAADAQABAAABAQDDCzGoanBJ7pTkegPqnYrYrXLQ2L1ul+vc8n0FXsGZEUF+K+Y++r3AuyBT5yplEycBv9hdMbgJdolfJVINHB9AECmlJP0Jy8HEDd3EZpHl740DXs7l1PTWBs9XWst6kC4AQi9XYee+tDHcm5jHcAVu88lDvSLG2OVSKjgbqAEpKnX0AwI+63yz8PaqzqTiha5XePX4J3CGr1OEzsdvuJ1ByxG0R1jWLeicVHbUNzNhlpdU/AjWSJkExyA2fDVY+L+SqM1l+F+ffN8sr8NAOkTEzOGA0ouoRLc+AF957ys+gLWgvQpS3ass63ZY2TqJjm26o7s0pJuHjfnFY6oHK1A/';
const key = (b64: string) => Buffer.from(b64, 'base64');

const hashed = [
  '|1|NwyKfdsE28dbqbDsrck5gkL9ngg=|SJ2UyHmXSP0pf9hwYg05qJRS2Dc= ssh-ed25519 ' + ED,
  '|1|Nz9CSwt5unlK2PBQbCE9cp6tD7Y=|IwpMks4nuZyN/OD/SWh/8k1YawM= ecdsa-sha2-nistp256 ' + EC,
].join('\n');

describe('known_hosts', () => {
  it('matches hashed entries made by ssh-keygen -H, for [host]:port and for port 22', () => {
    const entries = parseKnownHosts(hashed);
    expect(entries).toHaveLength(2);
    expect(checkHostKey(entries, '127.0.0.1', 22001, key(ED))).toEqual({ status: 'known', line: 1 });
    expect(checkHostKey(entries, 'node.example.net', 22, key(EC))).toEqual({ status: 'known', line: 2 });
    expect(checkHostKey(entries, '127.0.0.1', 22002, key(ED))).toEqual({ status: 'unknown' });
    expect(checkHostKey(entries, '127.0.0.1', 22, key(ED))).toEqual({ status: 'unknown' });
  });

  it('calls any other key for a pinned host a changed key, whatever its type', () => {
    const entries = parseKnownHosts(hashed);
    expect(checkHostKey(entries, '127.0.0.1', 22001, key(RSA))).toEqual({ status: 'changed', pinnedTypes: ['ssh-ed25519'], lines: [1] });
    expect(checkHostKey(entries, 'node.example.net', 22, key(ED))).toMatchObject({ status: 'changed' });
  });

  it('matches plain patterns: lists, globs, negation, case-insensitive names', () => {
    const entries = parseKnownHosts(['# comment', '', `[10.0.0.1]:2222,Node-A ssh-ed25519 ${ED}`, `*.dz.example,!bad.dz.example ssh-rsa ${RSA}`].join('\n'));
    expect(checkHostKey(entries, 'node-a', 22, key(ED))).toEqual({ status: 'known', line: 3 });
    expect(checkHostKey(entries, '10.0.0.1', 2222, key(ED))).toEqual({ status: 'known', line: 3 });
    expect(checkHostKey(entries, '10.0.0.1', 22, key(ED))).toEqual({ status: 'unknown' });
    expect(checkHostKey(entries, 'x.dz.example', 22, key(RSA))).toEqual({ status: 'known', line: 4 });
    expect(checkHostKey(entries, 'bad.dz.example', 22, key(RSA))).toEqual({ status: 'unknown' });
  });

  it('honours @revoked, ignores @cert-authority and lines whose blob does not match its type', () => {
    const entries = parseKnownHosts(
      [`@revoked * ssh-ed25519 ${ED}`, `@cert-authority * ecdsa-sha2-nistp256 ${EC}`, `host ssh-ed25519 ${EC}`, 'garbage line'].join('\n'),
    );
    expect(entries).toHaveLength(1);
    expect(checkHostKey(entries, 'any', 22, key(ED))).toEqual({ status: 'revoked', line: 1 });
    expect(checkHostKey(entries, 'host', 22, key(EC))).toEqual({ status: 'unknown' });
  });

  it('formats the line trust-on-first-use appends so that it matches again', () => {
    const line = formatKnownHostsLine('127.0.0.1', 2200, key(EC));
    expect(line).toBe(`[127.0.0.1]:2200 ecdsa-sha2-nistp256 ${EC}\n`);
    expect(checkHostKey(parseKnownHosts(line), '127.0.0.1', 2200, key(EC))).toMatchObject({ status: 'known' });
    expect(formatKnownHostsLine('h', 22, key(ED))).toBe(`h ssh-ed25519 ${ED}\n`);
  });

  it('restricts negotiation to the pinned key types', () => {
    const entries = parseKnownHosts(`[h]:2 ssh-rsa ${RSA}\n[h]:2 ssh-ed25519 ${ED}`);
    expect(pinnedKeyTypes(entries, 'h', 2)).toEqual(['ssh-rsa', 'ssh-ed25519']);
    expect(hostKeyAlgorithmsFor(pinnedKeyTypes(entries, 'h', 2))).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519']);
  });

  it('prints fingerprints like ssh-keygen -l', () => {
    expect(fingerprint(key(ED))).toBe('SHA256:1ObLpZM0BCfchA5PB4eO5F4lOwouUoRJEHNS2JabqZk');
  });

  describe('entriesForHost (the entries one connection keeps)', () => {
    const file = [
      hashed, // lines 1-2: [127.0.0.1]:22001 ED, node.example.net EC (hashed)
      `[127.0.0.1]:22001 ssh-rsa ${RSA}`, // 3
      `Node-B,[10.0.0.2]:2200 ssh-ed25519 ${ED}`, // 4
      `*.dz.example,!bad.dz.example ssh-rsa ${RSA}`, // 5
      `@revoked node-b ecdsa-sha2-nistp256 ${EC}`, // 6
      `node-b ecdsa-sha2-nistp256 ${EC}`, // 7
      `[127.0.0.1]:22002 ssh-ed25519 ${ED}`, // 8
    ].join('\n');
    const entries = parseKnownHosts(file);
    const index = indexKnownHosts(entries);
    const hosts: Array<[string, number]> = [
      ['127.0.0.1', 22001],
      ['127.0.0.1', 22002],
      ['127.0.0.1', 22],
      ['node.example.net', 22],
      ['node-b', 22],
      ['NODE-B', 22],
      ['node-b', 2200],
      ['10.0.0.2', 2200],
      ['10.0.0.2', 22],
      ['x.dz.example', 22],
      ['bad.dz.example', 22],
      ['unknown.example', 22],
    ];

    it('selects exactly the entries that match the host, in file order', () => {
      for (const [host, port] of hosts) {
        const expected = entries.filter((e) => entryMatchesHost(e, host, port)).map((e) => e.line);
        expect(
          entriesForHost(index, host, port).map((e) => e.line),
          `${host}:${port}`,
        ).toEqual(expected);
      }
      expect(entriesForHost(index, '127.0.0.1', 22001).map((e) => e.line)).toEqual([1, 3]);
      expect(entriesForHost(index, 'node-b', 22).map((e) => e.line)).toEqual([4, 6, 7]);
      expect(entriesForHost(index, 'unknown.example', 22)).toEqual([]);
    });

    it('keeps pinning as strict as checking against the whole file', () => {
      for (const [host, port] of hosts)
        for (const k of [ED, EC, RSA]) {
          expect(checkHostKey(entriesForHost(index, host, port), host, port, key(k)), `${host}:${port}`).toEqual(checkHostKey(entries, host, port, key(k)));
        }
      // a wrong key for a pinned host, an unknown host, a [host]:port pinned on another port, a revoked key
      expect(checkHostKey(entriesForHost(index, '127.0.0.1', 22002), '127.0.0.1', 22002, key(EC))).toEqual({
        status: 'changed',
        pinnedTypes: ['ssh-ed25519'],
        lines: [8],
      });
      expect(checkHostKey(entriesForHost(index, 'unknown.example', 22), 'unknown.example', 22, key(ED))).toEqual({ status: 'unknown' });
      expect(checkHostKey(entriesForHost(index, '10.0.0.2', 22), '10.0.0.2', 22, key(ED))).toEqual({ status: 'unknown' });
      expect(checkHostKey(entriesForHost(index, 'node-b', 22), 'node-b', 22, key(EC))).toEqual({ status: 'revoked', line: 6 });
      expect(checkHostKey(entriesForHost(index, 'bad.dz.example', 22), 'bad.dz.example', 22, key(RSA))).toEqual({ status: 'unknown' });
      expect(pinnedKeyTypes(entriesForHost(index, '127.0.0.1', 22001), '127.0.0.1', 22001)).toEqual(['ssh-ed25519', 'ssh-rsa']);
    });
  });
});
