// What anyone may reach without a session, each with its reason. Everything else needs at least the
// viewer role: the fleet's topology, addresses and errors are not for anonymous eyes.
export const publicPaths: ReadonlyArray<{ pattern: RegExp; why: string }> = [
  { pattern: /^\/login$/, why: 'the sign-in page' },
  { pattern: /^\/api\/auth\/login$/, why: 'sign-in' },
  { pattern: /^\/api\/auth\/logout$/, why: 'sign-out (ends whatever session the cookie names)' },
  { pattern: /^\/api\/auth\/oidc\/(login|callback)$/, why: 'OpenID Connect sign-in round trip' },
  { pattern: /^\/api\/health$/, why: 'load balancer and start-up probe; says only that the store is open' },
  { pattern: /^\/api\/alerts\/alertmanager$/, why: 'Alertmanager webhook, authenticated by its bearer token' },
  { pattern: /^\/metrics$/, why: 'Prometheus scrape endpoint (aggregates only, no addresses)' },
];

export function isPublicPath(pathname: string): boolean {
  return publicPaths.some((p) => p.pattern.test(pathname));
}

/** Only same-site paths are followed after sign-in (no open redirect through ?next=). */
export function safeNextPath(raw: unknown): string {
  return typeof raw === 'string' && raw.startsWith('/') && !raw.startsWith('//') && !raw.startsWith('/\\') ? raw : '/';
}

/** Where a signed-out visitor of `pathAndQuery` is sent. */
export function signInRedirect(pathAndQuery: string): string {
  return `/login?next=${encodeURIComponent(safeNextPath(pathAndQuery))}`;
}
