import { route } from '@/lib/http/route';
import { removeUser, updateUser, updateUserSchema, userInputRefusals, usernameParamsSchema } from '@/lib/auth/store/api';

export const dynamic = 'force-dynamic';

const params = { schema: usernameParamsSchema, invalid: userInputRefusals.noSuchUser };

/** Admins disable/enable an account or change its role: { disabled?, role? }. Ends its sessions. */
export const PATCH = route(
  {
    method: 'PATCH',
    path: '/api/auth/users/[username]',
    permission: 'user.manage',
    params,
    body: { schema: updateUserSchema, invalid: userInputRefusals.update },
  },
  async ({ user, params, body }) => {
    const changed = await updateUser(user, params.username, body);
    return { user: { username: changed.username, role: changed.role, source: changed.source, disabled: changed.disabled } };
  },
);

/** Admins delete a local account. Ends its sessions. */
export const DELETE = route({ method: 'DELETE', path: '/api/auth/users/[username]', permission: 'user.manage', params }, async ({ user, params }) => {
  await removeUser(user, params.username);
  return { ok: true };
});
