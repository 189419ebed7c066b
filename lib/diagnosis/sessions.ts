import type { NodeState } from '../model/node-state';
import { DAEMON_STARTED_MSG, SEND_FAILURE_MSG, type LivenessEvent } from '../parse/journal';
import type { DaemonFacts, SessionSource } from './types';

export const DEFAULT_INTERFACE = 'doublezero0';

export type EventLike = Pick<LivenessEvent, 'at' | 'level' | 'msg' | 'interface' | 'localIP' | 'peerIP' | 'error' | 'dedupeKey' | 'pid'>;

/**
 * Just the fields the diagnosis reads: a parsed event also carries its journal line and the whole daemon record,
 * about 1 kB, and an agent keeps every node's last 15 minutes of log in memory (a stale session alone logs
 * thousands of warnings there). The same shape as an event read back from the store.
 */
export function toEventLike(e: EventLike): EventLike {
  const out: EventLike = { at: e.at, level: e.level, msg: e.msg, dedupeKey: e.dedupeKey };
  if (e.interface !== undefined) out.interface = e.interface;
  if (e.localIP !== undefined) out.localIP = e.localIP;
  if (e.peerIP !== undefined) out.peerIP = e.peerIP;
  if (e.error !== undefined) out.error = e.error;
  if (e.pid !== undefined) out.pid = e.pid;
  return out;
}

/** A failed send, the only warning that says a session cannot reach its peer (internal/liveness/scheduler.go). */
export function isSendFailure(e: Pick<EventLike, 'msg'>): boolean {
  return e.msg === SEND_FAILURE_MSG;
}

export function isWarning(e: Pick<EventLike, 'level'>): boolean {
  return e.level === 'WARN' || e.level === 'WARNING' || e.level === 'ERROR';
}

// A peer that sent us a control packet without a session: a fact about the peer's side, not a session of ours.
// It was a WARN with a `peer` field up to client v0.8.0 (internal/liveness/manager.go), DEBUG since v0.8.1.
const UNKNOWN_PEER = 'liveness: received control packet for unknown peer';
const MANAGER_STARTING = 'liveness: manager starting';
// The last word of a session the daemon removed (internal/liveness/manager.go WithdrawRoute, every version read).
const ENDED = new Set(['liveness: withdrawing route']);

export interface SessionKey {
  interface: string;
  /** '' when not known (daemons before v0.7.1 log only the peer) */
  localIP: string;
  peer: string;
}

/** Everything the log, the daemon and the kernel say about one liveness session. */
export interface Sighting extends SessionKey {
  sources: SessionSource[];
  /** seen by the current daemon process (after its start), or listed by it now */
  current: boolean;
  lastAt: string | null;
  lastMsg: string | null;
  /** send failures of the current daemon process, oldest first */
  failures: EventLike[];
  /** send failures of any process, for the window's counts */
  allFailures: EventLike[];
}

const keyId = (k: SessionKey): string => `${k.interface}|${k.localIP}|${k.peer}`;

/**
 * When the daemon process that owns the sessions started: every session seen only before it is gone
 * (a restart clears them on any version, DESIGN.md). The newest of: systemd's start time (`systemctl show`),
 * the daemon's own `liveness: manager starting`, systemd's "Started" line, and the first line of a new PID.
 */
export function daemonFacts(state: NodeState, events: readonly EventLike[]): DaemonFacts {
  const candidates: { at: string; source: NonNullable<DaemonFacts['startedAtSource']> }[] = [];
  const unit = state.daemon.unit;
  if (unit?.activeSince) candidates.push({ at: unit.activeSince, source: 'systemctl' });
  let lastSendWarningAt: string | null = null;
  let latestPid: { pid: number; at: string } | null = null;
  const firstAtOfPid = new Map<number, string>();
  for (const e of events) {
    if (e.msg === MANAGER_STARTING) candidates.push({ at: e.at, source: 'journal: manager starting' });
    else if (e.msg === DAEMON_STARTED_MSG) candidates.push({ at: e.at, source: 'journal: systemd' });
    if (isSendFailure(e) && (lastSendWarningAt === null || e.at > lastSendWarningAt)) lastSendWarningAt = e.at;
    if (e.pid !== undefined) {
      const first = firstAtOfPid.get(e.pid);
      if (first === undefined || e.at < first) firstAtOfPid.set(e.pid, e.at);
      if (!latestPid || e.at > latestPid.at) latestPid = { pid: e.pid, at: e.at };
    }
  }
  const pid = unit?.mainPid ?? latestPid?.pid ?? null;
  // Lines of an earlier PID prove a restart even when the start line itself was not read.
  if (pid !== null && firstAtOfPid.size > 1 && firstAtOfPid.has(pid)) candidates.push({ at: firstAtOfPid.get(pid)!, source: 'journal: new PID' });
  const collected = Date.parse(state.collectedAt);
  const usable = candidates.filter((c) => Date.parse(c.at) <= collected + 60_000);
  const newest = usable.reduce<(typeof usable)[number] | null>((best, c) => (!best || Date.parse(c.at) > Date.parse(best.at) ? c : best), null);
  return {
    version: state.daemon.version,
    pid,
    startedAt: newest ? new Date(newest.at).toISOString() : null,
    startedAtSource: newest?.source ?? null,
    unitState: state.daemon.unitState,
    lastSendWarningAt,
  };
}

/** Whether a log line was written by the daemon process that runs now. */
export function isOfCurrentDaemon(e: EventLike, daemon: DaemonFacts): boolean {
  if (e.pid !== undefined && daemon.pid !== null && e.pid !== daemon.pid) return false;
  return daemon.startedAt === null || Date.parse(e.at) >= Date.parse(daemon.startedAt);
}

// Kernel BGP routes are one more list of the node's peers (DESIGN.md "Verdicts"); a full-table node has a
// million routes, and a route is a liveness peer only as a /32 (or /128) on a tunnel: past this many, skip them.
export const MAX_ROUTE_PEERS = 5000;

/**
 * The node's liveness sessions, from log lines of any level (send failures, session up/down…), the daemon's
 * own list (`GET /routes`: current DZ IP only, internal/api/routes.go) and the kernel's BGP routes.
 */
export function sightings(state: NodeState, events: readonly EventLike[], daemon: DaemonFacts): Sighting[] {
  const byId = new Map<string, Sighting>();
  const get = (key: SessionKey): Sighting => {
    const id = keyId(key);
    let s = byId.get(id);
    if (!s) {
      s = { ...key, sources: [], current: false, lastAt: null, lastMsg: null, failures: [], allFailures: [] };
      byId.set(id, s);
    }
    return s;
  };
  const addSource = (s: Sighting, source: SessionSource): void => {
    if (!s.sources.includes(source)) s.sources.push(source);
  };

  const sorted = [...events].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  for (const e of sorted) {
    if (!e.peerIP || e.msg.startsWith(UNKNOWN_PEER) || !e.msg.startsWith('liveness')) continue;
    const s = get({ interface: e.interface ?? DEFAULT_INTERFACE, localIP: e.localIP ?? '', peer: e.peerIP });
    addSource(s, 'log');
    const current = isOfCurrentDaemon(e, daemon);
    if (isSendFailure(e)) {
      s.allFailures.push(e);
      if (current) s.failures.push(e);
    }
    if (current) {
      s.current = true;
      s.lastAt = e.at;
      s.lastMsg = e.msg;
    } else if (!s.current) {
      s.lastAt = e.at;
      s.lastMsg = e.msg;
    }
  }
  for (const session of state.daemon.sessions ?? []) {
    // `GET /routes` has no interface field: its sessions are the unicast tunnel's
    const s = get({ interface: DEFAULT_INTERFACE, localIP: session.localIP, peer: session.peerIP });
    addSource(s, 'daemon-routes');
    s.current = true;
  }
  const routePeers = state.routes.filter(
    (r) =>
      r.protocol === 'bgp' &&
      r.dev !== undefined &&
      r.dev.startsWith('doublezero') &&
      r.prefsrc &&
      (r.dst.family === 'inet' ? r.dst.len === 32 : r.dst.len === 128),
  );
  if (routePeers.length <= MAX_ROUTE_PEERS) {
    for (const r of routePeers) {
      const s = get({ interface: r.dev!, localIP: r.prefsrc!, peer: r.dst.addr });
      addSource(s, 'kernel-route');
      s.current = true;
    }
  }
  // A session whose last word was its removal, with nothing since, no longer exists.
  return [...byId.values()].filter((s) => !(s.lastMsg !== null && ENDED.has(s.lastMsg) && s.sources.length === 1));
}
