import type { ActionId } from '../remediation/catalog';

// Upstream doublezero client bugs we can recognise on a node: a version range plus the node-level
// finding the bug produces. Each entry is checked against upstream (malbeclabs/doublezero): the issue,
// the fixing PR, and the first client tag that contains the fix (`git tag --contains <commit>`).
// Versions are compared by lib/doublezerod/version.ts (like upstream's own ParseClientVersion, a suffix
// such as `-dev` is ignored: `0.8.1-dev` counts as 0.8.1).

export interface KnownIssue {
  id: string;
  title: string;
  /** the first client version with the bug (the feature it lives in shipped there) */
  introducedIn: string;
  /** the last released version with the bug, for display (the tag before `fixedIn`) */
  lastAffected: string;
  /** the first client version without it */
  fixedIn: string;
  /** only when this holds on the node as well, e.g. a feature flag */
  condition: string | null;
  upstream: { issue: string; fix: string };
  /** node-level finding kinds (lib/diagnosis NodeFinding['kind']) this bug explains */
  explains: readonly string[];
  /** the lasting fix */
  durableFix: string;
  /** what clears it now, from the action catalog */
  immediateAction: ActionId;
  /** why that action helps */
  immediateWhy: string;
}

export const knownIssues: readonly KnownIssue[] = [
  {
    id: 'doublezero-2320',
    title: 'Liveness sessions of a vanished allocated IP are not withdrawn on disconnect',
    // Route liveness first shipped in client v0.6.11 (client/doublezerod/internal/liveness, PR 2092).
    introducedIn: '0.6.11',
    lastAffected: '0.8.0',
    // PR 2380, commit 2983774c3: first in tag client/v0.8.1.
    fixedIn: '0.8.1',
    condition: 'route liveness enabled',
    upstream: { issue: 'https://github.com/malbeclabs/doublezero/issues/2320', fix: 'https://github.com/malbeclabs/doublezero/pull/2380' },
    explains: ['stale-local-ip'],
    durableFix: 'upgrade the doublezero client to v0.8.1 or later',
    immediateAction: 'restart-doublezerod',
    immediateWhy: 'a daemon restart re-creates the liveness sessions from the addresses the node has now, on any version',
  },
];
