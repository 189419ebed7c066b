import { NextResponse } from 'next/server';
import { route } from '@/lib/http/route';
import { beginOidcSignIn, oidcCookiesSecure, oidcTxCookieName } from '@/lib/auth/store/oidc';

export const dynamic = 'force-dynamic';

export const GET = route({ method: 'GET', path: '/api/auth/oidc/login', permission: 'public' }, async ({ http }) => {
  const { url, tx } = await beginOidcSignIn();
  const res = NextResponse.redirect(url, 303);
  // Lax, not Strict: the identity provider's redirect back is a cross-site navigation.
  res.cookies.set(oidcTxCookieName, tx, { httpOnly: true, sameSite: 'lax', secure: oidcCookiesSecure(http.https), path: '/api/auth/oidc', maxAge: 600 });
  return res;
});
