// Reconnect delays: exponential with "equal jitter" (random in [step/2, step]) so a fleet of
// agents that lost a bastion at once does not reconnect in lockstep. Pure: `random` is given.
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const defaultBackoff: BackoffPolicy = { baseMs: 1_000, maxMs: 60_000 };

/** Delay before reconnect attempt number `failures` (1 = after the first failure). */
export function backoffDelay(failures: number, policy: BackoffPolicy, random: () => number): number {
  if (failures <= 0) return 0;
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(failures - 1, 30));
  // Never below half the exponential step: jitter spreads reconnects without collapsing the backoff.
  const low = exp / 2;
  return Math.round(low + random() * (exp - low));
}
