import { verdicts } from '../diagnosis/types';
import type { MetricFamily } from './exposition';

// Per-node and per-peer verdict series for alert rules (deploy/prometheus/rules.yml), served only with the
// metrics token. Pure: the verdicts the agent stored in, the families out. Cardinality is bounded:
// nodes × verdicts for fnh_node_verdict, and for fnh_peer_verdict one series per non-healthy cell of a
// node with fresh data, at most `peerSeriesCap` (worst first), the rest counted in
// fnh_peer_verdict_series_omitted.

export interface VerdictSnapshot {
  /** every inventory node and its current verdict (currentNodeVerdict); null: no liveness peer known */
  nodes: ReadonlyArray<{ node: string; verdict: string | null }>;
  /** non-healthy cells of nodes with fresh data, worst first, at most the cap */
  peers: ReadonlyArray<{ node: string; peer: string; verdict: string }>;
  peersOmitted: number;
  peerSeriesCap: number;
}

/** A node's verdict now: unknown when its poll is not fresh or its state cannot be diagnosed (as the grids show it). */
export function currentNodeVerdict(n: { fresh: boolean; nodeUnknown: string | null; worst: string | null }): string | null {
  return !n.fresh || n.nodeUnknown ? 'unknown' : n.worst;
}

export function buildVerdictFamilies(s: VerdictSnapshot): MetricFamily[] {
  return [
    {
      name: 'fnh_node_verdict',
      help: 'The current worst verdict of each node: 1 for that verdict, 0 for the others (all 0: no liveness peer known).',
      type: 'gauge',
      samples: s.nodes.flatMap(({ node, verdict }) => {
        const known: readonly string[] = verdicts;
        const values = verdict !== null && !known.includes(verdict) ? [...known, verdict] : known;
        return values.map((v) => ({ labels: { node, verdict: v }, value: v === verdict ? 1 : 0 }));
      }),
    },
    {
      name: 'fnh_peer_verdict',
      help: 'The current verdict of each non-healthy node × liveness peer cell of a node with fresh data (absent: healthy, or not reported).',
      type: 'gauge',
      samples: s.peers.map(({ node, peer, verdict }) => ({ labels: { node, peer, verdict }, value: 1 })),
    },
    {
      name: 'fnh_peer_verdict_series_omitted',
      help: 'Non-healthy cells left out of fnh_peer_verdict by the series cap (FNH_METRICS_MAX_PEER_SERIES).',
      type: 'gauge',
      samples: [{ value: s.peersOmitted }],
    },
    { name: 'fnh_peer_verdict_series_cap', help: 'The most fnh_peer_verdict series one scrape carries.', type: 'gauge', samples: [{ value: s.peerSeriesCap }] },
  ];
}
