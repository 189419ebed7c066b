import { requiredSections } from '../bundle/types';
import { knownIssuesFor } from '../known-issues';
import { daemonBehaviour, parseClientVersion } from '../doublezerod/version';
import type { NodeState } from '../model/node-state';
import { checkCause, type CauseCheck } from './cause';
import type { Freshness } from './freshness';
import { daemonFacts, isSendFailure, sightings, type EventLike, type Sighting } from './sessions';
import { staleLocalIpFindings } from './stale-local-ip';
import { tunnelFindings, tunnelStates } from './tunnels';
import {
  worstVerdict,
  verdictRank,
  type ClearedBy,
  type DaemonFacts,
  type NodeDiagnosis,
  type NodeFinding,
  type PeerVerdict,
  type StructuredEvidence,
  type Verdict,
  type WarningEvidence,
} from './types';

export { LIVENESS_PORT } from './cause';
export const DEFAULT_WINDOW_MS = 15 * 60 * 1000;
/** doublezerod's global warning throttle (internal/liveness/scheduler.go writeErrWarnEvery). */
export const WARN_THROTTLE_MS = 5_000;
/** The shortest silence that proves nothing fails: six throttle periods, also room for journal lag. */
export const QUIET_PROOF_MS = 6 * (WARN_THROTTLE_MS + 1_000);

/**
 * How long the whole daemon must log no send warning before that silence proves no session fails. A failing
 * session keeps sending on its Down backoff (internal/liveness/session.go), capped at 1 s up to v0.8.0 and at
 * 1 min since v0.8.1 (manager.go defaultBackoffMax, ±10 % jitter), and the throttle writes the first failure
 * after 5 s quiet: two capped intervals plus a throttle period, never less than QUIET_PROOF_MS. An unknown
 * version is taken as the slowest.
 */
export function quietProofMs(version: string | null): number {
  const parsed = version === null ? null : parseClientVersion(version);
  const backoffMaxMs = parsed ? daemonBehaviour(parsed).backoffMaxMs : 60_000;
  return Math.max(QUIET_PROOF_MS, Math.ceil(2 * 1.1 * backoffMaxMs + WARN_THROTTLE_MS + 1_000));
}

// The order of `a.localeCompare(b, 'en', {numeric: true})`, with the collator built once: localeCompare
// with options builds one per comparison, which was a third of the whole diagnosis time.
const PEER_ORDER = new Intl.Collator('en', { numeric: true });

export interface DiagnoseOptions {
  /** warnings within this long before collectedAt keep a peer from being healthy (default 15 min) */
  windowMs?: number;
  /** the node's poll freshness (`pollFreshness`); absent for an offline bundle, taken as fresh */
  freshness?: Freshness;
  /** liveness events of earlier polls (the journal is read incrementally); merged by dedupe key */
  earlierEvents?: readonly EventLike[];
}

interface Context {
  state: NodeState;
  daemon: DaemonFacts;
  windowStart: number;
  windowEnd: number;
  windowMs: number;
  /** no send warning from the whole daemon for QUIET_PROOF_MS, with the journal read: nothing fails now */
  quietSince: string | null;
  /** sessions the throttled log named failing since the daemon started (for "about every K × 5 s") */
  failingSampled: number;
}

/**
 * One verdict per liveness peer of the node plus the node's own findings, reasoning as doublezerod works
 * (docs/doublezerod-model.md): sessions belong to the daemon process that runs now; a warning is a sample of
 * a daemon-wide throttled log; a cause that is gone with warnings still in the window is `recovering`. Pure.
 */
export function diagnose(state: NodeState, opts: DiagnoseOptions = {}): NodeDiagnosis {
  const windowMs = opts.windowMs ?? DEFAULT_WINDOW_MS;
  const windowEnd = Date.parse(state.collectedAt);
  const events = mergeEvents(state.events, opts.earlierEvents ?? []);
  const daemon = daemonFacts(state, events);
  const running = daemon.unitState === null || daemon.unitState === 'active' || daemon.unitState === 'reloading';
  const sessions = sightings(state, events, daemon).map((s) => (running ? s : { ...s, current: false }));
  const ctx: Context = {
    state,
    daemon,
    windowStart: windowEnd - windowMs,
    windowEnd,
    windowMs,
    quietSince: quietSince(state, daemon, running),
    failingSampled: sessions.filter((s) => s.current && s.failures.length > 0).length,
  };

  const missingSections = requiredSections.filter((s) => state.sections[s] !== 'ok' && state.sections[s] !== 'truncated');
  const nodeUnknown =
    opts.freshness && !opts.freshness.fresh
      ? (opts.freshness.reason ?? 'no fresh data')
      : missingSections.length
        ? `cannot check: ${missingSections.join(', ')} not collected`
        : null;

  const judged: PeerVerdict[] = [];
  for (const s of sessions) {
    const verdict = nodeUnknown ? unknownVerdict(s, ctx, nodeUnknown, opts.freshness, missingSections) : judgeSession(s, ctx);
    if (verdict) judged.push(verdict);
  }
  const peers = mergeByPeer(judged, sessions, ctx);

  const tunnels = tunnelStates(state, sessions);
  const findings: NodeFinding[] = nodeUnknown ? [] : [...staleLocalIpFindings(judged, sessions, ctx), ...tunnelFindings(tunnels, state)];
  if (!nodeUnknown && !running) {
    findings.push({
      kind: 'daemon-not-running',
      verdict: 'unknown',
      interface: null,
      summary: `doublezerod is ${daemon.unitState}: no liveness session runs`,
      evidence: [`systemctl is-active doublezerod: ${daemon.unitState}`],
    });
  }

  const dz = state.links.find((l) => l.ifname === 'doublezero0');
  return {
    node: state.node,
    collectedAt: state.collectedAt,
    nodeUnknown,
    peers,
    worst: worstVerdict([...peers.map((p) => p.verdict), ...findings.map((f) => f.verdict)]),
    doublezero0: !dz ? 'missing' : dz.up && dz.lowerUp ? 'up' : 'down',
    warningsInWindow: peers.reduce((n, p) => n + p.warnings, 0),
    findings,
    tunnels,
    daemon,
    knownIssues: knownIssuesFor({ version: daemon.version, findings: findings.map((f) => f.kind) }),
  };
}

export type DiagnosisContext = Context;

function mergeEvents(current: readonly EventLike[], earlier: readonly EventLike[]): EventLike[] {
  const seen = new Set<string>();
  const out: EventLike[] = [];
  for (const e of [...earlier, ...current]) {
    if (seen.has(e.dedupeKey)) continue;
    seen.add(e.dedupeKey);
    out.push(e);
  }
  return out;
}

/** The moment from which the daemon has logged no send warning, when that silence is long enough to prove nothing fails. */
function quietSince(state: NodeState, daemon: DaemonFacts, running: boolean): string | null {
  const journalRead = state.sections.journal === 'ok' || state.sections.journal === 'truncated';
  if (!running || !journalRead) return null;
  const collected = Date.parse(state.collectedAt);
  const last = daemon.lastSendWarningAt ? Date.parse(daemon.lastSendWarningAt) : null;
  if (last !== null && collected - last < quietProofMs(daemon.version)) return null;
  // no warning in all the log we hold: quiet since the daemon started, or since we know
  return last !== null ? new Date(last).toISOString() : daemon.startedAt;
}

function warningEvidence(failures: readonly EventLike[], ctx: Context): WarningEvidence {
  const inWindow = failures.filter((e) => {
    const t = Date.parse(e.at);
    return t >= ctx.windowStart && t <= ctx.windowEnd;
  });
  const last = failures[failures.length - 1];
  return {
    count: inWindow.length,
    windowStart: new Date(ctx.windowStart).toISOString(),
    windowEnd: new Date(ctx.windowEnd).toISOString(),
    lastAt: last?.at ?? null,
    lastError: last?.error ?? null,
  };
}

/** The evidence line for a peer's warnings, saying what the count is: a sample of a daemon-wide throttled log. */
export function warningText(w: WarningEvidence, windowMs: number, failingSampled: number): string {
  const minutes = Math.round(windowMs / 60000);
  if (w.count === 0) return `no send warning naming this peer in the ${minutes} min before ${w.windowEnd}${w.lastAt ? ` (last ${w.lastAt})` : ''}`;
  const k = Math.max(1, failingSampled);
  return (
    `${w.count} send warning(s) naming this peer in the ${minutes} min before ${w.windowEnd}, last ${w.lastAt}${w.lastError ? `: ${w.lastError}` : ''}. ` +
    `doublezerod logs at most one send warning every 5 s for the whole daemon, naming whichever session failed then: with ${k === 1 ? '1 failing session' : `≥ ${k} failing sessions`} a peer appears about every ${Math.round((k * WARN_THROTTLE_MS) / 1000)} s, so this is a sample, not a count of failures`
  );
}

function verdictOf(s: Sighting, verdict: Verdict, evidence: string[], details: StructuredEvidence, since: string | null, ctx: Context): PeerVerdict {
  const unit = ctx.daemon.unitState;
  if (unit !== null && unit !== 'active') evidence.push(`doublezerod is ${unit} (systemctl is-active)`);
  details.seenIn = s.sources;
  return {
    peer: s.peer,
    interface: s.interface,
    localIP: s.localIP,
    verdict,
    warnings: details.warnings.count,
    lastWarningAt: details.warnings.lastAt,
    evidence,
    details,
    since,
  };
}

function unknownVerdict(s: Sighting, ctx: Context, reason: string, freshness: Freshness | undefined, missingSections: string[]): PeerVerdict | null {
  const warnings = warningEvidence(s.allFailures, ctx);
  const details: StructuredEvidence = { warnings };
  if (freshness && !freshness.fresh)
    details.poll = { state: freshness.pollState ?? 'unknown', lastSuccessAt: freshness.lastSuccessAt ?? null, ageSeconds: freshness.ageSeconds, error: reason };
  if (missingSections.length) details.missingSections = missingSections;
  return verdictOf(s, 'unknown', [`no fresh data for the node: ${reason}`], details, null, ctx);
}

const UNREACHABLE = /network is unreachable/i;
const IF_NOT_FOUND = /interface "?[^"\s]+"? not found|no such (network interface|device)/i;

/** Why a session that warned inside the window is no longer failing, when something proves it. */
function clearing(s: Sighting, check: CauseCheck | null, ctx: Context): { by: ClearedBy; at: string | null; text: string } | null {
  if (!s.current) {
    return {
      by: 'daemon-restarted',
      at: ctx.daemon.startedAt,
      text: `the daemon ${ctx.daemon.unitState && ctx.daemon.unitState !== 'active' ? `is ${ctx.daemon.unitState}` : `restarted at ${ctx.daemon.startedAt ?? '?'} (${ctx.daemon.startedAtSource ?? '?'})`}: this session no longer exists`,
    };
  }
  if (ctx.quietSince !== null) {
    const proof = Math.round(quietProofMs(ctx.daemon.version) / 1000);
    return {
      by: 'daemon-quiet',
      at: ctx.quietSince,
      text: `doublezerod has logged no send warning for any peer since ${ctx.quietSince ?? 'it started'} (over ${proof} s): a failing session keeps sending on its backoff and the daemon logs its failures at most 5 s apart, so none fails now`,
    };
  }
  if (check?.cause) return null;
  const lastError = s.failures[s.failures.length - 1]?.error ?? '';
  const lastAt = s.failures[s.failures.length - 1]?.at ?? null;
  // A pinned send fails with ENETUNREACH for an unassigned source or a down interface (docs/doublezerod-model.md,
  // "Pinned send"); both are checked above and hold no more.
  if (UNREACHABLE.test(lastError))
    return {
      by: 'cause-gone',
      at: lastAt,
      text: `sends failed with "network is unreachable" (source not assigned, or ${s.interface} down); now ${s.interface} is up${s.localIP ? ` and ${s.localIP} is assigned` : ''}: the cause is gone`,
    };
  if (IF_NOT_FOUND.test(lastError)) return { by: 'interface-back', at: lastAt, text: `${s.interface} exists again: the cause of "${lastError}" is gone` };
  return null;
}

function judgeSession(s: Sighting, ctx: Context): PeerVerdict | null {
  const warnings = warningEvidence(s.allFailures, ctx);
  const warningLine = (): string => warningText(warnings, ctx.windowMs, ctx.failingSampled);

  if (!s.current) {
    // Seen only before the daemon's last start: gone. Its warnings inside the window make it recovering.
    if (warnings.count === 0) return null;
    const cleared = clearing(s, null, ctx)!;
    return verdictOf(s, 'recovering', [cleared.text, warningLine()], { warnings, cleared }, cleared.at, ctx);
  }

  const lastError = s.failures[s.failures.length - 1]?.error ?? '';
  const check = checkCause(ctx.state, s, UNREACHABLE.test(lastError));
  const details: StructuredEvidence = { ...check.details, warnings };
  const firstFailure = s.failures[0]?.at ?? null;

  if (check.cause) {
    // A stale session warns every time it is picked; total silence proves the daemon no longer has it
    // (v0.8.1+ withdraws sessions on disconnect). Other causes are judged from the state alone.
    if (check.cause === 'stale-session' && ctx.quietSince !== null) {
      if (warnings.count === 0) return null;
      const cleared = clearing(s, check, ctx)!;
      details.cleared = cleared;
      return verdictOf(s, 'recovering', [cleared.text, ...check.evidence, warningLine()], details, cleared.at, ctx);
    }
    return verdictOf(s, check.cause, [...check.evidence, warningLine()], details, firstFailure, ctx);
  }
  if (warnings.count === 0) return verdictOf(s, 'healthy', [...check.passed, warningLine()], details, null, ctx);
  const cleared = clearing(s, check, ctx);
  if (cleared) {
    details.cleared = cleared;
    return verdictOf(s, 'recovering', [cleared.text, ...check.passed, warningLine()], details, cleared.at, ctx);
  }
  return verdictOf(
    s,
    'unknown',
    ['send warnings continue but no cause is visible on the node (it may lie outside it)', ...check.passed, warningLine()],
    details,
    firstFailure,
    ctx,
  );
}

/** The worst session speaks for its peer; the others are listed in its evidence. Warnings count every session to the peer. */
function mergeByPeer(judged: readonly PeerVerdict[], sessions: readonly Sighting[], ctx: Context): PeerVerdict[] {
  const byPeer = new Map<string, PeerVerdict[]>();
  for (const v of judged) byPeer.set(v.peer, [...(byPeer.get(v.peer) ?? []), v]);
  const failuresByPeer = new Map<string, EventLike[]>();
  for (const s of sessions) failuresByPeer.set(s.peer, [...(failuresByPeer.get(s.peer) ?? []), ...s.allFailures]);

  const peers: PeerVerdict[] = [];
  for (const list of byPeer.values()) {
    const sorted = [...list].sort((a, b) => verdictRank(a.verdict) - verdictRank(b.verdict));
    const chosen = { ...sorted[0]!, details: { ...sorted[0]!.details }, evidence: [...sorted[0]!.evidence] };
    const all = (failuresByPeer.get(chosen.peer) ?? []).filter(isSendFailure).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    const peerWarnings = warningEvidence(all, ctx);
    chosen.warnings = peerWarnings.count;
    chosen.lastWarningAt = peerWarnings.lastAt;
    chosen.details.warnings = peerWarnings;
    if (sorted.length > 1) {
      chosen.details.otherSessions = sorted.slice(1).map((s) => ({ interface: s.interface, localIP: s.localIP, verdict: s.verdict }));
      chosen.evidence.push(...sorted.slice(1).map((s) => `other session ${s.interface} ${s.localIP || '(no localIP)'} -> ${s.peer}: ${s.verdict}`));
    }
    peers.push(chosen);
  }
  return peers.sort((a, b) => verdictRank(a.verdict) - verdictRank(b.verdict) || PEER_ORDER.compare(a.peer, b.peer));
}
