// OpenSSH-style host patterns (`*` any run, `?` one character), used by ssh_config Host lines
// and known_hosts host fields. Case-insensitive, like OpenSSH's match_pattern on host names.
export function matchHostGlob(pattern: string, value: string): boolean {
  const p = pattern.toLowerCase();
  const v = value.toLowerCase();
  // Iterative wildcard match with backtracking to the last `*`: linear enough for host names.
  let pi = 0;
  let vi = 0;
  let starP = -1;
  let starV = 0;
  while (vi < v.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === v[vi])) {
      pi++;
      vi++;
    } else if (pi < p.length && p[pi] === '*') {
      starP = pi++;
      starV = vi;
    } else if (starP >= 0) {
      pi = starP + 1;
      vi = ++starV;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}

export function isWildcardPattern(pattern: string): boolean {
  return /[*?!]/.test(pattern);
}

/**
 * A comma- or space-separated pattern list with `!negation`: matches when some positive pattern
 * matches and no negated one does (OpenSSH match_pattern_list semantics).
 */
export function matchPatternList(patterns: readonly string[], value: string): boolean {
  let matched = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    if (!matchHostGlob(pattern, value)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}
