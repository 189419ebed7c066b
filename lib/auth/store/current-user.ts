import 'server-only';
import { getDb } from '../../db';
import { userForSession } from './session';
import type { UserRow } from './users';

/** For server components: the user of a session cookie value (from next/headers cookies()). */
export async function currentUser(token: string | undefined): Promise<UserRow | undefined> {
  return userForSession(await getDb(), token, new Date());
}
