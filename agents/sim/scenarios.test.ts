import { describe, expect, it } from 'vitest';
import { parseInventoryYaml } from '../../lib/inventory/parse-inventory';
import { renderInventory, renderKnownHosts } from './files';
import { generateKeyPair } from './keys';
import { buildFleetStates, EXTERNAL_PEERS, nodeName, planNode, SEED_NODE } from './scenarios';
import { TEST_NOW } from './testing';

describe('scenarios', () => {
  it('are deterministic: the same fleet size gives the same nodes and states', () => {
    expect(JSON.stringify(buildFleetStates(12, TEST_NOW))).toBe(JSON.stringify(buildFleetStates(12, TEST_NOW)));
  });

  it('start with the seed node and give a 12-node fleet one node of every incident', () => {
    const fleet = buildFleetStates(12, TEST_NOW);
    expect(fleet[0]!.plan.name).toBe(SEED_NODE);
    expect(fleet.map((n) => n.plan.kind)).toEqual(expect.arrayContaining(['seed-stale-session', 'link-down', 'nft-drop', 'missing-route', 'daemon-disconnected']));
    expect(fleet.filter((n) => n.plan.behavior === 'unreachable')).toHaveLength(1);
    expect(fleet.filter((n) => n.plan.kind === 'healthy' && n.plan.behavior === 'normal').length).toBeGreaterThanOrEqual(6);
  });

  it('peer every node with the others (symmetrically) and the external clients', () => {
    const fleet = buildFleetStates(12, TEST_NOW);
    const peersOf = (i: number) => new Set(fleet[i]!.state.daemon.provision!.peers);
    for (let i = 0; i < 12; i++) {
      expect(peersOf(i).size).toBe(11 + EXTERNAL_PEERS.length);
      for (let j = 0; j < 12; j++) if (i !== j) expect(peersOf(j).has(fleet[i]!.plan.dzIp)).toBe(true);
    }
  });

  it('keep per-node state constant-size at 1,000 nodes (ring of 16 neighbours)', () => {
    const fleet = buildFleetStates(1000, TEST_NOW);
    expect(new Set(fleet.map((n) => n.plan.name)).size).toBe(1000);
    expect(new Set(fleet.map((n) => n.plan.dzIp)).size).toBe(1000);
    for (const n of fleet) expect(n.state.daemon.provision?.peers.length ?? 0).toBeLessThanOrEqual(16 + EXTERNAL_PEERS.length);
    const broken = fleet.filter((n) => n.plan.kind !== 'healthy' || n.plan.behavior !== 'normal').length;
    expect(broken).toBeLessThan(150);
  });

  it('honour overrides', () => {
    expect(planNode(7, { kind: 'link-down', behavior: 'slow', delayMs: 5 })).toMatchObject({ name: nodeName(7), kind: 'link-down', behavior: 'slow', delayMs: 5 });
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
      expect.objectContaining({ name: 'dfw-mn-bm1', host: '127.0.0.1', port: 22001, user: 'fnh', site: 'dfw', tags: ['mainnet', 'bm', 'na'], keyPath: '/fleet/id_ed25519', knownHostsPath: '/fleet/known_hosts' }),
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
