// CSRF defence for every mutating request, checked on the server before anything else:
// the browser's Sec-Fetch-Site must say same-origin, or (older browsers, CLIs that send it) the Origin
// header must be one of the server's own origins. A request with neither is refused: SameSite=Strict
// cookies are the second layer, not the only one. "Our origins" never come from the request itself
// (its Host header is the sender's choice): see lib/auth/origin-policy.ts.
export interface CsrfInput {
  method: string;
  /** whether an Origin header value is one of this server's configured or listening origins */
  isOwnOrigin: (origin: string) => boolean;
  origin: string | null;
  secFetchSite: string | null;
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isMutatingMethod(method: string): boolean {
  return !safeMethods.has(method.toUpperCase());
}

/** Returns why the request is refused, or undefined when it may proceed. */
export function csrfRefusal(input: CsrfInput): string | undefined {
  if (!isMutatingMethod(input.method)) return undefined;
  if (input.secFetchSite !== null && input.secFetchSite !== 'same-origin') {
    return `cross-site request refused (Sec-Fetch-Site: ${input.secFetchSite})`;
  }
  if (input.origin !== null) {
    return input.isOwnOrigin(input.origin) ? undefined : 'cross-origin request refused (Origin is not this dashboard)';
  }
  if (input.secFetchSite === 'same-origin') return undefined;
  return 'request refused: neither Origin nor Sec-Fetch-Site is present';
}
