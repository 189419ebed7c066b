import 'server-only';
import { throttleSource } from '../client-address';
import { loginInputSchema } from '../credentials';
import { hashSessionToken, newSessionToken, sessionTtlMs } from '../session-token';
import { signInLimits } from '../sign-in-limits';
import type { Db, Queryable } from '../../db';
import { AppError } from '../../errors';
import { appendAudit } from '../../audit/store/append';
import { verifyPassword } from './password';
import {
  clearBucket,
  closeFinishedWindows,
  countUnknownUserFailure,
  isKnownSource,
  justReachedLimit,
  overLimit,
  releaseAttempt,
  rememberSource,
  reserveAttempt,
  windowEnd,
  type Reservation,
} from './sign-in-throttle';
import { userColumns, type UserRow } from './users';

/** Wrong passwords per account from one address per window (the limits: lib/auth/sign-in-limits.ts). */
export const maxFailuresPerWindow = signInLimits.perAccountAndSource;

export interface SignedIn {
  user: UserRow;
  token: string;
  expiresAt: Date;
}

const refusalText: Record<Reservation['scope'], string> = {
  source: 'too many failed sign-ins from your address',
  'account-and-source': 'too many failed sign-ins for this account from your address',
  'account-from-new-sources': 'too many failed sign-ins for this account from new addresses; an address you signed in from before still works',
};

/**
 * Checks a password within the limits of lib/auth/sign-in-limits.ts. `clientAddress` is the request's
 * source (lib/http/client-address.ts). Each attempt is counted before its password is checked,
 * by source, by account and source, and (for addresses the account never signed in from) by account.
 */
export async function signInWithPassword(db: Db, rawInput: unknown, now: Date, clientAddress: string): Promise<SignedIn> {
  const input = loginInputSchema.safeParse(rawInput);
  if (!input.success) throw new AppError('bad_request', 'username and password are required');
  const username = input.data.username.toLowerCase();
  const source = throttleSource(clientAddress);
  if (!source) throw new AppError('internal', 'the client address of this request is unreadable');

  await closeFinishedWindows(db, now);
  const found = await db.query<UserRow & { password_hash: string | null }>(`select ${userColumns}, password_hash from users where username = $1`, [username]);
  const row = found.rows[0];

  // The same limits apply whether the account exists or not, so they do not tell which accounts exist.
  const held: Reservation[] = [];
  const take = async (scope: Reservation['scope']): Promise<void> => {
    const r = await reserveAttempt(db, scope, username, source, now);
    if (!overLimit(r)) {
      held.push(r);
      return;
    }
    if (justReachedLimit(r) && (scope === 'source' || row)) {
      await db.transaction((tx) =>
        appendAudit(tx, {
          at: now,
          actor: { username: 'system', role: 'system' },
          node: null,
          entry: { type: 'user.sign-in-throttled', scope, source, username: scope === 'source' ? null : username, until: windowEnd(r).toISOString() },
        }),
      );
    }
    const minutes = Math.max(1, Math.ceil((windowEnd(r).getTime() - now.getTime()) / 60_000));
    throw new AppError('rate_limited', `${refusalText[scope]}; try again in ${minutes} min`);
  };
  await take('source');
  await take('account-and-source');
  if (!(await isKnownSource(db, username, source, now))) await take('account-from-new-sources');

  const ok = await verifyPassword(row && row.source === 'local' && !row.disabled ? row.password_hash : null, input.data.password);
  if (!row || !ok) {
    await db.transaction(async (tx) => {
      // A name that does not exist is only counted: invented names never reach the append-only log.
      if (!row) await countUnknownUserFailure(tx, source, now);
      else
        await appendAudit(tx, {
          at: now,
          actor: { username, role: 'system' },
          node: null,
          entry: { type: 'user.sign-in-failed', username, why: 'wrong username or password', source },
        });
    });
    throw new AppError('unauthorized', 'wrong username or password');
  }

  for (const r of held) {
    if (r.scope === 'account-and-source') await clearBucket(db, r);
    else await releaseAttempt(db, r);
  }
  const { password_hash: _secret, ...user } = row;
  return db.transaction(async (tx) => {
    await rememberSource(tx, username, source, now);
    return openSession(tx, user, 'password', now, source);
  });
}

/** Creates a session row (token hash only) and audits the sign-in in the same transaction. */
export async function openSession(tx: Queryable, user: UserRow, method: 'password' | 'oidc', now: Date, source?: string): Promise<SignedIn> {
  const token = newSessionToken();
  const expiresAt = new Date(now.getTime() + sessionTtlMs);
  await tx.query('insert into sessions (token_hash, user_id, created_at, expires_at) values ($1, $2, $3, $4)', [
    hashSessionToken(token),
    user.id,
    now,
    expiresAt,
  ]);
  await appendAudit(tx, {
    at: now,
    actor: { username: user.username, role: user.role },
    node: null,
    entry: { type: 'user.signed-in', username: user.username, method, ...(source === undefined ? {} : { source }) },
  });
  return { user, token, expiresAt };
}
