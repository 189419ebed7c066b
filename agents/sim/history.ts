import {
  instant,
  isWrittenByDefault,
  sendWarnings,
  sessionDown,
  sessionUp,
  unknownPeerWarnings,
  type DaemonRecord,
  type FailingSession,
} from '../../lib/doublezerod';
import { livenessEnabled, nodeBehaviour, nodeVersion, passiveMode, sendOutcome } from './daemon-model';
import { fnv1a } from './hash';
import { HISTORY_MS, sessionKeyString, TUNNEL_IFACE, type LivenessSession, type SimNodeState, type ThrottleCheckpoint } from './state';

// The daemon's journal is not stored line by line. A node keeps spans of "this session's sends fail with
// this error" and the records written at a moment (starts, session up/down); the send warnings are generated
// from the spans by the shared model of the daemon (lib/doublezerod): one warning per 5 s for the whole daemon,
// naming whichever session failed first, at send times that follow the version's Down backoff. A record's time
// is a pure function of the spans and the throttle's checkpoints, so overlapping reads return identical records
// (the agent dedupes on them).

export const WARN_MSG = 'liveness.scheduler: error writing UDP packet';
export const UNKNOWN_PEER_MSG = 'liveness: received control packet for unknown peer';

/** One daemon log record, as it reaches the journal. */
export interface JournalRecord {
  atMs: number;
  /** sub-millisecond part of the daemon's nanosecond timestamp, 0..999999 */
  subMsNanos: number;
  pid: number;
  /** the daemon's JSON line (Go slog JSON handler) */
  message: string;
}

/** Writes a record the daemon logs at `atMs`, if its level is written at the daemon's default (INFO). */
export function logRecord(state: SimNodeState, rec: DaemonRecord, pid = state.daemon.pid): void {
  if (!isWrittenByDefault(rec)) return;
  state.history.infos.push({ atMs: rec.at.epochMs, subMsNanos: rec.at.subMsNanos ?? 0, pid, line: rec.line });
}

/** A deterministic sub-millisecond part for a record written at `atMs` (real timestamps carry nanoseconds). */
export function nanosFor(state: SimNodeState, atMs: number, what: string): number {
  return fnv1a(`${state.name}|${atMs}|${what}`) % 1_000_000;
}

/**
 * Brings the session states and failure spans in line with the node's current state at `nowMs`.
 * Call after every mutation: spans of sessions that stopped failing are closed, new ones opened.
 */
export function reconcile(state: SimNodeState, nowMs: number): void {
  const { daemon, history } = state;
  const failing = new Map<string, { session: LivenessSession; error: string; cause: string }>();
  if (daemon.active) {
    for (const s of daemon.sessions) {
      const out = sendOutcome(state, s);
      if (!out.ok) failing.set(sessionKeyString(s), { session: s, error: out.error, cause: out.cause });
    }
  }
  for (const span of history.spans) {
    if (span.toMs !== null) continue;
    const now = failing.get(sessionKeyString(span));
    if (!now || now.error !== span.error || span.pid !== daemon.pid) span.toMs = nowMs;
  }
  const open = new Set(history.spans.filter((s) => s.toMs === null).map((s) => `${sessionKeyString(s)}|${s.error}`));
  for (const [key, f] of failing) {
    if (!open.has(`${key}|${f.error}`)) {
      history.spans.push({
        iface: f.session.iface,
        localIp: f.session.localIp,
        peerIp: f.session.peerIp,
        error: f.error,
        fromMs: nowMs,
        toMs: null,
        pid: daemon.pid,
      });
    }
  }
  if (daemon.active) {
    for (const s of daemon.sessions) updateSessionState(state, s, failing.get(sessionKeyString(s))?.cause ?? null, nowMs);
  }
  // Checkpoints after this moment were computed before the change.
  for (const cps of Object.values(history.throttle)) {
    const keep = cps.filter((c) => c.atMs <= nowMs);
    cps.length = 0;
    cps.push(...keep);
  }
  prune(state, nowMs);
}

function updateSessionState(state: SimNodeState, s: LivenessSession, cause: string | null, nowMs: number): void {
  // Outbound blocked by the firewall: the peer's packets still arrive, so the session sits in Init.
  const next = cause === null ? 'Up' : cause === 'firewall' ? 'Init' : 'Down';
  if (s.state === next || s.state === 'AdminDown') return;
  const wasUp = s.state === 'Up';
  // The transition is seen a little later: after a packet exchange (up) or the detect time (down), ~1-3 s.
  const convergenceMs = 900 + (fnv1a(`conv|${sessionKeyString(s)}|${nowMs}`) % 2100);
  const atMs = nowMs + convergenceMs;
  s.state = next;
  s.lastUpdatedMs = atMs;
  s.downReason = next === 'Down' ? 'timeout' : undefined;
  const version = nodeVersion(state);
  const nextHop = state.dzNetwork.overlayPeer;
  const at = instant(atMs, nanosFor(state, atMs, sessionKeyString(s)));
  const convergenceNanos = convergenceMs * 1_000_000 + (fnv1a(`ns|${nowMs}`) % 1_000_000);
  if (next === 'Up') {
    logRecord(
      state,
      sessionUp(version, at, {
        peer: s,
        nextHop,
        convergenceNanos,
        upSince: at,
        noOp: passiveMode(state) ? 'global-passive' : null,
        peerAdvertisedMode: s.peerMode,
        peerClientVersion: s.peerClientVersion,
      }),
    );
  } else if (wasUp) {
    logRecord(
      state,
      sessionDown(
        version,
        at,
        { peer: s, nextHop, convergenceNanos, downSince: at, downReason: 'timeout', peerClientVersion: s.peerClientVersion },
        { globalPassive: passiveMode(state) },
      ),
    );
  }
}

const CHECKPOINT_MS = 60_000;

function prune(state: SimNodeState, nowMs: number): void {
  const horizon = nowMs - HISTORY_MS;
  const h = state.history;
  // A span may go only when no later read can start its throttle before the span's end: reads start at a
  // checkpoint at or before their lower bound, which is never before the horizon.
  const pidsWithSpans = new Set(h.spans.map((s) => String(s.pid)));
  const safeBefore = (pid: number): number => {
    const cps = h.throttle[`send|${pid}`] ?? [];
    let best = -Infinity;
    for (const c of cps) if (c.atMs <= horizon && c.atMs > best) best = c.atMs;
    return best;
  };
  if (h.spans.some((s) => s.toMs !== null && s.toMs < horizon))
    h.spans = h.spans.filter((s) => s.toMs === null || s.toMs >= Math.min(horizon, safeBefore(s.pid)));
  if (h.infos.some((i) => i.atMs < horizon)) h.infos = h.infos.filter((i) => i.atMs >= horizon);
  for (const [key, cps] of Object.entries(h.throttle)) {
    const [kind, pid] = key.split('|');
    if (kind === 'send' && !pidsWithSpans.has(pid ?? '')) {
      delete h.throttle[key];
      continue;
    }
    const before = cps.filter((c) => c.atMs <= horizon - CHECKPOINT_MS).sort((a, b) => b.atMs - a.atMs)[0];
    const keep = cps.filter((c) => c.atMs > horizon - CHECKPOINT_MS);
    h.throttle[key] = before ? [before, ...keep] : keep;
  }
}

type ThrottleRun = (fromMs: number, toMs: number, lastWarnMs: number | null, emitFromMs: number) => { records: JournalRecord[]; lastWarnMs: number | null };

/**
 * Runs one daemon-wide throttle from its last checkpoint at or before `lowerMs` up to `nowMs`, one minute
 * at a time, saving a checkpoint at each minute passed: later reads continue the exact same sequence.
 */
function throttled(state: SimNodeState, key: string, startMs: number, endMs: number, lowerMs: number, nowMs: number, run: ThrottleRun): JournalRecord[] {
  const stop = Math.min(endMs, nowMs + 1);
  if (stop <= startMs || stop <= lowerMs) return [];
  const cps = (state.history.throttle[key] ??= []);
  let base: ThrottleCheckpoint = { atMs: startMs, lastWarnMs: null };
  for (const c of cps) if (c.atMs <= lowerMs && c.atMs > base.atMs) base = c;
  const out: JournalRecord[] = [];
  let a = base.atMs;
  let last = base.lastWarnMs;
  while (a < stop) {
    const b = Math.min(stop, (Math.floor(a / CHECKPOINT_MS) + 1) * CHECKPOINT_MS);
    const r = run(a, b, last, Math.max(lowerMs, a));
    for (const rec of r.records) if (rec.atMs >= lowerMs) out.push(rec);
    last = r.lastWarnMs;
    if (b % CHECKPOINT_MS === 0 && b <= nowMs && !cps.some((c) => c.atMs === b)) cps.push({ atMs: b, lastWarnMs: last });
    a = b;
  }
  return out;
}

function sendWarningRecords(state: SimNodeState, lowerMs: number, nowMs: number): JournalRecord[] {
  const version = nodeVersion(state);
  const byPid = new Map<number, FailingSession[]>();
  for (const span of state.history.spans) {
    const list = byPid.get(span.pid) ?? [];
    list.push({ peer: span, downSinceMs: span.fromMs, failures: [{ fromMs: span.fromMs, toMs: span.toMs, error: span.error }] });
    byPid.set(span.pid, list);
  }
  const out: JournalRecord[] = [];
  for (const [pid, sessions] of byPid) {
    const startMs = Math.min(...sessions.map((s) => s.downSinceMs));
    const endMs = Math.max(...sessions.map((s) => s.failures[0]?.toMs ?? Infinity));
    const seed = `${state.name}|${pid}`;
    out.push(
      ...throttled(state, `send|${pid}`, startMs, endMs, lowerMs, nowMs, (fromMs, toMs, lastWarnMs, emitFromMs) => {
        const r = sendWarnings({ version, sessions, fromMs, toMs, emitFromMs, lastWarnMs, seed });
        return {
          records: r.warnings.map((w) => ({ atMs: w.at.epochMs, subMsNanos: w.at.subMsNanos ?? 0, pid, message: w.record.line })),
          lastWarnMs: r.lastWarnMs,
        };
      }),
    );
  }
  return out;
}

/** Up to v0.8.0 a peer that sends for a session we lack is a WARN (throttled 5 s); later versions log it at DEBUG. */
function unknownPeerRecords(state: SimNodeState, lowerMs: number, nowMs: number): JournalRecord[] {
  const { daemon } = state;
  if (!daemon.active || !daemon.provision || daemon.unknownPeers.length === 0 || nodeBehaviour(state).unknownPeerLevel !== 'WARN' || !livenessEnabled(state))
    return [];
  const version = nodeVersion(state);
  const localIp = daemon.provision.dzIp;
  const streams = daemon.unknownPeers.map((u) => ({
    peer: { iface: TUNNEL_IFACE, localIp, peerIp: u.peerIp },
    fromMs: Math.max(u.fromMs, daemon.startedAtMs),
    toMs: null,
    localDiscr: 1 + (fnv1a(`discr|${u.peerIp}`) % 0xfffffffe),
  }));
  const startMs = Math.min(...streams.map((s) => s.fromMs));
  const pid = daemon.pid;
  return throttled(state, `unknown|${pid}`, startMs, Infinity, lowerMs, nowMs, (fromMs, toMs, lastWarnMs, emitFromMs) => {
    const r = unknownPeerWarnings({ version, streams, fromMs, toMs, emitFromMs, lastWarnMs, seed: `${state.name}|${pid}` });
    return {
      records: r.records.map((x) => ({ atMs: x.record.at.epochMs, subMsNanos: x.record.at.subMsNanos ?? 0, pid, message: x.record.line })),
      lastWarnMs: r.lastWarnMs,
    };
  });
}

/** Every record logged in [sinceMs, nowMs], oldest first, never older than the kept history. */
export function journalRecords(state: SimNodeState, sinceMs: number, nowMs: number): JournalRecord[] {
  const lower = Math.max(sinceMs, nowMs - HISTORY_MS);
  const out: JournalRecord[] = [...sendWarningRecords(state, lower, nowMs), ...unknownPeerRecords(state, lower, nowMs)];
  for (const info of state.history.infos) {
    if (info.atMs >= lower && info.atMs <= nowMs) out.push({ atMs: info.atMs, subMsNanos: info.subMsNanos, pid: info.pid, message: info.line });
  }
  out.sort((a, b) => a.atMs - b.atMs || a.subMsNanos - b.subMsNanos);
  return out;
}
