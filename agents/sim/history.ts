import { fnv1a } from './hash';
import { deriveRoutes } from './routes';
import { sendErrorText, sendFailure } from './send-path';
import {
  HISTORY_MS,
  peerString,
  sessionKeyString,
  WARN_INTERVAL_MS,
  type FailureSpan,
  type LivenessSession,
  type SimNodeState,
} from './state';

// The daemon's journal is not stored line by line: a node keeps spans of "this session's sends fail
// with this error" and generates the rate-limited warnings from them, lazily, for whatever window a
// `journalctl --since` asks. A record's time is a pure function of its span, so overlapping reads
// return identical records (the agent dedupes on them).

export const WARN_MSG = 'liveness.scheduler: error writing UDP packet';

/** One daemon log record, as it reaches the journal. */
export interface JournalRecord {
  atMs: number;
  /** sub-millisecond part of the daemon's nanosecond timestamp, 0..999999 */
  subMsNanos: number;
  pid: number;
  /** the daemon's JSON line (Go slog JSON handler) */
  message: string;
}

/**
 * Brings the session states and failure spans in line with the node's current state at `nowMs`.
 * Call after every mutation: spans of sessions that stopped failing are closed, new ones opened.
 */
export function reconcile(state: SimNodeState, nowMs: number): void {
  const { daemon, history } = state;
  const routes = deriveRoutes(state);
  const failing = new Map<string, { session: LivenessSession; error: string; errno: string }>();
  if (daemon.active) {
    for (const s of daemon.sessions) {
      const errno = sendFailure(state, routes, s);
      if (errno) failing.set(sessionKeyString(s), { session: s, error: sendErrorText(s, errno), errno });
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
      history.spans.push({ iface: f.session.iface, localIp: f.session.localIp, peerIp: f.session.peerIp, error: f.error, fromMs: nowMs, toMs: null, pid: daemon.pid });
    }
  }
  if (daemon.active) {
    for (const s of daemon.sessions) updateSessionState(state, s, failing.get(sessionKeyString(s))?.errno ?? null, nowMs);
  }
  prune(state, nowMs);
}

function updateSessionState(state: SimNodeState, s: LivenessSession, errno: string | null, nowMs: number): void {
  // Outbound blocked by the firewall: the peer's packets still arrive, so the session sits in Init.
  const next = errno === null ? 'Up' : errno === 'operation not permitted' ? 'Init' : 'Down';
  if (s.state === next || s.state === 'AdminDown') return;
  const wasUp = s.state === 'Up';
  s.state = next;
  s.lastUpdatedMs = nowMs;
  s.downReason = next === 'Down' ? 'timeout' : undefined;
  if (next === 'Up') logInfo(state, nowMs, 'liveness: session up', s);
  else if (wasUp) logInfo(state, nowMs, 'liveness: session down', s);
}

export function logInfo(state: SimNodeState, atMs: number, msg: string, s: LivenessSession): void {
  const route = state.installedRoutes.find((r) => r.dst === s.peerIp && r.protocol === 'bgp');
  const record: Record<string, string> = { level: 'INFO', msg, peer: peerString(s) };
  record.route = route ? `${route.dst}/32 via ${route.gateway} dev ${route.dev} src ${route.src}` : `${s.peerIp}/32 dev ${s.iface} src ${s.localIp}`;
  state.history.infos.push({ atMs, pid: state.daemon.pid, record });
}

function prune(state: SimNodeState, nowMs: number): void {
  const horizon = nowMs - HISTORY_MS;
  const h = state.history;
  if (h.spans.some((s) => s.toMs !== null && s.toMs < horizon)) h.spans = h.spans.filter((s) => s.toMs === null || s.toMs >= horizon);
  if (h.infos.some((i) => i.atMs < horizon)) h.infos = h.infos.filter((i) => i.atMs >= horizon);
}

/** The first warning comes a little after the failure starts; the phase keeps peers from aligning. */
function spanPhaseMs(span: FailureSpan): number {
  return fnv1a(`${sessionKeyString(span)}|${span.fromMs}`) % 1000;
}

/** Every record logged in [sinceMs, nowMs], oldest first, never older than the kept history. */
export function journalRecords(state: SimNodeState, sinceMs: number, nowMs: number): JournalRecord[] {
  const lower = Math.max(sinceMs, nowMs - HISTORY_MS);
  const out: JournalRecord[] = [];
  for (const span of state.history.spans) {
    const first = span.fromMs + spanPhaseMs(span);
    const end = Math.min(span.toMs ?? Infinity, nowMs + 1);
    const k0 = Math.max(0, Math.ceil((lower - first) / WARN_INTERVAL_MS));
    for (let t = first + k0 * WARN_INTERVAL_MS; t < end; t += WARN_INTERVAL_MS) {
      out.push(makeRecord(t, span.pid, { level: 'WARN', msg: WARN_MSG, error: span.error, peer: peerString(span) }));
    }
  }
  for (const info of state.history.infos) {
    if (info.atMs >= lower && info.atMs <= nowMs) out.push(makeRecord(info.atMs, info.pid, info.record));
  }
  out.sort((a, b) => a.atMs - b.atMs || a.subMsNanos - b.subMsNanos);
  return out;
}

function makeRecord(atMs: number, pid: number, fields: Record<string, string>): JournalRecord {
  const subMsNanos = fnv1a(`${atMs}|${fields.peer ?? ''}|${fields.msg ?? ''}`) % 1_000_000;
  const time = new Date(atMs).toISOString().replace(/Z$/, `${String(subMsNanos).padStart(6, '0')}Z`);
  // slog's JSON handler writes time, level, msg first, then the attributes in call order.
  const { level, msg, ...attrs } = fields;
  return { atMs, subMsNanos, pid, message: JSON.stringify({ time, level, msg, ...attrs }) };
}
