import { findAction } from '../remediation/catalog';
import { knownIssues as table, type KnownIssue } from './table';
import { compareVersions, formatVersion, parseClientVersion, type ClientVersion } from '../doublezerod/version';

// Which known upstream bugs explain what was found on a node. Pure: the diagnosis calls it with the
// daemon's version and the kinds of its node-level findings and shows the result next to the verdict.

export interface KnownIssueMatch {
  id: string;
  title: string;
  /** `affected`: the node's version is in the range; `version-unknown`: the finding fits but no usable version was collected */
  match: 'affected' | 'version-unknown';
  /** the node's version as reported, null when not collected */
  nodeVersion: string | null;
  /** e.g. "v0.6.11 – v0.8.0" */
  affects: string;
  fixedIn: string;
  condition: string | null;
  /** the node's findings this bug explains */
  explains: string[];
  upstream: { issue: string; fix: string };
  durableFix: string;
  immediate: { action: string; title: string; why: string };
}

export interface KnownIssueQuery {
  /** the doublezerod version string the node reported, or null */
  version: string | null;
  /** kinds of the node-level findings present, e.g. ['stale-local-ip'] */
  findings: readonly string[];
}

export function knownIssuesFor(query: KnownIssueQuery, issues: readonly KnownIssue[] = table): KnownIssueMatch[] {
  const version = query.version === null ? null : parseClientVersion(query.version);
  const out: KnownIssueMatch[] = [];
  for (const issue of issues) {
    const explains = issue.explains.filter((k) => query.findings.includes(k));
    if (explains.length === 0) continue;
    if (version !== null && !inRange(version, issue)) continue;
    out.push({
      id: issue.id,
      title: issue.title,
      match: version === null ? 'version-unknown' : 'affected',
      nodeVersion: query.version,
      affects: `${display(issue.introducedIn)} – ${display(issue.lastAffected)}`,
      fixedIn: display(issue.fixedIn),
      condition: issue.condition,
      explains,
      upstream: issue.upstream,
      durableFix: issue.durableFix,
      immediate: { action: issue.immediateAction, title: findAction(issue.immediateAction)?.title ?? issue.immediateAction, why: issue.immediateWhy },
    });
  }
  return out;
}

function inRange(v: ClientVersion, issue: KnownIssue): boolean {
  return compareVersions(v, must(issue.introducedIn)) >= 0 && compareVersions(v, must(issue.fixedIn)) < 0;
}

function must(text: string): ClientVersion {
  const v = parseClientVersion(text);
  if (!v) throw new Error(`known-issues table: ${text} is not a version`);
  return v;
}

function display(text: string): string {
  return `v${formatVersion(must(text))}`;
}
