import 'server-only';
import { can, type Permission } from '../auth/permissions';
import { currentUser } from './auth-current-user';
import type { UserRow } from './auth-users';

export type PageAccess = { kind: 'ok'; user: UserRow } | { kind: 'sign-in' } | { kind: 'forbidden'; user: UserRow };

/** For server-rendered pages: the signed-in user if allowed (the page redirects or explains otherwise). */
export async function pageAccess(sessionToken: string | undefined, permission: Permission): Promise<PageAccess> {
  const user = await currentUser(sessionToken);
  if (!user) return { kind: 'sign-in' };
  return can(user.role, permission) ? { kind: 'ok', user } : { kind: 'forbidden', user };
}
