import type { NodeDiagnosis } from '@/lib/diagnosis/types';
import type { StableNodeState } from '@/lib/model/node-state';
import type { PeerGridResponse } from './peer-matrix';
import { verdicts } from './verdict';

export interface NodeForGrid {
  name: string;
  /** the node's state, to learn its own doublezero addresses; null when unknown */
  state: StableNodeState | null;
  diagnosis: NodeDiagnosis | null;
  /** false when the node's poll is not fresh: its cells show unknown whatever was last diagnosed */
  fresh: boolean;
}

// The node × peer matrix from every node's diagnosis. A peer address that belongs to a fleet node (one of
// its sessions' local IPs or a global address on doublezero0) is linked to that node, so both directions of
// the pair can be compared.
export function buildPeerGrid(nodes: readonly NodeForGrid[], asOf: string, pinned: boolean): PeerGridResponse {
  const ownerOf = new Map<string, string>();
  const rows = nodes.map((n) => {
    const ips = new Set<string>();
    for (const p of n.diagnosis?.peers ?? []) if (p.localIP) ips.add(p.localIP);
    for (const a of n.state?.addresses ?? []) {
      if (a.ifname === 'doublezero0' && a.family === 'inet' && !a.local.startsWith('169.254.')) ips.add(a.local);
    }
    for (const ip of ips) if (!ownerOf.has(ip)) ownerOf.set(ip, n.name);
    return { name: n.name, ip: [...ips][0] ?? null, fresh: n.fresh };
  });
  const peerIps = [...new Set(nodes.flatMap((n) => (n.diagnosis?.peers ?? []).map((p) => p.peer)))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const colOf = new Map(peerIps.map((ip, i) => [ip, i]));
  const cols = peerIps.map((ip) => ({ ip, node: ownerOf.get(ip) ?? null }));
  // A row's own address column, so the reverse direction can be found: prefer an address other nodes peer with.
  rows.forEach((r, i) => {
    const n = nodes[i];
    const used = (n?.diagnosis?.peers ?? []).map((p) => p.localIP).find((ip) => colOf.has(ip));
    const global = [...ownerOf].find(([ip, owner]) => owner === r.name && colOf.has(ip))?.[0];
    r.ip = used ?? global ?? r.ip;
  });
  const unknownIndex = verdicts.indexOf('unknown');
  const cells: PeerGridResponse['cells'] = [];
  nodes.forEach((n, r) => {
    for (const p of n.diagnosis?.peers ?? []) {
      const c = colOf.get(p.peer);
      if (c === undefined) continue;
      cells.push([r, c, n.fresh ? verdicts.indexOf(p.verdict) : unknownIndex, p.warnings]);
    }
  });
  return { asOf, pinned, rows, cols, cells };
}
