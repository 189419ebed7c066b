import { findAction, type ActionId } from '@/lib/remediation/catalog';
import { lifecycleOf, verdictRank } from '@/lib/diagnosis/types';
import type { KnownIssueMatch } from '@/lib/known-issues';
import type { NodeDetail, NodeFindingRow, PeerVerdictRow } from './node';
import type { Verdict } from '../diagnosis/verdict-schema';

// "The answer": what a node page, a triage link or a cell shows first (issue 13 point 4, issue 16): what
// is wrong, since when, why (one or two evidence lines, verbatim from the diagnosis) and what to do (the
// fitting catalog action, or what to do instead when no action fits). Pure: the same input gives the
// same answer on a wall screen and on a phone.

export interface FittingAction {
  id: ActionId;
  title: string;
  /** the verdict it is offered for (the remediation page preselects actions by it) */
  verdict: Verdict;
  /** the one peer it is about, when there is one */
  peer: string | null;
}

export interface Answer {
  /** null: nothing to judge (no liveness peer, or nothing collected) */
  verdict: Verdict | null;
  since: string | null;
  headline: string;
  /** at most two lines, most important first */
  evidence: string[];
  action: FittingAction | null;
  /** what to do when no catalog action fits */
  advice: string | null;
  /** a known upstream bug behind it: the lasting fix beside the immediate action */
  durableFix: { issueId: string; text: string; fixedIn: string } | null;
  /** the node's other problems, worst first, with how many peers each */
  alsoFailing: { verdict: Verdict; peers: number }[];
}

export type NodeAnswerInput = Pick<NodeDetail, 'summary' | 'peers' | 'findings' | 'knownIssues' | 'nodeUnknown' | 'missing'>;

/**
 * The remediation DESIGN.md's verdict table gives for each failing verdict ("Verdicts", last column),
 * as catalog actions. firewall-blocked ("show rule; guarded removal") has no catalog action.
 */
export const remedyForVerdict: Partial<Record<Verdict, ActionId>> = {
  'interface-missing': 'reconnect-daemon',
  'interface-down': 'interface-up',
  'stale-session': 'restart-doublezerod',
  'no-route': 'reconnect-daemon',
};

const adviceFor: Partial<Record<Verdict, string>> = {
  unknown: 'Nothing to run yet: the agent keeps polling and the verdict comes back with the next successful poll. Check that the node answers SSH.',
  recovering: 'Nothing to run: the cause is gone; its warnings leave the 15-minute window by themselves.',
  'firewall-blocked': 'Remove or narrow the output rule shown in the evidence; no catalog action changes the firewall.',
};

const maxEvidence = 2;

/** The fitting action: a known bug's immediate fix when one explains the finding, else the verdict's remedy. */
export function fittingAction(
  verdict: Verdict,
  opts: { findingKind?: string | null; knownIssues?: readonly KnownIssueMatch[]; peer?: string | null } = {},
): FittingAction | null {
  const known = opts.findingKind ? opts.knownIssues?.find((k) => k.explains.includes(opts.findingKind!)) : undefined;
  const id = (known?.immediate.action as ActionId | undefined) ?? remedyForVerdict[verdict];
  const action = id ? findAction(id) : undefined;
  if (!id || !action) return null;
  return { id, title: action.title, verdict, peer: opts.peer ?? null };
}

export function nodeAnswer(d: NodeAnswerInput): Answer {
  const verdict = d.summary.worstVerdict;
  const base = { action: null, advice: null, durableFix: null, alsoFailing: alsoFailing(d, verdict) };
  if (verdict === null) {
    return { ...base, verdict, since: null, headline: d.missing ?? 'No liveness peer known: nothing to judge on this node.', evidence: [] };
  }
  const worstPeers = d.peers.filter((p) => p.verdict === verdict);
  if (verdict === 'unknown' && (d.nodeUnknown || worstPeers.length === 0)) {
    const err = d.summary.poll.error;
    return {
      ...base,
      verdict,
      since: d.summary.worstSince,
      headline: d.nodeUnknown ?? d.missing ?? 'No fresh data from this node.',
      evidence: err ? [`last poll failed (${err.kind}): ${err.message}`] : [],
      advice: adviceFor.unknown ?? null,
    };
  }
  if (verdict === 'healthy') {
    return { ...base, verdict, since: null, headline: `All ${d.peers.length} liveness peers are healthy.`, evidence: [] };
  }
  const finding = d.findings.find((f) => f.verdict === verdict) ?? null;
  const since = d.summary.worstSince ?? earliest(worstPeers.map((p) => p.since));
  const peer = worstPeers.length === 1 ? worstPeers[0]!.peer : null;
  const first = worstPeers[0];
  const evidence = finding ? finding.evidence.slice(0, maxEvidence) : first ? peerEvidence(first) : [];
  const headline = finding?.summary ?? (verdict === 'recovering' ? recoveringHeadline(worstPeers.length) : peersHeadline(verdict, worstPeers));
  return {
    ...base,
    verdict,
    since,
    headline,
    evidence,
    action: lifecycleOf(verdict) === 'failing' ? fittingAction(verdict, { findingKind: finding?.kind, knownIssues: d.knownIssues, peer }) : null,
    advice: adviceFor[verdict] ?? null,
    durableFix: durableFixFor(finding, d.knownIssues),
  };
}

/** One node × peer pair: the same answer for the cell a triage link or the peer grid opens. */
export function cellAnswer(
  v: PeerVerdictRow | null,
  ctx: Pick<NodeDetail, 'findings' | 'knownIssues' | 'nodeUnknown'> & { node: string; peer: string },
): Answer {
  const base = { action: null, advice: null, durableFix: null, alsoFailing: [] };
  if (!v) return { ...base, verdict: null, since: null, headline: `No liveness session from ${ctx.node} to ${ctx.peer} at this moment.`, evidence: [] };
  if (v.verdict === 'healthy')
    return { ...base, verdict: v.verdict, since: v.since, headline: `${ctx.node} reaches ${ctx.peer}: no failing session.`, evidence: v.evidence.slice(0, 1) };
  // a node-level finding that explains this session: the stale local IP it sends from, or its tunnel
  const finding = ctx.findings.find((f) => f.verdict === v.verdict && (f.kind !== 'stale-local-ip' || sameLocalIp(f, v))) ?? null;
  const headline = v.verdict === 'unknown' && ctx.nodeUnknown ? ctx.nodeUnknown : (finding?.summary ?? v.evidence[0] ?? v.verdict);
  const lines = finding || (v.verdict === 'unknown' && ctx.nodeUnknown) ? peerEvidence(v) : peerEvidence(v).filter((l) => l !== headline);
  return {
    ...base,
    verdict: v.verdict,
    since: v.since,
    headline,
    evidence: lines.slice(0, maxEvidence),
    action: lifecycleOf(v.verdict) === 'failing' ? fittingAction(v.verdict, { findingKind: finding?.kind, knownIssues: ctx.knownIssues, peer: v.peer }) : null,
    advice: adviceFor[v.verdict] ?? null,
    durableFix: durableFixFor(finding, ctx.knownIssues),
  };
}

/** The query string of the remediation page for an answer's action (it preselects the action). */
export function remediationQuery(node: string, action: FittingAction, alertUrl?: string | null): string {
  const qs = new URLSearchParams({ node, verdict: action.verdict, action: action.id });
  if (action.peer) qs.set('peer', action.peer);
  if (alertUrl) qs.set('alert', alertUrl);
  return qs.toString();
}

// The diagnosis's first line, then the structured detail that proves it (missing address, rule, last error).
function peerEvidence(p: PeerVerdictRow): string[] {
  const d = p.details;
  const detail = d.missingAddress
    ? `missing ${d.missingAddress}; on ${p.interface}: ${d.interfaceAddresses?.join(', ') || 'no address'}`
    : d.firewall?.rule
      ? `nft ${d.firewall.rule.chain}: ${d.firewall.rule.text}`
      : d.warnings?.lastError
        ? `last send error${d.warnings.lastAt ? ` ${d.warnings.lastAt}` : ''}: ${d.warnings.lastError}`
        : null;
  return [p.evidence[0], detail, p.evidence[1]].filter((l): l is string => Boolean(l)).slice(0, maxEvidence);
}

function peersHeadline(verdict: Verdict, peers: readonly PeerVerdictRow[]): string {
  if (peers.length === 1) return `${verdict} to ${peers[0]!.peer} (${peers[0]!.interface} from ${peers[0]!.localIP || 'no local IP'})`;
  const shown = peers.slice(0, 3).map((p) => p.peer);
  return `${verdict} to ${peers.length} peers: ${shown.join(', ')}${peers.length > shown.length ? ', …' : ''}`;
}

function recoveringHeadline(n: number): string {
  return `Recovering: the cause is gone; ${n} ${n === 1 ? 'peer still has' : 'peers still have'} warnings in the 15-minute window.`;
}

function durableFixFor(finding: NodeFindingRow | null, issues: readonly KnownIssueMatch[]): Answer['durableFix'] {
  const k = finding ? issues.find((i) => i.explains.includes(finding.kind)) : undefined;
  return k ? { issueId: k.id, text: k.durableFix, fixedIn: k.fixedIn } : null;
}

function alsoFailing(d: NodeAnswerInput, verdict: Verdict | null): Answer['alsoFailing'] {
  const counts = new Map<Verdict, number>();
  for (const p of d.peers) if (p.verdict !== verdict && p.verdict !== 'healthy') counts.set(p.verdict, (counts.get(p.verdict) ?? 0) + 1);
  return [...counts].map(([v, peers]) => ({ verdict: v, peers })).sort((a, b) => verdictRank(a.verdict) - verdictRank(b.verdict));
}

function sameLocalIp(f: NodeFindingRow, v: PeerVerdictRow): boolean {
  return f.localIP === null || f.localIP === v.localIP;
}

function earliest(times: readonly (string | null)[]): string | null {
  return times.filter((t): t is string => t !== null).sort()[0] ?? null;
}
