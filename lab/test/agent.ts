import path from 'node:path';
import { loadInventoryFile } from '../../agents/inventory-file';
import { Poller, type PollResult } from '../../agents/poller/poller';
import type { PolledNode } from '../../agents/poller/poll-node';
import { SshPool } from '../../agents/ssh/pool';
import { diagnose } from '../../lib/diagnosis/diagnose';
import type { NodeDiagnosis, Verdict } from '../../lib/diagnosis/types';
import { normalizeBundle } from '../../lib/model/normalize';
import { RUN_DIR, type Lab, type LabNode } from './lab-env';

/**
 * Collects lab nodes with the real agent (inventory file, SSH pool with pinned host keys, poller),
 * once each, and returns every node's poll result. All nodes unless `only` names some.
 */
export async function collectLab(only?: readonly string[]): Promise<Map<string, PollResult>> {
  const inventory = loadInventoryFile(path.join(RUN_DIR, 'inventory.yaml'));
  const names = inventory.nodes.map((n) => n.name).filter((n) => !only || only.includes(n));
  const results = new Map<string, PollResult>();
  const pool = new SshPool(inventory);
  const poller = new Poller(pool, names, async (r) => void results.set(r.node, r), { intervalMs: 60_000, pollTimeoutMs: 30_000 });
  try {
    await Promise.all(names.map((n) => poller.pollNow(n)));
  } finally {
    await poller.stop();
    await pool.close();
  }
  return results;
}

export function polled(results: Map<string, PollResult>, node: string): PolledNode {
  const r = results.get(node);
  if (!r) throw new Error(`${node} was not collected`);
  if (!r.ok) throw new Error(`${node} was not collected: ${r.error.message}`);
  return r.polled;
}

/**
 * The diagnosis of a collected node. With `since`, only log lines written from then on count, as
 * when a remediation is verified (older warnings would keep a fixed peer unhealthy for 15 minutes).
 */
export function diagnoseCollected(p: PolledNode, since?: Date): NodeDiagnosis {
  const state = normalizeBundle(p.bundle);
  const from = since?.toISOString();
  return diagnose(from ? { ...state, events: state.events.filter((e) => e.at >= from) } : state);
}

export function verdictsByPeer(d: NodeDiagnosis): Record<string, Verdict> {
  return Object.fromEntries(d.peers.map((p) => [p.peer, p.verdict]));
}

/**
 * What the diagnosis must say about each peer of a node in its scenario (DESIGN.md "Verdicts"). On the seed
 * node the daemon names one failing session per 5 s for the whole daemon, so only the peers its warnings have
 * sampled with the stale local IP (`sampledStale`) are stale-session; its other peers' current sessions are
 * healthy. A multicast node's doublezero1 being down is a node-level finding, not a peer verdict.
 */
export function expectedVerdicts(lab: Lab, node: LabNode, sampledStale: ReadonlySet<string> = new Set()): Record<string, Verdict> {
  const verdictFor = (peer: string): Verdict => {
    switch (node.scenario) {
      case 'stale-session':
        return sampledStale.has(peer) ? 'stale-session' : 'healthy';
      case 'interface-down':
        return 'interface-down';
      case 'firewall-blocked':
        return peer === lab.firewalledPeer ? 'firewall-blocked' : 'healthy';
      case 'no-route':
        return peer === lab.unroutedPeer ? 'no-route' : 'healthy';
      case 'multicast-down':
      case 'healthy':
        return 'healthy';
    }
  };
  return Object.fromEntries(node.peers.map((p) => [p, verdictFor(p)]));
}
