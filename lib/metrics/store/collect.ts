import 'server-only';
import type { Queryable } from '@/lib/db';
import { renderExposition } from '@/lib/metrics/exposition';
import { buildMetricFamilies, type MetricsSnapshot } from '@/lib/metrics/fleet-metrics';
import { buildVerdictFamilies } from '@/lib/metrics/verdict-series';
import { readLeaseHolders } from '../../lease/store/holders';
import { collectVerdictSnapshot } from './verdicts';
import { buildStorageFamilies } from '@/lib/metrics/storage-metrics';
import { collectStorageSnapshot } from '../../storage/store/storage-stats';
import { currentRetention } from '../../storage/store/retention-settings';

// /metrics reads everything from the store, so every dashboard instance reports the whole fleet
// (all agents' polls), not what one process happened to see.

const num = (v: string | number | null | undefined): number => (v === null || v === undefined ? 0 : Number(v));

export async function collectMetricsSnapshot(db: Queryable): Promise<MetricsSnapshot> {
  const [byResult, byReason, buckets, totals, states, peerVerdicts, worst, runs, running, heartbeats] = await Promise.all([
    db.query<{ result: string; n: string }>(`select result, sum(polls)::text as n from poll_counters group by result order by result`),
    db.query<{ reason: string; n: string }>(`select reason, sum(polls)::text as n from poll_counters where result <> 'ok' group by reason order by reason`),
    db.query<{ le_ms: number; n: string }>(`select le_ms, sum(polls)::text as n from poll_duration_buckets group by le_ms`),
    db.query<{ n: string; ms: string }>(`select coalesce(sum(polls), 0)::text as n, coalesce(sum(poll_ms_sum), 0)::text as ms from poll_counters`),
    db.query<{ state: string; n: number }>(`select state, count(*)::int as n from node_status group by state order by state`),
    db.query<{ verdict: string; n: number }>(`select verdict, count(*)::int as n from peer_verdicts group by verdict order by verdict`),
    db.query<{ verdict: string | null; n: number }>(
      `select worst_verdict as verdict, count(*)::int as n from node_summary group by worst_verdict order by worst_verdict nulls first`,
    ),
    db.query<{ action: string; state: string; n: number }>(
      `select b.action, r.state, count(*)::int as n from remediation_runs r join remediation_batches b on b.id = r.batch_id
       where r.state not in ('pending', 'running') group by b.action, r.state order by b.action, r.state`,
    ),
    db.query<{ n: number }>(`select count(*)::int as n from remediation_runs where state = 'running'`),
    db.query<{ n: number }>(`select count(*)::int as n from agent_heartbeats`),
  ]);
  const leasesInUse = (heartbeats.rows[0]?.n ?? 0) > 0;
  const holders = leasesInUse ? await readLeaseHolders(db) : undefined;
  return {
    pollsByResult: byResult.rows.map((r) => ({ result: r.result, polls: num(r.n) })),
    failuresByReason: byReason.rows.map((r) => ({ reason: r.reason, polls: num(r.n) })),
    pollDuration: { buckets: buckets.rows.map((r) => ({ leMs: r.le_ms, polls: num(r.n) })), count: num(totals.rows[0]?.n), sumMs: num(totals.rows[0]?.ms) },
    nodesByPollState: states.rows.map((r) => ({ state: r.state, nodes: r.n })),
    peerVerdicts: peerVerdicts.rows.map((r) => ({ verdict: r.verdict, peers: r.n })),
    nodesByWorstVerdict: worst.rows.map((r) => ({ verdict: r.verdict, nodes: r.n })),
    remediationRuns: runs.rows.map((r) => ({ action: r.action, outcome: r.state, runs: r.n })),
    remediationRunning: running.rows[0]?.n ?? 0,
    leases: holders
      ? { byAgent: [...holders.byAgent].map(([agent, nodes]) => ({ agent, nodes })), unheld: holders.unheld, liveAgents: holders.liveAgents }
      : null,
  };
}

/** The /metrics body in Prometheus text format; `verdictSeries` adds the per-node and per-peer series (token only). */
export async function renderMetrics(
  db: Queryable & { kind?: 'pglite' | 'postgres' },
  opts: { verdictSeries?: { now: Date; maxPeerSeries: number } } = {},
): Promise<string> {
  const families = buildMetricFamilies(await collectMetricsSnapshot(db));
  // the store's size and health (issue 17)
  families.push(...buildStorageFamilies(await collectStorageSnapshot(db, { kind: db.kind ?? 'postgres' }), currentRetention()));
  if (opts.verdictSeries) families.push(...buildVerdictFamilies(await collectVerdictSnapshot(db, opts.verdictSeries)));
  return renderExposition(families);
}
