import { NextResponse } from 'next/server';
import { beginOidcSignIn, oidcCookiesSecure, oidcTxCookieName } from '@/lib/services/auth-oidc';
import { isHttps } from '@/lib/services/auth-request';
import { respond } from '@/lib/services/http-respond';

export const dynamic = 'force-dynamic';

export function GET(request: Request): Promise<Response> {
  return respond(async () => {
    const { url, tx } = await beginOidcSignIn();
    const res = NextResponse.redirect(url, 303);
    // Lax, not Strict: the identity provider's redirect back is a cross-site navigation.
    res.cookies.set(oidcTxCookieName, tx, { httpOnly: true, sameSite: 'lax', secure: oidcCookiesSecure(isHttps(request)), path: '/api/auth/oidc', maxAge: 600 });
    return res;
  });
}
