import type { BuildInfo } from '../../lib/doublezerod';

// What the release binaries of the lab's (and the fixtures') client versions report as build info (goreleaser's ShortCommit and
// Date, printed by `doublezerod -version` and exported as doublezero_build_info): the tag's commit in the
// upstream repository (git rev-parse --short=7 client/vX.Y.Z; its commit date, UTC). A version not listed
// reports the values of a local `go build`: commit "none", date "unknown" (cmd/doublezerod/main.go defaults).
const RELEASES: Record<string, { commit: string; date: string }> = {
  '0.7.0': { commit: 'fc274e2', date: '2025-11-14T18:24:49Z' },
  '0.7.1': { commit: '624f526', date: '2025-11-18T17:08:34Z' },
  '0.8.0': { commit: '17a2f01', date: '2025-12-02T19:07:10Z' },
  '0.8.1': { commit: '7b9d702', date: '2026-01-12T18:48:11Z' },
  '0.8.3': { commit: '1660885', date: '2026-01-22T18:44:34Z' },
  '0.8.5': { commit: '3468bae', date: '2026-02-02T17:54:04Z' },
  '0.10.0': { commit: 'b20774e', date: '2026-03-04T19:25:29Z' },
};

export function buildInfoFor(version: string): BuildInfo {
  const release = RELEASES[version];
  return { version, commit: release?.commit ?? 'none', date: release?.date ?? 'unknown' };
}
