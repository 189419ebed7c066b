import { describe, expect, it } from 'vitest';
import { diffStates } from './diff';
import { normalizeBundle } from './normalize';
import { stateHash } from './state-hash';
import { baseFiles, bundleFromTestdata } from './testing';

const SEED_JSON =
  '{"time":"2025-11-30T19:36:22.662807168Z","level":"WARN","msg":"liveness.scheduler: error writing UDP packet","error":"write udp 0.0.0.0:44880->216.238.110.55:44880: sendmsg: network is unreachable","peer":"interface: doublezero0, localIP: 209.245.225.161, peerIP: 216.238.110.55"}';

describe('normalizeBundle', () => {
  it('builds the node state from real outputs', () => {
    const state = normalizeBundle(bundleFromTestdata(baseFiles, { journal: SEED_JSON, systemctl: 'active\n' }));
    expect(state.issues).toEqual([]);
    expect(state.links.map((l) => l.ifname)).toEqual(['doublezero0', 'dzpeer', 'lo']);
    expect(state.addresses.filter((a) => a.ifname === 'doublezero0' && a.family === 'inet').map((a) => a.local)).toEqual(['169.254.0.3', '209.245.225.161']);
    expect(state.routes.find((r) => r.protocol === 'bgp')?.text).toBe('216.238.110.55 via 169.254.0.2 dev doublezero0 proto bgp src 209.245.225.161');
    expect(state.rules.map((r) => r.priority)).toContain(32766);
    expect(state.firewall?.rules).toHaveLength(9);
    expect(state.events).toHaveLength(1);
    expect(state.daemon).toEqual({ unitState: 'active', sessions: null, version: null, unit: null, status: null });
    expect(state.sections).toMatchObject({ 'ip-link': 'ok', nft: 'ok', journal: 'ok', systemctl: 'ok' });
  });

  it('reports a missing required section and a failed nft as unknown firewall, without throwing', () => {
    const bundle = bundleFromTestdata({ 'ip-link': 'ip-link.json', 'ip-addr': 'ip-addr.json', 'ip-route': 'ip-route.json' });
    bundle.sections.nft = { stdout: '', stderr: 'sudo: a password is required', exitCode: 1, truncated: false };
    const state = normalizeBundle(bundle);
    expect(state.firewall).toBeNull();
    expect(state.sections).toMatchObject({ 'ip-rule': 'missing', nft: 'failed' });
    expect(state.issues.map((i) => i.section)).toEqual(['ip-rule', 'nft']);
    expect(state.issues[1]?.message).toContain('password');
  });

  it('keeps an empty ruleset distinct from an unreadable one', () => {
    expect(normalizeBundle(bundleFromTestdata({ nft: 'nft-empty.json' })).firewall).toEqual({ chains: [], rules: [] });
    expect(normalizeBundle(bundleFromTestdata({}, { nft: 'garbage' })).firewall).toBeNull();
  });
});

describe('stateHash', () => {
  it('ignores what moves every poll (journal, metrics, collection time) and not what the node is', () => {
    const a = normalizeBundle(bundleFromTestdata(baseFiles));
    const b = normalizeBundle({
      ...bundleFromTestdata(baseFiles, { journal: SEED_JSON, metrics: 'doublezero_x 1\n' }),
      meta: { node: 'dfw-mn-bm1', collectedAt: '2025-11-30T19:41:00Z' },
    });
    expect(stateHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(stateHash(b)).toBe(stateHash(a));
    const c = normalizeBundle(bundleFromTestdata({ ...baseFiles, 'ip-addr': 'ip-addr-after-del.json' }));
    expect(stateHash(c)).not.toBe(stateHash(a));
  });

  it('does not depend on the order the kernel printed routes or links in', () => {
    const a = normalizeBundle(bundleFromTestdata(baseFiles));
    const shuffled = bundleFromTestdata(baseFiles);
    for (const name of ['ip-route', 'ip-link', 'ip-addr'] as const) {
      const section = shuffled.sections[name]!;
      section.stdout = JSON.stringify((JSON.parse(section.stdout) as unknown[]).reverse());
    }
    expect(stateHash(normalizeBundle(shuffled))).toBe(stateHash(a));
  });
});

describe('diffStates', () => {
  it('lists the removed allocated address and the routes the kernel flushed with it (real captures)', () => {
    const before = normalizeBundle(bundleFromTestdata(baseFiles));
    const after = normalizeBundle(bundleFromTestdata({ ...baseFiles, 'ip-addr': 'ip-addr-after-del.json', 'ip-route': 'ip-route-after-del.json' }));
    const changes = diffStates(before, after);
    expect(changes).toContainEqual({ kind: 'address-removed', subject: '209.245.225.161/32 on doublezero0' });
    expect(changes).toContainEqual({ kind: 'route-removed', subject: '216.238.110.55 via 169.254.0.2 dev doublezero0 proto bgp src 209.245.225.161' });
    expect(changes.filter((c) => c.kind.endsWith('-added'))).toEqual([]);
    expect(diffStates(before, before)).toEqual([]);
  });

  it('sees a link going down, a firewall rule appearing, and a session changing state', () => {
    const before = normalizeBundle(
      bundleFromTestdata(
        { ...baseFiles, nft: 'nft-empty.json' },
        { 'daemon-routes': JSON.stringify([{ local_ip: '209.245.225.161', peer_ip: '216.238.110.55', liveness_state: 'Up' }]) },
      ),
    );
    const after = normalizeBundle(
      bundleFromTestdata(
        { ...baseFiles, 'ip-link': 'ip-link-down.json' },
        { 'daemon-routes': JSON.stringify([{ local_ip: '209.245.225.161', peer_ip: '216.238.110.55', liveness_state: 'Down' }]) },
      ),
    );
    const changes = diffStates(before, after);
    expect(changes).toContainEqual({ kind: 'link-down', subject: 'doublezero0', before: 'UP operstate UP', after: 'DOWN operstate DOWN no-carrier' });
    expect(changes).toContainEqual({ kind: 'firewall-rule-added', subject: 'inet filter output: udp dport 44880 ip daddr 216.238.110.55 counter drop' });
    expect(changes).toContainEqual({
      kind: 'session-changed',
      subject: '209.245.225.161 -> 216.238.110.55',
      before: 'liveness Up, kernel -',
      after: 'liveness Down, kernel -',
    });
    expect(diffStates(after, before)).toContainEqual(expect.objectContaining({ kind: 'link-up', subject: 'doublezero0' }));
  });
});
