import { requiredSections } from '../bundle/types';
import type { AddressState, NodeState } from '../model/node-state';
import { parseIp } from '../route/ip';
import { lookupRoute } from '../route/lookup';
import { evaluateOutput } from './firewall';
import type { Freshness } from './freshness';
import { DEFAULT_INTERFACE, isWarning, sessionKeys, type EventLike, type SessionKey } from './sessions';
import { worstVerdict, verdictRank, type NodeDiagnosis, type PeerVerdict, type StructuredEvidence, type Verdict, type WarningEvidence } from './types';

export const LIVENESS_PORT = 44880;
export const DEFAULT_WINDOW_MS = 15 * 60 * 1000;

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


/** One verdict per liveness peer of the node, with the evidence that proves it. Pure. */
export function diagnose(state: NodeState, opts: DiagnoseOptions = {}): NodeDiagnosis {
  const windowMs = opts.windowMs ?? DEFAULT_WINDOW_MS;
  const windowEnd = new Date(state.collectedAt);
  const windowStart = new Date(windowEnd.getTime() - windowMs);
  const events = mergeEvents(state.events, opts.earlierEvents ?? []);
  const sessions = sessionKeys(state, events, windowStart);
  const warningsByPeer = indexWarnings(events);

  const missingSections = requiredSections.filter((s) => state.sections[s] !== 'ok' && state.sections[s] !== 'truncated');
  const nodeUnknown = opts.freshness && !opts.freshness.fresh ? (opts.freshness.reason ?? 'no fresh data') : missingSections.length ? `cannot check: ${missingSections.join(', ')} not collected` : null;

  const byPeer = new Map<string, PeerVerdict[]>();
  for (const key of sessions) {
    if (key.presence === 'ended') continue;
    const warnings = warningEvidence(warningsByPeer, key, windowStart, windowEnd);
    const verdict = nodeUnknown ? unknownVerdict(key, warnings, nodeUnknown, opts.freshness, missingSections) : judgeSession(state, key, warnings, windowMs);
    // silent since its last warning: recovered if it checks healthy now, otherwise gone (see sessions.ts)
    if (!nodeUnknown && key.presence === 'quiet-after-warning' && verdict.verdict !== 'healthy') continue;
    const list = byPeer.get(key.peer) ?? [];
    list.push(verdict);
    byPeer.set(key.peer, list);
  }

  const peers: PeerVerdict[] = [];
  for (const list of byPeer.values()) {
    // the worst session speaks for the peer; the others are listed in its evidence
    const sorted = [...list].sort((a, b) => verdictRank(a.verdict) - verdictRank(b.verdict));
    const chosen = sorted[0]!;
    // the count shown is the peer's: every warning to it, whichever local address sent it
    const peerWarnings = warningEvidence(warningsByPeer, { peer: chosen.peer }, windowStart, windowEnd);
    chosen.warnings = peerWarnings.count;
    chosen.lastWarningAt = peerWarnings.lastAt;
    chosen.details.warnings = peerWarnings;
    if (sorted.length > 1) {
      chosen.details.otherSessions = sorted.slice(1).map((s) => ({ interface: s.interface, localIP: s.localIP, verdict: s.verdict }));
      chosen.evidence.push(...sorted.slice(1).map((s) => `other session ${s.interface} ${s.localIP || '(no localIP)'} -> ${s.peer}: ${s.verdict}`));
    }
    peers.push(chosen);
  }
  peers.sort((a, b) => verdictRank(a.verdict) - verdictRank(b.verdict) || PEER_ORDER.compare(a.peer, b.peer));

  const dz = state.links.find((l) => l.ifname === DEFAULT_INTERFACE);
  return {
    node: state.node,
    collectedAt: state.collectedAt,
    nodeUnknown,
    peers,
    worst: worstVerdict(peers.map((p) => p.verdict)),
    doublezero0: !dz ? 'missing' : dz.up && dz.lowerUp ? 'up' : 'down',
    warningsInWindow: peers.reduce((n, p) => n + p.warnings, 0),
  };
}

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

/** Warning events by peer, oldest first: a busy node logs thousands in a window. */
function indexWarnings(events: readonly EventLike[]): Map<string, EventLike[]> {
  const byPeer = new Map<string, EventLike[]>();
  for (const e of events) {
    if (!e.peerIP || !isWarning(e)) continue;
    const list = byPeer.get(e.peerIP) ?? [];
    list.push(e);
    byPeer.set(e.peerIP, list);
  }
  for (const list of byPeer.values()) list.sort((a, b) => a.at.localeCompare(b.at));
  return byPeer;
}

/** Warnings of one session (interface + localIP + peer), or of every session to a peer. */
function warningEvidence(byPeer: Map<string, EventLike[]>, key: Partial<SessionKey> & { peer: string }, start: Date, end: Date): WarningEvidence {
  const mine = (byPeer.get(key.peer) ?? [])
    .filter((e) => key.localIP === undefined || (e.localIP ?? '') === key.localIP)
    .filter((e) => key.interface === undefined || (e.interface ?? DEFAULT_INTERFACE) === key.interface);
  const inWindow = mine.filter((e) => {
    const t = Date.parse(e.at);
    return t >= start.getTime() && t <= end.getTime();
  });
  const last = mine[mine.length - 1];
  return { count: inWindow.length, windowStart: start.toISOString(), windowEnd: end.toISOString(), lastAt: last?.at ?? null, lastError: last?.error ?? null };
}

function warningText(w: WarningEvidence, windowMs: number): string {
  const minutes = Math.round(windowMs / 60000);
  if (w.count === 0) return `no send warning for this peer in the ${minutes} min before ${w.windowEnd}${w.lastAt ? ` (last ${w.lastAt})` : ''}`;
  return `${w.count} send warning(s) in the ${minutes} min before ${w.windowEnd} (doublezerod logs at most one per 5 s per peer), last ${w.lastAt}${w.lastError ? `: ${w.lastError}` : ''}`;
}

function unknownVerdict(key: SessionKey, warnings: WarningEvidence, reason: string, freshness: Freshness | undefined, missingSections: string[]): PeerVerdict {
  const details: StructuredEvidence = { warnings };
  if (freshness && !freshness.fresh) details.poll = { state: freshness.pollState ?? 'unknown', lastSuccessAt: freshness.lastSuccessAt ?? null, ageSeconds: freshness.ageSeconds, error: reason };
  if (missingSections.length) details.missingSections = missingSections;
  return base(key, 'unknown', warnings, [`no fresh data for the node: ${reason}`], details);
}

function base(key: SessionKey, verdict: Verdict, warnings: WarningEvidence, evidence: string[], details: StructuredEvidence): PeerVerdict {
  return { peer: key.peer, interface: key.interface, localIP: key.localIP, verdict, warnings: warnings.count, lastWarningAt: warnings.lastAt, evidence, details };
}

const cidr = (a: AddressState): string => `${a.local}/${a.prefixlen}`;

function judgeSession(state: NodeState, key: SessionKey, warnings: WarningEvidence, windowMs: number): PeerVerdict {
  const details: StructuredEvidence = { warnings };
  const session = state.daemon.sessions?.find((s) => s.peerIP === key.peer && s.localIP === key.localIP);
  if (session) {
    const { livenessState, livenessStateReason, kernelState, livenessPeerMode, livenessLastUpdated } = session;
    details.daemonSession = Object.fromEntries(Object.entries({ livenessState, livenessStateReason, kernelState, livenessPeerMode, livenessLastUpdated }).filter(([, v]) => v !== undefined));
  }
  const sessionText = session ? `daemon session ${key.localIP} -> ${key.peer}: liveness ${session.livenessState ?? '-'}${session.livenessStateReason ? ` (${session.livenessStateReason})` : ''}, kernel route ${session.kernelState ?? '-'}` : null;
  const unit = state.daemon.unitState;
  const finish = (verdict: Verdict, evidence: string[]): PeerVerdict => {
    evidence.push(warningText(warnings, windowMs));
    if (sessionText) evidence.push(sessionText);
    // not a verdict of its own (DESIGN.md), but the first thing an engineer wants to know
    if (unit !== null && unit !== 'active') evidence.push(`doublezerod is ${unit} (systemctl is-active)`);
    return base(key, verdict, warnings, evidence, details);
  };

  // interface-missing / interface-down
  const link = state.links.find((l) => l.ifname === key.interface);
  if (!link) {
    details.link = { ifname: key.interface, present: false };
    return finish('interface-missing', [`interface ${key.interface} does not exist (links: ${state.links.map((l) => l.ifname).join(', ') || 'none'})`]);
  }
  details.link = { ifname: link.ifname, present: true, up: link.up, lowerUp: link.lowerUp, operstate: link.operstate, flags: link.flags };
  if (!link.up || !link.lowerUp || link.operstate === 'DOWN' || link.operstate === 'LOWERLAYERDOWN' || link.operstate === 'NOTPRESENT') {
    return finish('interface-down', [`${link.ifname} is not up: flags ${link.flags.join(',') || '-'}, operstate ${link.operstate}`]);
  }

  // stale-session: the kernel refuses a source address that is on no interface of the node
  const onInterface = state.addresses.filter((a) => a.ifname === key.interface);
  details.interfaceAddresses = onInterface.map(cidr);
  const local = key.localIP ? parseIp(key.localIP) : undefined;
  if (key.localIP) {
    const assigned = state.addresses.find((a) => a.local === key.localIP && !a.dadfailed);
    if (!assigned) {
      details.missingAddress = key.localIP;
      return finish('stale-session', [
        `session localIP ${key.localIP} is not assigned to ${key.interface} or any other interface; ${key.interface} has ${onInterface.map(cidr).join(', ') || 'no address'}`,
      ]);
    }
  }

  // no-route: the kernel's choice for the session's packet, pinned to its interface as the daemon does
  const lookup = lookupRoute(state.routes, state.rules, { dst: key.peer, ...(local ? { src: key.localIP } : {}), oif: key.interface, ipproto: 'udp', sport: LIVENESS_PORT, dport: LIVENESS_PORT });
  if (!lookup.ok) {
    details.route = { ok: false, failure: lookup.failure, steps: lookup.steps, ...(lookup.route ? { route: lookup.route.text } : {}), ...(lookup.rule ? { rule: lookup.rule.text } : {}) };
    const cause = lookup.route ? `${lookup.failure} route "${lookup.route.text}"` : lookup.rule && lookup.failure !== 'no-route' ? `rule "${lookup.rule.text}"` : 'no matching route in the tables the rules use';
    return finish('no-route', [`no route to ${key.peer} through ${key.interface}: ${cause}`]);
  }
  details.route = { ok: true, route: lookup.route.text, table: lookup.table, rule: lookup.rule.text, steps: lookup.steps, ...(lookup.dev ? { dev: lookup.dev } : {}) };
  const routeText = `route to ${key.peer}: ${lookup.route.text} (table ${lookup.table}, rule ${lookup.rule.priority})`;

  // firewall-blocked
  if (!state.firewall) {
    details.firewall = { known: false };
  } else {
    const outcome = evaluateOutput(state.firewall, { saddr: key.localIP || '0.0.0.0', daddr: key.peer, sport: LIVENESS_PORT, dport: LIVENESS_PORT, oifname: key.interface });
    const undecidedRules = outcome.undecided.map((r) => `${r.family} ${r.table} ${r.chain} handle ${r.handle ?? '?'}: ${r.text}`);
    if (outcome.verdict !== 'accept') {
      if ('rule' in outcome) {
        const r = outcome.rule;
        details.firewall = { known: true, verdict: outcome.verdict, rule: { family: r.family, table: r.table, chain: r.chain, handle: r.handle ?? null, text: r.text }, undecidedRules };
        return finish('firewall-blocked', [`nft ${r.family} ${r.table} ${r.chain} handle ${r.handle ?? '?'} ${outcome.verdict}s UDP ${LIVENESS_PORT} to ${key.peer}: ${r.text}`, routeText]);
      }
      const chain = outcome.policyChain;
      details.firewall = { known: true, verdict: 'drop', policyChain: `${chain.family} ${chain.table} ${chain.name}`, undecidedRules };
      return finish('firewall-blocked', [`nft ${chain.family} ${chain.table} ${chain.name} (hook output) has policy drop and no rule accepts UDP ${LIVENESS_PORT} to ${key.peer}`, routeText]);
    }
    details.firewall = { known: true, verdict: 'accept', undecidedRules };
  }

  const firewallText = !state.firewall ? 'nft ruleset not collected: firewall not checked' : `no nft output rule drops UDP ${LIVENESS_PORT} to ${key.peer}`;
  if (warnings.count > 0) {
    // Every check passes now, yet the daemon warned recently: the cause is gone or outside what we see.
    return finish('unknown', [`recent send warnings but no current cause found (it may have cleared, or lie outside the node)`, routeText, firewallText]);
  }
  return finish('healthy', [`${link.ifname} up, localIP ${key.localIP || '(not given)'} assigned`, routeText, firewallText]);
}
