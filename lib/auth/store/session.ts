import 'server-only';
import { hashSessionToken, isWellFormedSessionToken } from '../session-token';
import type { Queryable } from '../../db';
import type { UserRow } from './users';

/** The signed-in user for a session token, or undefined (unknown, expired, or the user was disabled). */
export async function userForSession(db: Queryable, token: string | undefined, now: Date): Promise<UserRow | undefined> {
  if (!token || !isWellFormedSessionToken(token)) return undefined;
  const r = await db.query<UserRow>(
    `select u.id, u.username, u.role, u.source, u.disabled from sessions s join users u on u.id = s.user_id
     where s.token_hash = $1 and s.expires_at > $2 and not u.disabled`,
    [hashSessionToken(token), now],
  );
  return r.rows[0];
}

export async function signOut(db: Queryable, token: string | undefined): Promise<void> {
  if (!token || !isWellFormedSessionToken(token)) return;
  await db.query('delete from sessions where token_hash = $1', [hashSessionToken(token)]);
}
