import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const sessionCookieName = 'fnh_session';
/** Sessions last 12 hours: one NOC shift. */
export const sessionTtlMs = 12 * 60 * 60 * 1000;

const tokenPattern = /^[A-Za-z0-9_-]{43}$/;

/** 256 random bits, base64url. Only its hash is stored, so a leaked database does not leak sessions. */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function isWellFormedSessionToken(token: string): boolean {
  return tokenPattern.test(token);
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface CookieOptions {
  httpOnly: true;
  sameSite: 'strict';
  secure: boolean;
  path: '/';
  maxAge: number;
}

/** Secure only over https: a plain-http lab or e2e server would otherwise never get the cookie back. */
export function sessionCookieOptions(isHttps: boolean): CookieOptions {
  return { httpOnly: true, sameSite: 'strict', secure: isHttps, path: '/', maxAge: Math.floor(sessionTtlMs / 1000) };
}
