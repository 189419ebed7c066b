import { resetPasswordRequest } from '@/lib/services/auth-api';
import { json, readJson, respond } from '@/lib/services/http-respond';

export const dynamic = 'force-dynamic';

/** Admins set a new password for a local account: { password }. Ends its sessions. */
export function POST(request: Request, ctx: { params: Promise<{ username: string }> }): Promise<Response> {
  return respond(async () => {
    const user = await resetPasswordRequest(request, (await ctx.params).username, await readJson(request));
    return json({ user: { username: user.username } });
  });
}
