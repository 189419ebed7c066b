// Upper bounds (ms) of the poll-duration histogram. Ingest counts each poll into every bucket whose
// bound it does not exceed (cumulative, as Prometheus wants); /metrics renders them in seconds.
// Changing the list only affects polls counted afterwards: buckets are keyed by their bound.
export const POLL_BUCKETS_MS: readonly number[] = [50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 20_000, 30_000];

/** The bounds a poll of `pollMs` is counted in. */
export function bucketsForPoll(pollMs: number): number[] {
  return POLL_BUCKETS_MS.filter((le) => pollMs <= le);
}
