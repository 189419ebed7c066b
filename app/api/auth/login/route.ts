import { NextResponse } from 'next/server';
import { loginInputSchema } from '@/lib/auth/credentials';
import { sessionCookieName, sessionCookieOptions } from '@/lib/auth/session-token';
import { route } from '@/lib/http/route';
import { signIn, userInputRefusals } from '@/lib/auth/store/api';

export const dynamic = 'force-dynamic';

// Public, and still same-origin only: signing in is a mutation (login CSRF).
export const POST = route(
  { method: 'POST', path: '/api/auth/login', permission: 'public', body: { schema: loginInputSchema, invalid: userInputRefusals.login } },
  async ({ body, http }) => {
    const signedIn = await signIn(body, http.clientAddress());
    const res = NextResponse.json({ user: { username: signedIn.user.username, role: signedIn.user.role } });
    res.cookies.set(sessionCookieName, signedIn.token, sessionCookieOptions(http.https));
    return res;
  },
);
