import { deleteUserRequest, updateUserRequest } from '@/lib/services/auth-api';
import { json, readJson, respond } from '@/lib/services/http-respond';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ username: string }> };

/** Admins disable/enable an account or change its role: { disabled?, role? }. Ends its sessions. */
export function PATCH(request: Request, ctx: Ctx): Promise<Response> {
  return respond(async () => {
    const user = await updateUserRequest(request, (await ctx.params).username, await readJson(request));
    return json({ user: { username: user.username, role: user.role, source: user.source, disabled: user.disabled } });
  });
}

/** Admins delete a local account. Ends its sessions. */
export function DELETE(request: Request, ctx: Ctx): Promise<Response> {
  return respond(async () => {
    await deleteUserRequest(request, (await ctx.params).username);
    return json({ ok: true });
  });
}
