import type { EventLike } from '../diagnosis/sessions';

// The part of a node's stored log the diagnosis reads (lib/ingest/store/session-events.ts loadSessionEvents),
// as a pure function over events in memory. Ingest reads that selection of the stored log before it stores
// the poll's own events, then applies this to (selection ∪ the poll's events): taking the latest of a
// session's events from a set that already holds the latest of the rest gives the same events as reading
// the log after the insert, so the diagnosis is computed outside the write transaction with the same input.

/** Send-failure and start messages the SQL selection names; keep in step with session-events.ts. */
export const DAEMON_START_MESSAGES: readonly string[] = ['liveness: manager starting', 'systemd: daemon started'];

export interface SessionEventWindow {
  /** the moment diagnosed (the poll's collection time) */
  at: Date;
  windowMs: number;
  /** how far back quiet sessions are remembered */
  memoryMs: number;
  /**
   * also keep events after `at` (a node clock ahead of the agent's): not read at this moment, but inside the
   * window of a later one. An agent keeps this base between polls instead of reading the log again: the
   * selection at a later moment of (base ∪ new events) is the selection of the whole log (the window only
   * moves forward, and every event that can still be selected is in the base).
   */
  keepLater?: boolean;
}

/**
 * The later of two events; at the same time, the greater dedupe key by code unit, as the SQL's
 * `order by at desc, dedupe_key collate "C" desc` (two lines of one session can share a timestamp).
 */
function isLater(t: number, e: EventLike, than: { t: number; e: EventLike }): boolean {
  return t > than.t || (t === than.t && e.dedupeKey > than.e.dedupeKey);
}

/**
 * Every event inside (at − windowMs, at]; the latest event of each (interface, localIP, peer) session in
 * (at − memory, at − windowMs]; the latest daemon start in that same span. Duplicates (same dedupe key) once.
 */
export function selectSessionEvents(events: Iterable<EventLike>, w: SessionEventWindow): EventLike[] {
  const end = w.at.getTime();
  const windowStart = end - w.windowMs;
  const memoryStart = end - Math.max(w.memoryMs, w.windowMs);
  const inWindow = new Map<string, EventLike>();
  const lastOfSession = new Map<string, { t: number; e: EventLike }>();
  let lastStart: { t: number; e: EventLike } | undefined;
  for (const e of events) {
    const t = Date.parse(e.at);
    if (Number.isNaN(t)) continue;
    if ((t > windowStart && t <= end) || (w.keepLater && t > end)) {
      if (!inWindow.has(e.dedupeKey)) inWindow.set(e.dedupeKey, e);
      continue;
    }
    if (t <= memoryStart || t > windowStart) continue;
    if (e.peerIP !== undefined && e.peerIP !== null) {
      const key = `${e.interface ?? ''}\u0000${e.localIP ?? ''}\u0000${e.peerIP}`;
      const prev = lastOfSession.get(key);
      if (!prev || isLater(t, e, prev)) lastOfSession.set(key, { t, e });
    }
    if (DAEMON_START_MESSAGES.includes(e.msg) && (!lastStart || isLater(t, e, lastStart))) lastStart = { t, e };
  }
  const out = new Map(inWindow);
  for (const { e } of lastOfSession.values()) if (!out.has(e.dedupeKey)) out.set(e.dedupeKey, e);
  if (lastStart && !out.has(lastStart.e.dedupeKey)) out.set(lastStart.e.dedupeKey, lastStart.e);
  return [...out.values()].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}
