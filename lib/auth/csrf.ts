// CSRF defence for every mutating request, checked on the server before anything else:
// the browser's Sec-Fetch-Site must say same-origin, or (older browsers, CLIs that send it) the Origin
// header must equal the server's own origin. A request with neither is refused: SameSite=Strict cookies
// are the second layer, not the only one.
export interface CsrfInput {
  method: string;
  /** the server's own origins, e.g. http://127.0.0.1:3100 (configured public origin, or as the request was addressed) */
  selfOrigins: readonly string[];
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
    return input.selfOrigins.includes(input.origin) ? undefined : 'cross-origin request refused (Origin mismatch)';
  }
  if (input.secFetchSite === 'same-origin') return undefined;
  return 'request refused: neither Origin nor Sec-Fetch-Site is present';
}
