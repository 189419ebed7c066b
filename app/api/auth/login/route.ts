import { NextResponse } from 'next/server';
import { sessionCookieName, sessionCookieOptions } from '@/lib/auth/session-token';
import { signInRequest } from '@/lib/services/auth-api';
import { isHttps } from '@/lib/services/auth-request';
import { readJson, respond } from '@/lib/services/http-respond';

export const dynamic = 'force-dynamic';

export function POST(request: Request): Promise<Response> {
  return respond(async () => {
    const signedIn = await signInRequest(request, await readJson(request));
    const res = NextResponse.json({ user: { username: signedIn.user.username, role: signedIn.user.role } }, { headers: { 'cache-control': 'no-store' } });
    res.cookies.set(sessionCookieName, signedIn.token, sessionCookieOptions(isHttps(request)));
    return res;
  });
}
