// What anyone may reach without a session, each with its reason. Everything else needs at least the
// viewer role: the fleet's topology, addresses and errors are not for anonymous eyes.
export const publicPaths: ReadonlyArray<{ pattern: RegExp; why: string }> = [
  { pattern: /^\/login$/, why: 'the sign-in page' },
  { pattern: /^\/api\/auth\/login$/, why: 'sign-in' },
  { pattern: /^\/api\/auth\/logout$/, why: 'sign-out (ends whatever session the cookie names)' },
  { pattern: /^\/api\/auth\/oidc\/(login|callback)$/, why: 'OpenID Connect sign-in round trip' },
  { pattern: /^\/api\/health$/, why: 'load balancer and start-up probe; says only that the store is open' },
  { pattern: /^\/api\/alerts\/alertmanager$/, why: 'Alertmanager webhook, authenticated by its bearer token' },
  { pattern: /^\/metrics$/, why: 'Prometheus scrape endpoint: aggregates only without FNH_METRICS_TOKEN; per-node and per-peer series need the token' },
];

export function isPublicPath(pathname: string): boolean {
  return publicPaths.some((p) => p.pattern.test(pathname));
}

// Any fixed origin works: only whether the parsed result stays on it matters.
const probeOrigin = 'http://next-path.invalid';

/**
 * Where to go after sign-in: `raw` only if it is a path from the root that the URL parser (the same
 * rules the browser follows: tabs and newlines dropped, "\\" read as "/") resolves to this origin, and
 * then in the parser's own serialization, so the browser goes exactly where this check looked.
 * Anything else is "/" (no open redirect through ?next=).
 */
export function safeNextPath(raw: unknown): string {
  if (typeof raw !== 'string' || !raw.startsWith('/')) return '/';
  let url: URL;
  try {
    url = new URL(raw, probeOrigin);
  } catch {
    return '/';
  }
  return url.origin === probeOrigin ? url.pathname + url.search + url.hash : '/';
}

/** Where a signed-out visitor of `pathAndQuery` is sent. */
export function signInRedirect(pathAndQuery: string): string {
  return `/login?next=${encodeURIComponent(safeNextPath(pathAndQuery))}`;
}
