import { describe, expect, it } from 'vitest';
import { parseInventoryYaml } from '../../lib/inventory/parse-inventory';
import { renderInventory, renderKnownHosts } from './files';
import { generateKeyPair } from './keys';
import { compareVersions, parseClientVersion } from '../../lib/doublezerod';
import { buildFleetStates, EXTERNAL_PEERS, nodeName, planNode, SEED_EXTRA_PEERS, SEED_NODE, SEED_STALE_SESSIONS, SEED_VANISHED_IP } from './scenarios';
import { TEST_NOW } from './testing';

describe('scenarios', () => {
  it('are deterministic: the same fleet size gives the same nodes and states', () => {
    expect(JSON.stringify(buildFleetStates(12, TEST_NOW))).toBe(JSON.stringify(buildFleetStates(12, TEST_NOW)));
  });

  it('start with the seed node and give a 12-node fleet one node of every incident', () => {
    const fleet = buildFleetStates(12, TEST_NOW);
    expect(fleet[0]!.plan.name).toBe(SEED_NODE);
    expect(fleet.map((n) => n.plan.kind)).toEqual(
      expect.arrayContaining([
        'seed-stale-session',
        'link-down',
        'nft-drop',
        'missing-route',
        'daemon-disconnected',
        'multicast-only',
        'unicast-multicast',
        'multicast-down',
      ]),
    );
    expect(fleet.filter((n) => n.plan.behavior === 'unreachable')).toHaveLength(1);
    expect(fleet.filter((n) => n.plan.kind === 'healthy' && n.plan.behavior === 'normal').length).toBeGreaterThanOrEqual(3);
  });

  it('mix client versions: one ≤ v0.7.0, the seed and another on v0.7.1 … v0.8.0, several ≥ v0.8.3', () => {
    const fleet = buildFleetStates(12, TEST_NOW);
    const v = (text: string) => parseClientVersion(text)!;
    const versions = fleet.map((n) => v(n.state.version));
    expect(versions.filter((x) => compareVersions(x, v('0.7.0')) <= 0).length).toBeGreaterThanOrEqual(1);
    expect(versions.filter((x) => compareVersions(x, v('0.7.1')) >= 0 && compareVersions(x, v('0.8.0')) <= 0).length).toBeGreaterThanOrEqual(2);
    expect(versions.filter((x) => compareVersions(x, v('0.8.3')) >= 0).length).toBeGreaterThanOrEqual(6);
    expect(fleet[0]!.state.version).toBe('0.8.0');
    // liveness is opt-in before v0.8.3: those units pass the flag
    for (const n of fleet)
      expect(n.state.daemon.argv.includes('-route-liveness-enable-passive'), n.plan.name).toBe(compareVersions(v(n.state.version), v('0.8.3')) < 0);
  });

  it('give the seed node 40+ stale sessions of the vanished IP next to its current ones', () => {
    const seed = buildFleetStates(12, TEST_NOW)[0]!.state;
    expect(SEED_STALE_SESSIONS).toBeGreaterThanOrEqual(40);
    expect(seed.daemon.sessions.filter((s) => s.localIp === SEED_VANISHED_IP)).toHaveLength(SEED_STALE_SESSIONS);
    expect(seed.daemon.sessions.filter((s) => s.localIp === seed.publicIp)).toHaveLength(seed.daemon.provision!.peers.length);
  });

  it('peer every unicast node with the others (symmetrically) and the external clients; the multicast-only node with nobody', () => {
    const fleet = buildFleetStates(12, TEST_NOW);
    const unicast = fleet.filter((n) => n.plan.unicast);
    expect(unicast).toHaveLength(11);
    const peersOf = (n: (typeof fleet)[number]) => new Set(n.state.daemon.provision!.peers);
    for (const a of unicast) {
      const extra = a.plan.name === SEED_NODE ? SEED_EXTRA_PEERS.length : 0;
      expect(peersOf(a).size).toBe(10 + EXTERNAL_PEERS.length + extra);
      for (const b of unicast) if (a !== b) expect(peersOf(b).has(a.plan.dzIp)).toBe(true);
    }
    const mc = fleet.find((n) => n.plan.kind === 'multicast-only')!;
    expect(mc.state.daemon.provision).toBeNull();
    expect(mc.state.daemon.multicast).not.toBeNull();
  });

  it('keep per-node state constant-size at 1,000 nodes (ring of 16 neighbours)', () => {
    const fleet = buildFleetStates(1000, TEST_NOW);
    expect(new Set(fleet.map((n) => n.plan.name)).size).toBe(1000);
    expect(new Set(fleet.map((n) => n.plan.dzIp)).size).toBe(1000);
    for (const n of fleet)
      expect(n.state.daemon.provision?.peers.length ?? 0).toBeLessThanOrEqual(
        16 + EXTERNAL_PEERS.length + (n.plan.name === SEED_NODE ? SEED_EXTRA_PEERS.length : 0),
      );
    // multicast-only and unicast + multicast nodes are healthy set-ups, not incidents
    const healthyKinds = new Set(['healthy', 'multicast-only', 'unicast-multicast']);
    const broken = fleet.filter((n) => !healthyKinds.has(n.plan.kind) || n.plan.behavior !== 'normal').length;
    expect(broken).toBeLessThan(150);
  });

  it('honour overrides', () => {
    expect(planNode(7, { kind: 'link-down', behavior: 'slow', delayMs: 5 })).toMatchObject({
      name: nodeName(7),
      kind: 'link-down',
      behavior: 'slow',
      delayMs: 5,
    });
  });
});

describe('fleet files', () => {
  it('write an inventory the product inventory parser accepts, paths relative to it', () => {
    const yaml = renderInventory(
      [{ name: 'dfw-mn-bm1', host: '127.0.0.1', port: 22001, site: 'dfw', tags: ['mainnet', 'bm', 'na'] }],
      'fnh',
      'id_ed25519',
      'known_hosts',
    );
    const inv = parseInventoryYaml(yaml, { file: 'inventory.yaml', baseDir: '/fleet' });
    expect(inv.nodes).toEqual([
      expect.objectContaining({
        name: 'dfw-mn-bm1',
        host: '127.0.0.1',
        port: 22001,
        user: 'fnh',
        site: 'dfw',
        tags: ['mainnet', 'bm', 'na'],
        keyPath: '/fleet/id_ed25519',
        knownHostsPath: '/fleet/known_hosts',
      }),
    ]);
  });

  it('refuse a value that is not a plain YAML scalar', () => {
    expect(() => renderInventory([{ name: 'a: b', host: '127.0.0.1', port: 1, site: 's', tags: [] }], 'fnh', 'k', 'kh')).toThrow(/unsafe/);
  });

  it('write known_hosts lines in OpenSSH form for non-22 ports', () => {
    const key = generateKeyPair('t');
    const line = renderKnownHosts([{ host: '127.0.0.1', port: 22001, publicKey: key.publicKey }]);
    expect(line).toBe(`[127.0.0.1]:22001 ${key.publicKey.split(' ').slice(0, 2).join(' ')}\n`);
  });
});
