import { NextResponse } from 'next/server';
import { sessionCookieName } from '@/lib/auth/session-token';
import { signOutRequest } from '@/lib/services/auth-api';
import { respond } from '@/lib/services/http-respond';

export const dynamic = 'force-dynamic';

export function POST(request: Request): Promise<Response> {
  return respond(async () => {
    await signOutRequest(request);
    const res = NextResponse.json({ ok: true });
    res.cookies.delete(sessionCookieName);
    return res;
  });
}
