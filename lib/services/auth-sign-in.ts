import 'server-only';
import { loginInputSchema } from '../auth/credentials';
import { hashSessionToken, newSessionToken, sessionTtlMs } from '../auth/session-token';
import type { Db, Queryable } from '../db';
import { AppError } from '../errors';
import { appendAudit } from './audit-append';
import { verifyPassword } from './auth-password';
import { userColumns, type UserRow } from './auth-users';

/** Five wrong passwords per account per 15 minutes, then the account waits (per name, so also for unknown names). */
export const maxFailuresPerWindow = 5;
export const failureWindowMs = 15 * 60 * 1000;

export interface SignedIn {
  user: UserRow;
  token: string;
  expiresAt: Date;
}

export async function signInWithPassword(db: Db, rawInput: unknown, now: Date): Promise<SignedIn> {
  const input = loginInputSchema.safeParse(rawInput);
  if (!input.success) throw new AppError('bad_request', 'username and password are required');
  const username = input.data.username.toLowerCase();

  const failures = await db.query<{ n: number }>('select count(*)::int as n from login_failures where username = $1 and at > $2', [
    username,
    new Date(now.getTime() - failureWindowMs),
  ]);
  if ((failures.rows[0]?.n ?? 0) >= maxFailuresPerWindow) throw new AppError('rate_limited', 'too many failed sign-ins; try again later');

  const found = await db.query<UserRow & { password_hash: string | null }>(`select ${userColumns}, password_hash from users where username = $1`, [username]);
  const row = found.rows[0];
  const ok = await verifyPassword(row && row.source === 'local' && !row.disabled ? row.password_hash : null, input.data.password);
  if (!row || !ok) {
    await db.transaction(async (tx) => {
      await tx.query('insert into login_failures (username, at) values ($1, $2)', [username, now]);
      await appendAudit(tx, { at: now, actor: { username, role: 'system' }, node: null, entry: { type: 'user.sign-in-failed', username, why: 'wrong username or password' } });
    });
    throw new AppError('unauthorized', 'wrong username or password');
  }
  const { password_hash: _secret, ...user } = row;
  return db.transaction((tx) => openSession(tx, user, 'password', now));
}

/** Creates a session row (token hash only) and audits the sign-in in the same transaction. */
export async function openSession(tx: Queryable, user: UserRow, method: 'password' | 'oidc', now: Date): Promise<SignedIn> {
  const token = newSessionToken();
  const expiresAt = new Date(now.getTime() + sessionTtlMs);
  await tx.query('insert into sessions (token_hash, user_id, created_at, expires_at) values ($1, $2, $3, $4)', [hashSessionToken(token), user.id, now, expiresAt]);
  await appendAudit(tx, { at: now, actor: { username: user.username, role: user.role }, node: null, entry: { type: 'user.signed-in', username: user.username, method } });
  return { user, token, expiresAt };
}
