import { describe, expect, it } from 'vitest';
import { findAction } from '../remediation/catalog';
import { knownIssuesFor } from './match';
import { knownIssueMatchSchema } from './schema';
import { knownIssues } from './table';
import { compareVersions, LIVENESS_SINCE, parseClientVersion, WITHDRAW_ON_DISCONNECT_SINCE } from '../doublezerod/version';

const stale = ['stale-local-ip'];
const ids = (version: string | null, findings: readonly string[] = stale) => knownIssuesFor({ version, findings }).map((m) => `${m.id}:${m.match}`);

describe('knownIssuesFor: upstream issue 2320 (fixed by PR 2380 in client v0.8.1)', () => {
  it.each([
    // below the first version with route liveness: the bug cannot be there
    ['0.6.10', []],
    ['0.6.11', ['doublezero-2320:affected']],
    ['0.7.0', ['doublezero-2320:affected']],
    ['0.7.1', ['doublezero-2320:affected']],
    ['0.8.0', ['doublezero-2320:affected']],
    ['v0.8.0', ['doublezero-2320:affected']],
    ['version: 0.8.0', ['doublezero-2320:affected']],
    ['0.8.1', []],
    // a build suffix is ignored, as upstream's ParseClientVersion does
    ['0.8.1-dev', []],
    ['0.8.2', []],
    ['0.10.0', []],
    ['1.0.0', []],
  ])('version %s with a stale local IP → %j', (version, want) => {
    expect(ids(version)).toEqual(want);
  });

  it('with no usable version the finding still points at it, marked as version-unknown', () => {
    expect(ids(null)).toEqual(['doublezero-2320:version-unknown']);
    // a local build reports `dev` (cmd/doublezerod/main.go default)
    expect(ids('dev')).toEqual(['doublezero-2320:version-unknown']);
  });

  it('an unrelated finding, or none, matches nothing, whatever the version', () => {
    expect(ids('0.8.0', ['tunnel'])).toEqual([]);
    expect(ids('0.8.0', ['daemon-not-running', 'tunnel'])).toEqual([]);
    expect(ids('0.8.0', [])).toEqual([]);
    expect(ids(null, [])).toEqual([]);
  });

  it('carries what the node page shows: range, fix, durable and immediate remedy, upstream links', () => {
    const [m] = knownIssuesFor({ version: '0.8.0', findings: ['tunnel', 'stale-local-ip'] });
    expect(m).toEqual({
      id: 'doublezero-2320',
      title: 'Liveness sessions of a vanished allocated IP are not withdrawn on disconnect',
      match: 'affected',
      nodeVersion: '0.8.0',
      affects: 'v0.6.11 – v0.8.0',
      fixedIn: 'v0.8.1',
      condition: 'route liveness enabled',
      explains: ['stale-local-ip'],
      upstream: { issue: 'https://github.com/malbeclabs/doublezero/issues/2320', fix: 'https://github.com/malbeclabs/doublezero/pull/2380' },
      durableFix: 'upgrade the doublezero client to v0.8.1 or later',
      immediate: { action: 'restart-doublezerod', title: 'Restart doublezerod', why: expect.stringContaining('restart') },
    });
    expect(knownIssueMatchSchema.parse(m)).toEqual(m);
  });
});

describe('the known-issues table', () => {
  it('issue 2320 agrees with the shared daemon model: from route liveness to the PR 2380 fix', () => {
    const issue = knownIssues.find((i) => i.id === 'doublezero-2320')!;
    expect(parseClientVersion(issue.introducedIn)).toEqual(LIVENESS_SINCE);
    expect(parseClientVersion(issue.fixedIn)).toEqual(WITHDRAW_ON_DISCONNECT_SINCE);
  });

  it.each(knownIssues.map((i) => [i.id, i] as const))('%s is consistent: versions parse and order, the action exists and fits the finding', (_id, issue) => {
    const [intro, last, fixed] = [issue.introducedIn, issue.lastAffected, issue.fixedIn].map((v) => parseClientVersion(v));
    expect(intro && last && fixed).toBeTruthy();
    expect(compareVersions(intro!, last!)).toBeLessThanOrEqual(0);
    expect(compareVersions(last!, fixed!)).toBeLessThan(0);
    const action = findAction(issue.immediateAction);
    expect(action).toBeDefined();
    // the immediate fix is offered for the verdict the explained finding gives its peers
    if (issue.explains.includes('stale-local-ip')) expect(action!.fitsVerdicts).toContain('stale-session');
    expect(new Set(knownIssues.map((i) => i.id)).size).toBe(knownIssues.length);
  });
});
