import { NextResponse } from 'next/server';
import { sessionCookieName, sessionCookieOptions } from '@/lib/auth/session-token';
import { completeOidcSignIn, oidcTxCookieName } from '@/lib/services/auth-oidc';
import { isHttps, readCookie } from '@/lib/services/auth-request';
import { respond } from '@/lib/services/http-respond';

export const dynamic = 'force-dynamic';

export function GET(request: Request): Promise<Response> {
  return respond(async () => {
    const signedIn = await completeOidcSignIn(new URL(request.url), readCookie(request, oidcTxCookieName), new Date());
    // A page that navigates on its own: a SameSite=Strict cookie is not sent on the rest of a redirect
    // chain that started at the identity provider, so a plain 302 to / would look signed out.
    const res = new NextResponse('<!doctype html><meta http-equiv="refresh" content="0;url=/"><a href="/">Continue</a>', {
      headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
    });
    res.cookies.set(sessionCookieName, signedIn.token, sessionCookieOptions(isHttps(request)));
    res.cookies.delete(oidcTxCookieName);
    return res;
  });
}
