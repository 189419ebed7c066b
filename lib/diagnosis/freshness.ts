/** What the agent knows about a node's last poll (node_status). */
export interface PollStatus {
  state: 'pending' | 'ok' | 'error' | 'host-key-changed';
  lastSuccessAt: string | null;
  lastError?: string | null;
}

export interface Freshness {
  fresh: boolean;
  /** why the node is unknown, when it is */
  reason: string | null;
  ageSeconds: number | null;
}

/** Default: a node whose last successful poll is older than this is unknown. */
export const DEFAULT_STALE_AFTER_MS = 5 * 60 * 1000;

/**
 * Whether a node's data can be trusted at `now`: its last poll must have succeeded, and recently.
 * A failed poll makes the node unknown even when an older good bundle exists: the fleet changes.
 */
export function pollFreshness(poll: PollStatus, now: Date, staleAfterMs = DEFAULT_STALE_AFTER_MS): Freshness {
  const last = poll.lastSuccessAt ? Date.parse(poll.lastSuccessAt) : NaN;
  const ageSeconds = Number.isNaN(last) ? null : Math.max(0, Math.round((now.getTime() - last) / 1000));
  if (poll.state === 'host-key-changed') return { fresh: false, reason: 'host key changed: polling stopped', ageSeconds };
  if (poll.state === 'error') return { fresh: false, reason: `last poll failed${poll.lastError ? `: ${poll.lastError}` : ''}`, ageSeconds };
  if (ageSeconds === null) return { fresh: false, reason: 'never polled successfully', ageSeconds };
  if (ageSeconds * 1000 > staleAfterMs) return { fresh: false, reason: `last successful poll ${ageSeconds} s ago`, ageSeconds };
  return { fresh: true, reason: null, ageSeconds };
}
