import { verdicts } from '../diagnosis/types';
import { histogramSamples, type MetricFamily } from './exposition';
import { cumulativeBuckets } from './poll-buckets';

// What /metrics exposes, as metric families built from counts read from the store
// (lib/metrics/store/collect.ts). Pure: the numbers in, the families out.

export interface MetricsSnapshot {
  pollsByResult: ReadonlyArray<{ result: string; polls: number }>;
  failuresByReason: ReadonlyArray<{ reason: string; polls: number }>;
  /** polls per bucket row (lib/metrics/poll-buckets.ts, not cumulative) and the totals over every poll */
  pollDuration: { buckets: ReadonlyArray<{ leMs: number; polls: number }>; count: number; sumMs: number };
  nodesByPollState: ReadonlyArray<{ state: string; nodes: number }>;
  peerVerdicts: ReadonlyArray<{ verdict: string; peers: number }>;
  /** worst verdict per node from node_summary; null = no liveness peer known */
  nodesByWorstVerdict: ReadonlyArray<{ verdict: string | null; nodes: number }>;
  /** finished remediation runs (every row is kept for the audit trail, so this only grows) */
  remediationRuns: ReadonlyArray<{ action: string; outcome: string; runs: number }>;
  remediationRunning: number;
  /** null when no agent uses leases (the embedded agent on PGlite) */
  leases: { byAgent: ReadonlyArray<{ agent: string; nodes: number }>; unheld: number; liveAgents: number } | null;
}

const POLL_STATES = ['pending', 'ok', 'error', 'host-key-changed'];
const POLL_RESULTS = ['ok', 'error', 'host-key-changed'];

export function buildMetricFamilies(s: MetricsSnapshot): MetricFamily[] {
  const families: MetricFamily[] = [
    {
      name: 'fnh_polls_total',
      help: 'Polls stored by ingest, by result (all agents).',
      type: 'counter',
      samples: withZeros(
        POLL_RESULTS,
        s.pollsByResult.map((r) => [r.result, r.polls]),
      ).map(([result, value]) => ({ labels: { result }, value })),
    },
    {
      name: 'fnh_poll_failures_total',
      help: 'Failed polls by reason (the SSH error kind).',
      type: 'counter',
      samples: s.failuresByReason.map((r) => ({ labels: { reason: r.reason }, value: r.polls })),
    },
    {
      name: 'fnh_poll_duration_seconds',
      help: 'Duration of one poll (connect and probe), over every stored poll.',
      type: 'histogram',
      samples: histogramSamples({
        buckets: cumulativeBuckets(s.pollDuration.buckets).map((b) => ({ le: b.leMs / 1000, count: b.polls })),
        sum: s.pollDuration.sumMs / 1000,
        count: s.pollDuration.count,
      }),
    },
    {
      name: 'fnh_nodes',
      help: 'Nodes by poll state.',
      type: 'gauge',
      samples: withZeros(
        POLL_STATES,
        s.nodesByPollState.map((r) => [r.state, r.nodes]),
      ).map(([state, value]) => ({ labels: { state }, value })),
    },
    {
      name: 'fnh_peer_verdicts',
      help: 'Current (node, peer) verdicts of the diagnosis.',
      type: 'gauge',
      samples: withZeros(
        verdicts,
        s.peerVerdicts.map((r) => [r.verdict, r.peers]),
      ).map(([verdict, value]) => ({ labels: { verdict }, value })),
    },
    {
      name: 'fnh_nodes_by_worst_verdict',
      help: 'Nodes by the worst verdict over their peers ("none": no liveness peer known).',
      type: 'gauge',
      samples: s.nodesByWorstVerdict.map((r) => ({ labels: { verdict: r.verdict ?? 'none' }, value: r.nodes })),
    },
    {
      name: 'fnh_remediation_runs_total',
      help: 'Finished remediation runs by action and outcome.',
      type: 'counter',
      samples: s.remediationRuns.map((r) => ({ labels: { action: r.action, outcome: r.outcome }, value: r.runs })),
    },
    { name: 'fnh_remediation_runs_running', help: 'Remediation runs in progress.', type: 'gauge', samples: [{ value: s.remediationRunning }] },
  ];
  if (s.leases) {
    families.push(
      { name: 'fnh_agents_live', help: 'Agents with an unexpired heartbeat.', type: 'gauge', samples: [{ value: s.leases.liveAgents }] },
      {
        name: 'fnh_node_leases',
        help: 'Unexpired node leases by holding agent.',
        type: 'gauge',
        samples: s.leases.byAgent.map((r) => ({ labels: { agent: r.agent }, value: r.nodes })),
      },
      {
        name: 'fnh_nodes_unleased',
        help: 'Nodes no agent holds right now (not polled until one claims them).',
        type: 'gauge',
        samples: [{ value: s.leases.unheld }],
      },
    );
  }
  return families;
}

/** Every known label value appears (0 when absent), so a rate() never sees a series vanish; unknown ones are kept. */
function withZeros(known: readonly string[], present: ReadonlyArray<readonly [string, number]>): Array<[string, number]> {
  const counts = new Map<string, number>(known.map((k) => [k, 0]));
  for (const [k, v] of present) counts.set(k, (counts.get(k) ?? 0) + v);
  return [...counts];
}
