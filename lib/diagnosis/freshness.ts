/** node_status.state: what the agent last stored about a node's polling (the one definition). */
export const storedPollStates = ['pending', 'ok', 'error', 'host-key-changed'] as const;
export type StoredPollState = (typeof storedPollStates)[number];

/** What the agent knows about a node's last poll (node_status). */
export interface PollStatus {
  state: StoredPollState;
  lastSuccessAt: string | null;
  lastError?: string | null;
}

export interface Freshness {
  fresh: boolean;
  /** why the node is unknown, when it is */
  reason: string | null;
  ageSeconds: number | null;
  /** the poll status it was judged from, for the evidence */
  pollState?: PollStatus['state'];
  lastSuccessAt?: string | null;
}

/**
 * THE freshness rule of every view (grids, node page, triage, remediation preview and verifier, metrics):
 * a node whose last successful poll is older than this is unknown. Six poll intervals at the default 5 s.
 */
export const DEFAULT_STALE_AFTER_MS = 30_000;

/**
 * Whether a node's data can be trusted at `now`: its last poll must have succeeded, and recently.
 * A failed poll makes the node unknown even when an older good bundle exists: the fleet changes.
 */
export function pollFreshness(poll: PollStatus, now: Date, staleAfterMs = DEFAULT_STALE_AFTER_MS): Freshness {
  const last = poll.lastSuccessAt ? Date.parse(poll.lastSuccessAt) : NaN;
  const ageSeconds = Number.isNaN(last) ? null : Math.max(0, Math.round((now.getTime() - last) / 1000));
  const judged = (fresh: boolean, reason: string | null): Freshness => ({
    fresh,
    reason,
    ageSeconds,
    pollState: poll.state,
    lastSuccessAt: poll.lastSuccessAt,
  });
  if (poll.state === 'host-key-changed') return judged(false, 'host key changed: polling stopped');
  if (poll.state === 'error') return judged(false, `last poll failed${poll.lastError ? `: ${poll.lastError}` : ''}`);
  if (ageSeconds === null) return judged(false, 'never polled successfully');
  if (ageSeconds * 1000 > staleAfterMs) return judged(false, `last successful poll ${ageSeconds} s ago`);
  return judged(true, null);
}
