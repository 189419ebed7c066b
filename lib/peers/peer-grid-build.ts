import type { NodeDiagnosis } from '@/lib/diagnosis/types';
import type { StableNodeState } from '@/lib/model/node-state';
import type { PeerGridResponse } from './peer-matrix';
import { verdicts, type Verdict } from '../diagnosis/verdict-schema';

/** What one node contributes to the peer grid: compact, no evidence (that is fetched per cell). */
export interface NodeForGrid {
  name: string;
  /** the node's own doublezero addresses (IPv4 on doublezero0 outside 169.254/16), in the state's order */
  ownIps: readonly string[];
  /** one per liveness peer, in the order the diagnosis lists them */
  peers: ReadonlyArray<{ peer: string; localIP: string; verdict: Verdict; warnings: number }>;
  /** false when the node's poll is not fresh: its cells show unknown whatever was last diagnosed */
  fresh: boolean;
}

const isOwnDzAddress = (ip: string): boolean => !ip.includes(':') && !ip.startsWith('169.254.');

/** A node's grid input from its normalized state and diagnosis (pinned views, nodes diagnosed on read). */
export function gridInputFromDiagnosis(name: string, state: StableNodeState | null, diagnosis: NodeDiagnosis | null, fresh: boolean): NodeForGrid {
  return {
    name,
    ownIps: (state?.addresses ?? []).filter((a) => a.ifname === 'doublezero0' && a.family === 'inet' && isOwnDzAddress(a.local)).map((a) => a.local),
    peers: (diagnosis?.peers ?? []).map((p) => ({ peer: p.peer, localIP: p.localIP, verdict: p.verdict, warnings: p.warnings })),
    fresh,
  };
}

/** The own addresses from the stored fleet facts (`dz0Addresses`: every address on doublezero0 as CIDR). */
export function ownIpsFromFacts(dz0Addresses: readonly string[]): string[] {
  return dz0Addresses.map((cidr) => cidr.split('/')[0] ?? cidr).filter(isOwnDzAddress);
}

// The node × peer matrix from every node's diagnosis. A peer address that belongs to a fleet node (one of
// its sessions' local IPs or a global address on doublezero0) is linked to that node, so both directions of
// the pair can be compared.
export function buildPeerGrid(nodes: readonly NodeForGrid[], asOf: string, pinned: boolean): PeerGridResponse {
  const ownerOf = new Map<string, string>();
  const rows = nodes.map((n) => {
    const ips = new Set<string>();
    for (const p of n.peers) if (p.localIP) ips.add(p.localIP);
    for (const ip of n.ownIps) ips.add(ip);
    for (const ip of ips) if (!ownerOf.has(ip)) ownerOf.set(ip, n.name);
    return { name: n.name, ip: [...ips][0] ?? null, fresh: n.fresh };
  });
  const peerIps = [...new Set(nodes.flatMap((n) => n.peers.map((p) => p.peer)))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const colOf = new Map(peerIps.map((ip, i) => [ip, i]));
  const cols = peerIps.map((ip) => ({ ip, node: ownerOf.get(ip) ?? null }));
  // A row's own address column, so the reverse direction can be found: prefer an address other nodes peer with.
  const ownedBy = new Map<string, string[]>();
  for (const [ip, owner] of ownerOf) ownedBy.set(owner, [...(ownedBy.get(owner) ?? []), ip]);
  rows.forEach((r, i) => {
    const n = nodes[i];
    const used = (n?.peers ?? []).map((p) => p.localIP).find((ip) => colOf.has(ip));
    const global = (ownedBy.get(r.name) ?? []).find((ip) => colOf.has(ip));
    r.ip = used ?? global ?? r.ip;
  });
  const unknownIndex = verdicts.indexOf('unknown');
  const cells: PeerGridResponse['cells'] = [];
  nodes.forEach((n, r) => {
    for (const p of n.peers) {
      const c = colOf.get(p.peer);
      if (c === undefined) continue;
      cells.push([r, c, n.fresh ? verdicts.indexOf(p.verdict) : unknownIndex, p.warnings]);
    }
  });
  return { asOf, pinned, rows, cols, cells };
}
