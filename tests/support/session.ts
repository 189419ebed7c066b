import type { Role } from '../../lib/auth/roles';
import { sessionCookieName } from '../../lib/auth/session-token';
import { getDb } from '../../lib/db';
import { openSession } from '../../lib/auth/store/sign-in';
import { createLocalUser } from '../../lib/auth/store/users';

/**
 * A signed-in account of `role` on the process store, as the `cookie` header a browser would send:
 * every route handler checks the session itself (lib/http/route.ts), so tests that call one directly sign in.
 */
export async function signedInCookie(role: Role = 'viewer', username = `test-${role}`): Promise<string> {
  const db = await getDb();
  const now = new Date();
  const user = await createLocalUser(db, {
    username,
    password: `${username}-password-long`,
    role,
    via: 'cli',
    actor: { username: 'test', role: 'admin' },
    now,
  });
  const { token } = await db.transaction((tx) => openSession(tx, user, 'password', now));
  return `${sessionCookieName}=${token}`;
}
