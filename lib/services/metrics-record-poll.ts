import 'server-only';
import type { Queryable } from '@/lib/db';
import { bucketsForPoll } from '@/lib/metrics/poll-buckets';

// Prometheus counters of polls, updated by ingest in the poll's transaction (so /metrics from any
// dashboard instance sees every agent's polls). One statement: it runs on every poll.

export interface PollForMetrics {
  node: string;
  result: 'ok' | 'error' | 'host-key-changed';
  /** the SshError kind of a failure, '' for a success */
  reason: string;
  pollMs: number;
}

export async function recordPollMetrics(tx: Queryable, p: PollForMetrics): Promise<void> {
  const pollMs = Math.max(0, Math.round(p.pollMs));
  await tx.query(
    `with counted as (
       insert into poll_counters (node, result, reason, polls, poll_ms_sum) values ($1, $2, $3, 1, $4)
       on conflict (node, result, reason) do update set polls = poll_counters.polls + 1, poll_ms_sum = poll_counters.poll_ms_sum + excluded.poll_ms_sum
       returning 1)
     insert into poll_duration_buckets (node, le_ms, polls)
     select $1, le, 1 from unnest($5::int[]) as le
     on conflict (node, le_ms) do update set polls = poll_duration_buckets.polls + 1`,
    [p.node, p.result, p.reason, pollMs, bucketsForPoll(pollMs)],
  );
}
