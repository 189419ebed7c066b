import { NextResponse } from 'next/server';
import { oidcRefusalPage } from '@/lib/auth/oidc-refusal-page';
import { sessionCookieName, sessionCookieOptions } from '@/lib/auth/session-token';
import { route } from '@/lib/http/route';
import { completeOidcSignIn, oidcCookiesSecure, oidcTxCookieName } from '@/lib/auth/store/oidc';

export const dynamic = 'force-dynamic';

const page = (html: string, status = 200) =>
  new NextResponse(html, { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } });

export const GET = route(
  {
    method: 'GET',
    path: '/api/auth/oidc/callback',
    permission: 'public',
    // The browser arrived from the identity provider: the reason as a page, and the transaction is spent
    // either way (a refused callback cannot be retried with the same state and verifier).
    renderError: ({ status, body }) => {
      const refused = page(oidcRefusalPage(body.error.message), status);
      refused.cookies.delete({ name: oidcTxCookieName, path: '/api/auth/oidc' });
      return refused;
    },
  },
  async ({ http }) => {
    const signedIn = await completeOidcSignIn(http.url, http.cookie(oidcTxCookieName), new Date());
    // A page that navigates on its own: a SameSite=Strict cookie is not sent on the rest of a redirect
    // chain that started at the identity provider, so a plain 302 to / would look signed out.
    const ok = page('<!doctype html><meta http-equiv="refresh" content="0;url=/"><a href="/">Continue</a>');
    ok.cookies.set(sessionCookieName, signedIn.token, sessionCookieOptions(oidcCookiesSecure(http.https)));
    ok.cookies.delete({ name: oidcTxCookieName, path: '/api/auth/oidc' });
    return ok;
  },
);
