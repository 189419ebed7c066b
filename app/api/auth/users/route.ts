import { json } from '@/lib/http/json';
import { route } from '@/lib/http/route';
import { createUser, createUserSchema, listAccounts, userInputRefusals } from '@/lib/auth/store/api';

export const dynamic = 'force-dynamic';

/** Admins list accounts. */
export const GET = route({ method: 'GET', path: '/api/auth/users', permission: 'user.manage' }, async () => ({
  users: (await listAccounts()).map(({ username, role, source, disabled }) => ({ username, role, source, disabled })),
}));

/** Admins create local accounts: { username, password, role }. */
export const POST = route(
  { method: 'POST', path: '/api/auth/users', permission: 'user.manage', body: { schema: createUserSchema, invalid: userInputRefusals.create } },
  async ({ user, body }) => {
    const created = await createUser(user, body);
    return json({ user: { username: created.username, role: created.role } }, { status: 201 });
  },
);
