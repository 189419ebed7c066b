import { NextResponse, type NextRequest } from 'next/server';
import { isPublicPath, signInRedirect } from './lib/auth/public-paths';
import { sessionCookieName } from './lib/auth/session-token';
import { userForSession } from './lib/services/auth-session';
import { getDb } from './lib/db';

// Every page and API read needs a valid session (viewer or above); mutations check their own role
// and CSRF in their handlers (lib/services/auth-request.ts). Signed-out pages go to sign-in and come
// back; signed-out API calls get a 401.
export async function proxy(request: NextRequest): Promise<NextResponse> {
  const { pathname, search } = request.nextUrl;
  if (isPublicPath(pathname)) return NextResponse.next();
  const token = request.cookies.get(sessionCookieName)?.value;
  const user = token ? await userForSession(await getDb(), token, new Date()) : undefined;
  if (user) return NextResponse.next();
  if (pathname.startsWith('/api/')) {
    return NextResponse.json({ error: { code: 'unauthorized', message: 'sign in first' } }, { status: 401 });
  }
  return NextResponse.redirect(new URL(signInRedirect(pathname + search), request.url));
}

export const config = {
  // Static assets carry no fleet data.
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
