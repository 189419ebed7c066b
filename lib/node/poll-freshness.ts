import { z } from 'zod';
import { DEFAULT_STALE_AFTER_MS } from '@/lib/diagnosis/freshness';
import type { StoredPollState } from '@/lib/diagnosis/freshness';

// What the fleet knows about a node's polling, reduced to one state. Only `ok` means the data is fresh;
// `stale` and `pending` are "unknown", `error`/`host-key-changed` mean the last poll failed.
export const pollStates = ['ok', 'stale', 'pending', 'error', 'host-key-changed'] as const;
export const pollStateSchema = z.enum(pollStates);
export type PollState = z.infer<typeof pollStateSchema>;

/** Data older than this is stale, whatever the last poll said (a dead agent writes no errors): the diagnosis's one rule. */
export const defaultStaleAfterMs = DEFAULT_STALE_AFTER_MS;

export interface PollStatusInput {
  /** node_status.state, null when the node was never polled */
  storedState: StoredPollState | null;
  lastPollAt: Date | null;
  lastSuccessAt: Date | null;
}

export interface PollFreshness {
  state: PollState;
  /** ms since the last successful poll, null when there never was one */
  dataAgeMs: number | null;
  /** ms since the last poll attempt, null when there never was one */
  pollAgeMs: number | null;
}

export function derivePollFreshness(input: PollStatusInput, now: Date, staleAfterMs = defaultStaleAfterMs): PollFreshness {
  const age = (d: Date | null) => (d ? Math.max(0, now.getTime() - d.getTime()) : null);
  const dataAgeMs = age(input.lastSuccessAt);
  const pollAgeMs = age(input.lastPollAt);
  const state = ((): PollState => {
    if (input.storedState === 'host-key-changed') return 'host-key-changed';
    if (input.storedState === 'error') return 'error';
    if (dataAgeMs === null) return 'pending';
    if (dataAgeMs > staleAfterMs) return 'stale';
    return 'ok';
  })();
  return { state, dataAgeMs, pollAgeMs };
}

/** "4s", "3m 20s", "2h 5m", "3d 4h": compact ages for dense tables. */
export function formatAge(ms: number | null): string {
  if (ms === null) return 'never';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}
