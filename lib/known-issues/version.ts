// Client versions as doublezerod reports them (`version: 0.8.1`, or `dev` for a local build:
// client/doublezerod/cmd/doublezerod/main.go) compared by semver precedence. A local comparator until
// the shared version helpers land in lib/doublezerod/; then this file goes.

export interface ClientVersion {
  major: number;
  minor: number;
  patch: number;
  /** dot-separated pre-release identifiers (`0.8.1-rc.1` → ['rc', '1']); empty for a release */
  pre: string[];
}

const SEMVER = /^v?(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z.-]+)?$/;

/** null for anything that is not MAJOR.MINOR.PATCH[-pre][+build] (e.g. `dev`): such a version is unknown. */
export function parseClientVersion(text: string): ClientVersion | null {
  const m = SEMVER.exec(text.trim());
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre: m[4] ? m[4].split('.') : [] };
}

/** Negative when a < b, 0 when equal in precedence, positive when a > b. */
export function compareClientVersions(a: ClientVersion, b: ClientVersion): number {
  const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (core !== 0) return core;
  // A pre-release comes before its release.
  if (a.pre.length === 0 || b.pre.length === 0) return b.pre.length - a.pre.length;
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const d = comparePreIdentifier(a.pre[i]!, b.pre[i]!);
    if (d !== 0) return d;
  }
  return a.pre.length - b.pre.length;
}

function comparePreIdentifier(x: string, y: string): number {
  const xn = /^\d+$/.test(x);
  const yn = /^\d+$/.test(y);
  if (xn && yn) return Number(x) - Number(y);
  if (xn !== yn) return xn ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function formatClientVersion(v: ClientVersion): string {
  return `v${v.major}.${v.minor}.${v.patch}${v.pre.length ? `-${v.pre.join('.')}` : ''}`;
}
