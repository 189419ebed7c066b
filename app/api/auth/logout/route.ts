import { NextResponse } from 'next/server';
import { sessionCookieName } from '@/lib/auth/session-token';
import { route, sessionToken } from '@/lib/http/route';
import { signOutSession } from '@/lib/auth/store/api';

export const dynamic = 'force-dynamic';

/** Ends the session the cookie names (public: at most the caller's own; same-origin only). */
export const POST = route({ method: 'POST', path: '/api/auth/logout', permission: 'public' }, async ({ http }) => {
  await signOutSession(sessionToken(http));
  const res = NextResponse.json({ ok: true });
  res.cookies.delete(sessionCookieName);
  return res;
});
