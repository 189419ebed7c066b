import { describe, expect, it } from 'vitest';
import { renderExposition } from './exposition';
import { buildMetricFamilies, type MetricsSnapshot } from './fleet-metrics';

const empty: MetricsSnapshot = {
  pollsByResult: [],
  failuresByReason: [],
  pollDuration: { buckets: [], count: 0, sumMs: 0 },
  nodesByPollState: [],
  peerVerdicts: [],
  nodesByWorstVerdict: [],
  remediationRuns: [],
  remediationRunning: 0,
  leases: null,
};

function lines(s: MetricsSnapshot): string[] {
  return renderExposition(buildMetricFamilies(s)).split('\n');
}

describe('buildMetricFamilies', () => {
  it('shows every poll result, poll state and verdict at zero on an empty store, and no lease metrics without leases', () => {
    const out = lines(empty);
    expect(out).toContain('fnh_polls_total{result="ok"} 0');
    expect(out).toContain('fnh_nodes{state="host-key-changed"} 0');
    expect(out).toContain('fnh_peer_verdicts{verdict="firewall-blocked"} 0');
    expect(out).toContain('fnh_poll_duration_seconds_bucket{le="+Inf"} 0');
    expect(out.some((l) => l.startsWith('fnh_node_leases'))).toBe(false);
  });

  it('renders the poll histogram in seconds, cumulative, from per-bucket millisecond rows', () => {
    const out = lines({
      ...empty,
      pollDuration: {
        buckets: [
          { leMs: 50, polls: 1 },
          { leMs: 100, polls: 2 },
          { leMs: 250, polls: 1 },
          { leMs: 2_147_483_647, polls: 1 },
        ],
        count: 5,
        sumMs: 2_500,
      },
    });
    expect(out).toContain('fnh_poll_duration_seconds_bucket{le="0.05"} 1');
    expect(out).toContain('fnh_poll_duration_seconds_bucket{le="0.1"} 3');
    expect(out).toContain('fnh_poll_duration_seconds_bucket{le="0.25"} 4');
    expect(out).toContain('fnh_poll_duration_seconds_bucket{le="30"} 4'); // the overflow poll is only in +Inf
    expect(out).toContain('fnh_poll_duration_seconds_bucket{le="+Inf"} 5');
    expect(out).toContain('fnh_poll_duration_seconds_sum 2.5');
  });

  it('labels failures by reason, remediation runs by action and outcome, and nodes without peers as "none"', () => {
    const out = lines({
      ...empty,
      pollsByResult: [
        { result: 'ok', polls: 7 },
        { result: 'error', polls: 2 },
      ],
      failuresByReason: [{ reason: 'connect-timeout', polls: 2 }],
      nodesByWorstVerdict: [
        { verdict: null, nodes: 3 },
        { verdict: 'no-route', nodes: 1 },
      ],
      remediationRuns: [{ action: 'restart-doublezerod', outcome: 'verified', runs: 4 }],
    });
    expect(out).toContain('fnh_polls_total{result="ok"} 7');
    expect(out).toContain('fnh_poll_failures_total{reason="connect-timeout"} 2');
    expect(out).toContain('fnh_nodes_by_worst_verdict{verdict="none"} 3');
    expect(out).toContain('fnh_remediation_runs_total{action="restart-doublezerod",outcome="verified"} 4');
  });

  it('exposes lease holders per agent when agents use leases', () => {
    const out = lines({
      ...empty,
      leases: {
        byAgent: [
          { agent: 'a"1', nodes: 15 },
          { agent: 'b', nodes: 15 },
        ],
        unheld: 0,
        liveAgents: 2,
      },
    });
    expect(out).toContain('fnh_node_leases{agent="a\\"1"} 15');
    expect(out).toContain('fnh_agents_live 2');
    expect(out).toContain('fnh_nodes_unleased 0');
  });
});
