import 'server-only';
import type { Queryable } from '@/lib/db';
import { bucketForPoll } from '@/lib/metrics/poll-buckets';
import { POLL_CHANNEL } from '../../live/store/notify-poll';

// Runs on every poll, inside ingest's transaction: counts it for /metrics (so any dashboard instance
// sees every agent's polls) and announces it to the live pages (NOTIFY, delivered on commit only).
// One statement, because on the embedded PGlite store each round trip costs about as much as the work.

export interface PollForMetrics {
  node: string;
  result: 'ok' | 'error' | 'host-key-changed';
  /** the SshError kind of a failure, '' for a success */
  reason: string;
  pollMs: number;
}

/** The polls of one ingest batch (distinct nodes), all in the one statement. */
export async function countAndAnnouncePolls(tx: Queryable, polls: readonly PollForMetrics[]): Promise<void> {
  if (polls.length === 0) return;
  const pollMs = polls.map((p) => Math.max(0, Math.round(p.pollMs)));
  await tx.query(
    `with input as (
       select * from unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::int[]) as t(node, result, reason, poll_ms, le_ms)),
     counted as (
       insert into poll_counters (node, result, reason, polls, poll_ms_sum) select node, result, reason, 1, poll_ms from input
       on conflict (node, result, reason) do update
         set polls = poll_counters.polls + 1, poll_ms_sum = poll_counters.poll_ms_sum + excluded.poll_ms_sum
       returning 1),
     bucketed as (
       insert into poll_duration_buckets (node, le_ms, polls) select node, le_ms, 1 from input
       on conflict (node, le_ms) do update set polls = poll_duration_buckets.polls + 1
       returning 1)
     select pg_notify($6, node) from input`,
    [polls.map((p) => p.node), polls.map((p) => p.result), polls.map((p) => p.reason), pollMs, pollMs.map(bucketForPoll), POLL_CHANNEL],
  );
}
