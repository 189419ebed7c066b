import { NextResponse, type NextRequest } from 'next/server';
import { hostAllowed } from './lib/auth/origin-policy';
import { isPublicPath, signInRedirect } from './lib/auth/public-paths';
import { sessionCookieName } from './lib/auth/session-token';
import { userForSession } from './lib/auth/store/session';
import { isHttps } from './lib/http/request-gate';
import { currentOriginPolicy } from './lib/auth/store/origin-policy';
import { getDb } from './lib/db';

// Runs before every request. First the Host: a request for a name that is not this dashboard is
// refused whatever it asks for (DNS rebinding: an attacker's page on its own name resolving to our
// address would otherwise read the fleet with the victim's browser). Then every page and API read
// needs a valid session (viewer or above). Each handler and page checks the session, its role and CSRF
// again where it runs (lib/http/route.ts, lib/http/page.tsx). Signed-out pages go to sign-in and come
// back; API calls get a 401.

/** Build output and the icon: no fleet data, no session needed (the Host check still applies). */
function isStaticAsset(pathname: string): boolean {
  return pathname.startsWith('/_next/static/') || pathname.startsWith('/_next/image') || pathname === '/favicon.ico';
}

/** One year, as browsers' preload lists expect; sent only where the browser is on https (it ignores it on http). */
const hsts = 'max-age=31536000; includeSubDomains';

function withSecurityHeaders(res: NextResponse, request: NextRequest, noStore: boolean): NextResponse {
  if (isHttps(request)) res.headers.set('Strict-Transport-Security', hsts);
  // Fleet data, alerts and audit records must not be kept by the browser or a shared cache after
  // sign-out. (A header set here wins over the handler's, so the event stream, which needs its
  // `no-transform` too, is left to set its own.)
  if (noStore) res.headers.set('Cache-Control', 'no-store');
  return res;
}

export async function proxy(request: NextRequest): Promise<NextResponse> {
  const { pathname, search } = request.nextUrl;
  if (!hostAllowed(currentOriginPolicy(), request.headers.get('host') ?? request.nextUrl.host)) {
    // 421 Misdirected Request (RFC 9110 15.5.20): this server does not answer for that name.
    return NextResponse.json(
      { error: { code: 'forbidden', message: 'this dashboard does not answer to that host name; add it to FNH_PUBLIC_ORIGIN if it is yours' } },
      { status: 421, headers: { 'cache-control': 'no-store' } },
    );
  }
  if (isStaticAsset(pathname)) return withSecurityHeaders(NextResponse.next(), request, false);
  const noStore = pathname.startsWith('/api/') && pathname !== '/api/events';
  if (isPublicPath(pathname)) return withSecurityHeaders(NextResponse.next(), request, noStore);
  const token = request.cookies.get(sessionCookieName)?.value;
  const user = token ? await userForSession(await getDb(), token, new Date()) : undefined;
  if (user) return withSecurityHeaders(NextResponse.next(), request, noStore);
  if (pathname.startsWith('/api/')) {
    return withSecurityHeaders(NextResponse.json({ error: { code: 'unauthorized', message: 'sign in first' } }, { status: 401 }), request, true);
  }
  return withSecurityHeaders(NextResponse.redirect(new URL(signInRedirect(pathname + search), request.url)), request, false);
}

export const config = {
  // Every path, static assets included: the Host check applies to all of them.
  matcher: ['/(.*)'],
};
