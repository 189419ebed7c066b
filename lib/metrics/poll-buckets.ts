// Upper bounds (ms) of the poll-duration histogram. Ingest counts each poll once, in the smallest
// bound it does not exceed (one row to update per poll, not one per bucket); /metrics accumulates
// them into Prometheus' cumulative buckets, in seconds.
export const POLL_BUCKETS_MS: readonly number[] = [50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 20_000, 30_000];

/** the row of polls slower than every bound (only in the +Inf bucket) */
export const POLL_BUCKET_OVERFLOW = 2_147_483_647;

/** The bound a poll of `pollMs` is counted under. */
export function bucketForPoll(pollMs: number): number {
  return POLL_BUCKETS_MS.find((le) => pollMs <= le) ?? POLL_BUCKET_OVERFLOW;
}

/**
 * Cumulative counts per current bound from per-bucket counts. A stored bound that is no longer in the
 * list (the list changed) counts under every current bound at or above it, so no poll is lost.
 */
export function cumulativeBuckets(stored: ReadonlyArray<{ leMs: number; polls: number }>): Array<{ leMs: number; polls: number }> {
  return POLL_BUCKETS_MS.map((le) => ({ leMs: le, polls: stored.filter((s) => s.leMs <= le).reduce((sum, s) => sum + s.polls, 0) }));
}
