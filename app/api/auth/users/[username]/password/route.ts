import { route } from '@/lib/http/route';
import { resetPassword, resetPasswordSchema, userInputRefusals, usernameParamsSchema } from '@/lib/auth/store/api';

export const dynamic = 'force-dynamic';

/** Admins set a new password for a local account: { password }. Ends its sessions. */
export const POST = route(
  {
    method: 'POST',
    path: '/api/auth/users/[username]/password',
    permission: 'user.manage',
    params: { schema: usernameParamsSchema, invalid: userInputRefusals.noSuchUser },
    body: { schema: resetPasswordSchema, invalid: userInputRefusals.password },
  },
  async ({ user, params, body }) => ({ user: { username: (await resetPassword(user, params.username, body.password)).username } }),
);
