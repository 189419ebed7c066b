import { lifecycleOf, verdictRank } from '@/lib/diagnosis/types';
import { knownIssues } from '@/lib/known-issues/table';
import type { FleetRow } from './fleet';
import type { Verdict } from '../diagnosis/verdict-schema';

// The fleet page's header: how many nodes are in each verdict, which problems began in the last 15
// minutes, and the patterns that span nodes (one peer, one site, one daemon version). Pure: it reads the
// fleet rows the page already has; each pattern names the grid filter that shows its nodes.

/** "New" problems: a failing verdict that began this recently before the view's moment. */
export const newProblemWindowMs = 15 * 60_000;
/** A peer is suspect when at least this many nodes fail to reach it for a peer-attributable reason. */
export const peerPatternMinNodes = 3;
/** A site pattern needs at least this many nodes in the site (one failing node is not a site). */
export const sitePatternMinNodes = 2;
/** A version pattern needs at least this many nodes of that version showing the same known issue. */
export const versionPatternMinNodes = 2;
/** At most this many lines per kind of pattern; the rest is counted. */
export const patternLinesPerKind = 3;

/** `none`: a node with fresh data and no liveness peer (multicast only), so no verdict. */
export type HeadlineVerdict = Verdict | 'none';

export interface VerdictCount {
  verdict: HeadlineVerdict;
  nodes: number;
}

/** The fleet-grid search params that show a pattern's nodes. */
export type PatternFilter = Partial<Record<'peer' | 'site' | 'version' | 'issue', string>>;

export type FleetPattern =
  | { kind: 'peer'; peer: string; nodes: string[]; filter: PatternFilter }
  | { kind: 'site'; site: string; nodes: string[]; verdicts: VerdictCount[]; filter: PatternFilter }
  | {
      kind: 'version';
      version: string;
      issue: { id: string; title: string; fixedIn: string | null };
      nodes: string[];
      nodesOnVersion: number;
      filter: PatternFilter;
    };

export interface FleetHeadline {
  total: number;
  /** worst verdict first; verdicts no node has are left out */
  counts: VerdictCount[];
  /** nodes whose failing verdict began within `newProblemWindowMs` before `asOf`, newest first */
  newProblems: string[];
  patterns: FleetPattern[];
  /** patterns left out by `patternLinesPerKind`, per kind */
  omitted: { peer: number; site: number; version: number };
}

export function headlineVerdict(row: Pick<FleetRow, 'worstVerdict'>): HeadlineVerdict {
  return row.worstVerdict ?? 'none';
}

const rankOf = (v: HeadlineVerdict): number => (v === 'none' ? Number.MAX_SAFE_INTEGER : verdictRank(v));

/** A failing verdict that began in the window before `asOf` (a pinned view's moment, or now). */
export function isNewProblem(row: Pick<FleetRow, 'worstVerdict' | 'worstSince'>, asOf: string): boolean {
  if (!row.worstVerdict || lifecycleOf(row.worstVerdict) !== 'failing' || !row.worstSince) return false;
  const age = Date.parse(asOf) - Date.parse(row.worstSince);
  return age >= 0 && age <= newProblemWindowMs;
}

// A node counts toward a site outage when it fails, or when it cannot be read at all (poll failing or
// stale: the site may be cut off). A node not polled yet says nothing either way.
function downForSite(row: FleetRow): boolean {
  if (!row.worstVerdict) return false;
  const life = lifecycleOf(row.worstVerdict);
  return life === 'failing' || (life === 'unknown' && row.poll.state !== 'pending');
}

export function fleetHeadline(rows: readonly FleetRow[], asOf: string): FleetHeadline {
  const counts = new Map<HeadlineVerdict, number>();
  for (const r of rows) counts.set(headlineVerdict(r), (counts.get(headlineVerdict(r)) ?? 0) + 1);
  const newProblems = rows
    .filter((r) => isNewProblem(r, asOf))
    .sort((a, b) => Date.parse(b.worstSince!) - Date.parse(a.worstSince!) || a.name.localeCompare(b.name))
    .map((r) => r.name);

  const peers = capped(peerPatterns(rows));
  const sites = capped(sitePatterns(rows));
  const versions = capped(versionPatterns(rows));
  return {
    total: rows.length,
    counts: [...counts].map(([verdict, nodes]) => ({ verdict, nodes })).sort((a, b) => rankOf(a.verdict) - rankOf(b.verdict)),
    newProblems,
    patterns: [...peers.shown, ...sites.shown, ...versions.shown],
    omitted: { peer: peers.omitted, site: sites.omitted, version: versions.omitted },
  };
}

function capped<T extends { nodes: string[] }>(list: T[]): { shown: T[]; omitted: number } {
  return { shown: list.slice(0, patternLinesPerKind), omitted: Math.max(0, list.length - patternLinesPerKind) };
}

const byNodesThen =
  <T extends { nodes: string[] }>(key: (p: T) => string) =>
  (a: T, b: T) =>
    b.nodes.length - a.nodes.length || key(a).localeCompare(key(b));

function peerPatterns(rows: readonly FleetRow[]): Extract<FleetPattern, { kind: 'peer' }>[] {
  const nodesByPeer = new Map<string, string[]>();
  for (const r of rows) {
    for (const peer of new Set(r.signals?.peerFaults ?? [])) {
      const list = nodesByPeer.get(peer) ?? [];
      list.push(r.name);
      nodesByPeer.set(peer, list);
    }
  }
  return [...nodesByPeer]
    .filter(([, nodes]) => nodes.length >= peerPatternMinNodes)
    .map(([peer, nodes]) => ({ kind: 'peer' as const, peer, nodes: nodes.sort(), filter: { peer } }))
    .sort(byNodesThen((p) => p.peer));
}

function sitePatterns(rows: readonly FleetRow[]): Extract<FleetPattern, { kind: 'site' }>[] {
  const bySite = new Map<string, FleetRow[]>();
  for (const r of rows) {
    if (!r.site) continue;
    const list = bySite.get(r.site) ?? [];
    list.push(r);
    bySite.set(r.site, list);
  }
  const out: Extract<FleetPattern, { kind: 'site' }>[] = [];
  for (const [site, members] of bySite) {
    if (members.length < sitePatternMinNodes || !members.every(downForSite)) continue;
    const counts = new Map<HeadlineVerdict, number>();
    for (const r of members) counts.set(headlineVerdict(r), (counts.get(headlineVerdict(r)) ?? 0) + 1);
    out.push({
      kind: 'site',
      site,
      nodes: members.map((r) => r.name).sort(),
      verdicts: [...counts].map(([verdict, nodes]) => ({ verdict, nodes })).sort((a, b) => rankOf(a.verdict) - rankOf(b.verdict)),
      filter: { site },
    });
  }
  return out.sort(byNodesThen((p) => p.site));
}

function versionPatterns(rows: readonly FleetRow[]): Extract<FleetPattern, { kind: 'version' }>[] {
  const onVersion = new Map<string, number>();
  const sharing = new Map<string, { version: string; issue: string; nodes: string[] }>();
  for (const r of rows) {
    const version = r.signals?.daemonVersion;
    if (!version) continue;
    onVersion.set(version, (onVersion.get(version) ?? 0) + 1);
    for (const issue of new Set(r.signals?.knownIssues ?? [])) {
      const key = `${version}\n${issue}`;
      const entry = sharing.get(key) ?? { version, issue, nodes: [] };
      entry.nodes.push(r.name);
      sharing.set(key, entry);
    }
  }
  return [...sharing.values()]
    .filter((s) => s.nodes.length >= versionPatternMinNodes)
    .map((s) => {
      const known = knownIssues.find((k) => k.id === s.issue);
      return {
        kind: 'version' as const,
        version: s.version,
        issue: { id: s.issue, title: known?.title ?? s.issue, fixedIn: known ? `v${known.fixedIn}` : null },
        nodes: s.nodes.sort(),
        nodesOnVersion: onVersion.get(s.version) ?? s.nodes.length,
        filter: { version: s.version, issue: s.issue },
      };
    })
    .sort(byNodesThen((p) => `${p.version} ${p.issue.id}`));
}
