import { NextResponse } from 'next/server';
import { z } from 'zod';
import { oidcRefusalPage } from '@/lib/auth/oidc-refusal-page';
import { sessionCookieName, sessionCookieOptions } from '@/lib/auth/session-token';
import { completeOidcSignIn, oidcCookiesSecure, oidcTxCookieName } from '@/lib/services/auth-oidc';
import { isHttps, readCookie } from '@/lib/services/auth-request';
import { respond } from '@/lib/services/http-respond';

export const dynamic = 'force-dynamic';

const errorBody = z.object({ error: z.object({ message: z.string() }) });

export async function GET(request: Request): Promise<Response> {
  const res = await respond(async () => {
    const signedIn = await completeOidcSignIn(new URL(request.url), readCookie(request, oidcTxCookieName), new Date());
    // A page that navigates on its own: a SameSite=Strict cookie is not sent on the rest of a redirect
    // chain that started at the identity provider, so a plain 302 to / would look signed out.
    const ok = new NextResponse('<!doctype html><meta http-equiv="refresh" content="0;url=/"><a href="/">Continue</a>', {
      headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
    });
    ok.cookies.set(sessionCookieName, signedIn.token, sessionCookieOptions(oidcCookiesSecure(isHttps(request))));
    ok.cookies.delete({ name: oidcTxCookieName, path: '/api/auth/oidc' });
    return ok;
  });
  if (res.ok) return res;
  // The browser arrived from the identity provider: the reason as a page, and the transaction is spent
  // either way (a refused callback cannot be retried with the same state and verifier).
  const parsed = errorBody.safeParse(await res.json());
  const refused = new NextResponse(oidcRefusalPage(parsed.success ? parsed.data.error.message : 'sign-in failed'), {
    status: res.status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  });
  refused.cookies.delete({ name: oidcTxCookieName, path: '/api/auth/oidc' });
  return refused;
}
