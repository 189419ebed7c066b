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

export async function countAndAnnouncePoll(tx: Queryable, p: PollForMetrics): Promise<void> {
  const pollMs = Math.max(0, Math.round(p.pollMs));
  await tx.query(
    `with counted as (
       insert into poll_counters (node, result, reason, polls, poll_ms_sum) values ($1, $2, $3, 1, $4)
       on conflict (node, result, reason) do update
         set polls = poll_counters.polls + 1, poll_ms_sum = poll_counters.poll_ms_sum + excluded.poll_ms_sum
       returning 1),
     bucketed as (
       insert into poll_duration_buckets (node, le_ms, polls) values ($1, $5, 1)
       on conflict (node, le_ms) do update set polls = poll_duration_buckets.polls + 1
       returning 1)
     select pg_notify($6, $1)`,
    [p.node, p.result, p.reason, pollMs, bucketForPoll(pollMs), POLL_CHANNEL],
  );
}
