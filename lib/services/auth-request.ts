import 'server-only';
import { csrfRefusal } from '../auth/csrf';
import { can, permissions, type Permission } from '../auth/permissions';
import { sessionCookieName } from '../auth/session-token';
import { getDb } from '../db';
import { AppError } from '../errors';
import { userForSession } from './auth-session';
import type { UserRow } from './auth-users';

// The server-side gate of every route handler: CSRF first (before touching the session), then the
// session, then the role. Pages and buttons hide what a role cannot do, but only this decides.

export function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.get('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** The origins this server answers as: FNH_PUBLIC_ORIGIN (comma-separated) or the address the request used. */
export function selfOrigins(request: Request): string[] {
  const configured = process.env.FNH_PUBLIC_ORIGIN;
  if (configured) return configured.split(',').map((s) => s.trim().replace(/\/$/, ''));
  const url = new URL(request.url);
  const host = request.headers.get('host');
  const proto = url.protocol.replace(':', '');
  return [url.origin, ...(host ? [`${proto}://${host}`] : [])];
}

/** The origin links handed to others (alert triage URLs) start with: FNH_PUBLIC_ORIGIN's first, else the Host the request came to. */
export function publicOrigin(request: Request): string {
  const configured = process.env.FNH_PUBLIC_ORIGIN;
  if (configured) return configured.split(',')[0]!.trim().replace(/\/$/, '');
  const url = new URL(request.url);
  const host = request.headers.get('host');
  return host ? `${url.protocol}//${host}` : url.origin;
}

export function isHttps(request: Request): boolean {
  return new URL(request.url).protocol === 'https:' || (process.env.FNH_PUBLIC_ORIGIN ?? '').startsWith('https:');
}

export function checkCsrf(request: Request): void {
  const refusal = csrfRefusal({
    method: request.method,
    selfOrigins: selfOrigins(request),
    origin: request.headers.get('origin'),
    secFetchSite: request.headers.get('sec-fetch-site'),
  });
  if (refusal) throw new AppError('forbidden', refusal);
}

export async function authorize(request: Request, permission: Permission, now = new Date()): Promise<UserRow> {
  checkCsrf(request);
  const user = await userForSession(await getDb(), readCookie(request, sessionCookieName), now);
  if (!user) throw new AppError('unauthorized', 'sign in first');
  if (!can(user.role, permission)) throw new AppError('forbidden', `this needs the ${permissions[permission]} role; you are ${user.role}`);
  return user;
}
