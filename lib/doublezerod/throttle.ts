// The send-warning throttle (internal/liveness/scheduler.go, every tag from v0.6.11 to HEAD): one
// `writeErrWarnLast` for the whole scheduler, so at most one `liveness.scheduler: error writing UDP packet`
// per `writeErrWarnEvery` = 5 s for the daemon, naming whichever session failed first once 5 s had passed.
// The `doublezero_liveness_write_socket_errors_total{iface,local_ip}` counter is incremented on every failure,
// before the throttle.
import { instant, type GoInstant } from './go-format';
import { sendWarning, unknownPeerPacket, type DaemonRecord, type SessionPeer } from './records';
import { firstSendIndexAtOrAfter, sendSchedule, sendsBetween, sendSubMsNanos, sendTimeMs, type SendSchedule } from './send-schedule';
import { daemonBehaviour, type ClientVersion } from './version';

export const WRITE_ERR_WARN_EVERY_MS = 5000;

export interface FailureSpan {
  fromMs: number;
  /** null: still failing */
  toMs: number | null;
  /** the `error` attr its sends give (see pinnedSendResult) */
  error: string;
}

export interface FailingSession {
  peer: SessionPeer;
  /** when the session's current Down period began: the daemon start, or when it went down (backoff starts there) */
  downSinceMs: number;
  failures: readonly FailureSpan[];
}

export interface SendWarning {
  atMs: number;
  at: GoInstant;
  peer: SessionPeer;
  error: string;
  record: DaemonRecord;
}

export interface WarningWindow {
  version: ClientVersion;
  sessions: readonly FailingSession[];
  /** the throttle runs from here: the daemon start or the start of the failures, for an exact sequence */
  fromMs: number;
  toMs: number;
  /** warnings before this are computed (they arm the throttle) but not returned; default fromMs */
  emitFromMs?: number;
  seed: string | number;
  /** the last warning before fromMs, when the caller continues an earlier window */
  lastWarnMs?: number | null;
}

export interface WarningResult {
  warnings: SendWarning[];
  /** the throttle's state at toMs: pass it as lastWarnMs to continue */
  lastWarnMs: number | null;
}

interface Cursor {
  session: FailingSession;
  schedule: SendSchedule;
  key: string;
}

function scheduleFor(version: ClientVersion, session: FailingSession, seed: string | number): SendSchedule {
  const b = daemonBehaviour(version);
  const key = `${session.peer.iface}|${session.peer.localIp}|${session.peer.peerIp}`;
  return sendSchedule({ startMs: session.downSinceMs, baseMs: b.txMinMs, capMs: b.backoffMaxMs, seed, key });
}

function spanAt(session: FailingSession, t: number): FailureSpan | undefined {
  return session.failures.find((f) => f.fromMs <= t && (f.toMs === null || t < f.toMs));
}

/** The first failing send of this session at or after t (before toMs): its index, time and error. */
function nextFailingSend(c: Cursor, t: number, toMs: number): { k: number; atMs: number; error: string } | null {
  let k = firstSendIndexAtOrAfter(c.schedule, t);
  for (let guard = 0; guard < 100_000; guard++) {
    const atMs = sendTimeMs(c.schedule, k);
    if (atMs >= toMs) return null;
    const span = spanAt(c.session, atMs);
    if (span) return { k, atMs, error: span.error };
    // Jump to the next span that starts after this send, if any.
    const next = c.session.failures.filter((f) => f.fromMs > atMs).reduce<number | null>((m, f) => (m === null || f.fromMs < m ? f.fromMs : m), null);
    if (next === null || next >= toMs) return null;
    k = firstSendIndexAtOrAfter(c.schedule, next);
  }
  return null;
}

interface ThrottleHit {
  c: Cursor;
  k: number;
  atMs: number;
  error: string;
}

/** One throttle (`…WarnLast` + `…WarnEvery`) over the event streams: the first event once `everyMs` has passed. */
function runThrottle(
  cursors: readonly Cursor[],
  w: { fromMs: number; toMs: number; lastWarnMs?: number | null },
  everyMs: number,
  emit: (hit: ThrottleHit) => void,
): number | null {
  let last = w.lastWarnMs ?? null;
  let t = last === null ? w.fromMs : Math.max(w.fromMs, last + everyMs);
  for (;;) {
    let best: ThrottleHit | null = null;
    for (const c of cursors) {
      const next = nextFailingSend(c, t, w.toMs);
      // Ties go to the session listed first, as a deterministic stand-in for the scheduler's heap order.
      if (next && (!best || next.atMs < best.atMs)) best = { c, ...next };
    }
    if (!best) return last;
    last = best.atMs;
    emit(best);
    t = best.atMs + everyMs;
  }
}

function cursorsFor(version: ClientVersion, sessions: readonly FailingSession[], seed: string | number): Cursor[] {
  return sessions.map((session) => ({
    session,
    schedule: scheduleFor(version, session, seed),
    key: `${session.peer.iface}|${session.peer.localIp}|${session.peer.peerIp}`,
  }));
}

/**
 * Exactly the warnings the daemon writes in [emitFromMs, toMs) for these failing sessions (deterministic for a
 * seed). With N sessions failing every ~1 s this is one warning per ~5 s, and a given peer every ~N × 5 s.
 */
export function sendWarnings(w: WarningWindow): WarningResult {
  const emitFrom = w.emitFromMs ?? w.fromMs;
  const warnings: SendWarning[] = [];
  const lastWarnMs = runThrottle(cursorsFor(w.version, w.sessions, w.seed), w, WRITE_ERR_WARN_EVERY_MS, (hit) => {
    if (hit.atMs < emitFrom) return;
    const at = instant(hit.atMs, sendSubMsNanos(hit.c.schedule, hit.k));
    warnings.push({ atMs: hit.atMs, at, peer: hit.c.session.peer, error: hit.error, record: sendWarning(w.version, at, hit.c.session.peer, hit.error) });
  });
  return { warnings, lastWarnMs };
}

/** A peer that keeps sending us control packets for a session we do not have (manager.go HandleRx, sess == nil). */
export interface UnknownPeerStream {
  /** as the receiver sees it: our interface and address, the sender's address */
  peer: SessionPeer;
  /** when it started sending (its own Down backoff starts there) */
  fromMs: number;
  toMs: number | null;
  localDiscr: number;
}

export const UNKNOWN_PEER_WARN_EVERY_MS = 5000;

/**
 * `liveness: received control packet for unknown peer` records in [emitFromMs, toMs): one per 5 s for the daemon
 * (unknownPeerErrWarnEvery), at the receipt of the first packet after that; the sender is Down (it never hears
 * us), so it sends at its Down backoff, modelled with our version's timers. WARN up to v0.8.0, DEBUG after.
 */
export function unknownPeerWarnings(w: Omit<WarningWindow, 'sessions'> & { streams: readonly UnknownPeerStream[] }): {
  records: { atMs: number; record: DaemonRecord }[];
  lastWarnMs: number | null;
} {
  const sessions: FailingSession[] = w.streams.map((s) => ({ peer: s.peer, downSinceMs: s.fromMs, failures: [{ fromMs: s.fromMs, toMs: s.toMs, error: '' }] }));
  const byKey = new Map(w.streams.map((s) => [`${s.peer.iface}|${s.peer.localIp}|${s.peer.peerIp}`, s]));
  const emitFrom = w.emitFromMs ?? w.fromMs;
  const records: { atMs: number; record: DaemonRecord }[] = [];
  const lastWarnMs = runThrottle(cursorsFor(w.version, sessions, `unknown|${w.seed}`), w, UNKNOWN_PEER_WARN_EVERY_MS, (hit) => {
    if (hit.atMs < emitFrom) return;
    const at = instant(hit.atMs, sendSubMsNanos(hit.c.schedule, hit.k));
    const stream = byKey.get(hit.c.key);
    records.push({
      atMs: hit.atMs,
      record: unknownPeerPacket(w.version, at, { peer: hit.c.session.peer, peerDiscr: 0, localDiscr: stream?.localDiscr ?? 1, state: 'down' }),
    });
  });
  return { records, lastWarnMs };
}

export interface WriteErrorCount {
  iface: string;
  localIp: string;
  count: number;
}

/** Failing sends in [fromMs, toMs) per (iface, local_ip), unthrottled: what the write-socket-errors counter adds. */
export function writeErrorCounts(
  version: ClientVersion,
  sessions: readonly FailingSession[],
  fromMs: number,
  toMs: number,
  seed: string | number,
): WriteErrorCount[] {
  const byService = new Map<string, WriteErrorCount>();
  for (const session of sessions) {
    const schedule = scheduleFor(version, session, seed);
    let count = 0;
    for (const f of session.failures) {
      const a = Math.max(fromMs, f.fromMs);
      const b = Math.min(toMs, f.toMs ?? toMs);
      count += sendsBetween(schedule, a, b);
    }
    const key = `${session.peer.iface}|${session.peer.localIp}`;
    const entry = byService.get(key) ?? { iface: session.peer.iface, localIp: session.peer.localIp, count: 0 };
    entry.count += count;
    byService.set(key, entry);
  }
  return [...byService.values()];
}
