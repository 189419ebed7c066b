import 'server-only';
import { csrfRefusal } from '../auth/csrf';
import { hostAllowed, originAllowed } from '../auth/origin-policy';
import { can, permissions, type Permission } from '../auth/permissions';
import { sessionCookieName } from '../auth/session-token';
import { getDb } from '../db';
import { AppError } from '../errors';
import { userForSession } from '../auth/store/session';
import { currentOriginPolicy } from '../auth/store/origin-policy';
import type { UserRow } from '../auth/store/users';

// The gate in front of every route handler (lib/http/route.ts runs it): the Host, CSRF on mutations
// (before touching the session), then the session, then the role. Pages and buttons hide what a role
// cannot do, but only this decides. The only code that reads a Request's cookies and headers for access.

export function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.get('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export function isHttps(request: Request): boolean {
  return new URL(request.url).protocol === 'https:' || (process.env.FNH_PUBLIC_ORIGIN ?? '').startsWith('https:');
}

/** Refuses a request for a Host that is not this dashboard. Never derived from the request: its Host is the sender's choice. */
function checkHost(request: Request): void {
  // proxy.ts refuses unknown Hosts first; checked again here because this is what each handler relies on.
  if (!hostAllowed(currentOriginPolicy(), request.headers.get('host') ?? new URL(request.url).host)) {
    throw new AppError('forbidden', 'request refused: its Host is not this dashboard');
  }
}

/** Refuses a request for a Host that is not this dashboard, and a mutation from anywhere else. */
export function checkCsrf(request: Request): void {
  checkHost(request);
  const refusal = csrfRefusal({
    method: request.method,
    isOwnOrigin: (origin) => originAllowed(currentOriginPolicy(), origin),
    origin: request.headers.get('origin'),
    secFetchSite: request.headers.get('sec-fetch-site'),
  });
  if (refusal) throw new AppError('forbidden', refusal);
}

/** CSRF, then the session cookie, then the role: the signed-in user allowed `permission`, or an AppError (401/403). */
export async function authorize(request: Request, permission: Permission, now = new Date()): Promise<UserRow> {
  checkCsrf(request);
  const user = await userForSession(await getDb(), readCookie(request, sessionCookieName), now);
  if (!user) throw new AppError('unauthorized', 'sign in first');
  if (!can(user.role, permission)) throw new AppError('forbidden', `this needs the ${permissions[permission]} role; you are ${user.role}`);
  return user;
}
