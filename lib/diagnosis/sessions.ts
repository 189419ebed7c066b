import type { NodeState } from '../model/node-state';
import type { LivenessEvent } from '../parse/journal';

export const DEFAULT_INTERFACE = 'doublezero0';

export type EventLike = Pick<LivenessEvent, 'at' | 'level' | 'msg' | 'interface' | 'localIP' | 'peerIP' | 'error' | 'dedupeKey'>;

/**
 * Whether a session is still there, as far as its log and the daemon tell:
 * - `listed`: in the daemon's own session list;
 * - `active`: logged inside the window;
 * - `quiet-up`: last said `session up` (a healthy passive session logs nothing more);
 * - `quiet-after-warning`: warned, then fell silent before the window. A failing session warns every
 *   5 s, so it either recovered (keep it if it checks healthy) or is gone, e.g. after a daemon restart
 *   (drop it rather than report a stale session that no longer exists);
 * - `ended`: last said `session down`, `withdrawing route` or similar before the window.
 */
export type SessionPresence = 'listed' | 'active' | 'quiet-up' | 'quiet-after-warning' | 'ended';

export interface SessionKey {
  interface: string;
  localIP: string;
  peer: string;
  presence: SessionPresence;
}

export function isWarning(e: Pick<EventLike, 'level'>): boolean {
  return e.level === 'WARN' || e.level === 'WARNING' || e.level === 'ERROR';
}

/** The node's liveness sessions: from log lines of any level and from the daemon's session list. */
export function sessionKeys(state: NodeState, events: readonly EventLike[], windowStart: Date): SessionKey[] {
  const latest = new Map<string, { key: Omit<SessionKey, 'presence'>; last: EventLike; active: boolean }>();
  const start = windowStart.getTime();
  for (const e of events) {
    if (!e.peerIP) continue;
    const key = { interface: e.interface ?? DEFAULT_INTERFACE, localIP: e.localIP ?? '', peer: e.peerIP };
    const id = `${key.interface}|${key.localIP}|${key.peer}`;
    const seen = latest.get(id);
    const active = Date.parse(e.at) >= start;
    if (!seen) latest.set(id, { key, last: e, active });
    else {
      if (e.at > seen.last.at) seen.last = e;
      seen.active ||= active;
    }
  }
  const keys = new Map<string, SessionKey>();
  // `GET /routes` has no interface field: its sessions are the unicast tunnel's
  for (const s of state.daemon.sessions ?? []) keys.set(`${DEFAULT_INTERFACE}|${s.localIP}|${s.peerIP}`, { interface: DEFAULT_INTERFACE, localIP: s.localIP, peer: s.peerIP, presence: 'listed' });
  for (const [id, { key, last, active }] of latest) {
    if (keys.has(id)) continue;
    const presence: SessionPresence = active ? 'active' : last.msg === 'liveness: session up' ? 'quiet-up' : isWarning(last) ? 'quiet-after-warning' : 'ended';
    keys.set(id, { ...key, presence });
  }
  return [...keys.values()];
}
