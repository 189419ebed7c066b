import { createUserRequest, listUsersRequest } from '@/lib/services/auth-api';
import { json, readJson, respond } from '@/lib/services/http-respond';

export const dynamic = 'force-dynamic';

/** Admins list accounts. */
export function GET(request: Request): Promise<Response> {
  return respond(async () => json({ users: (await listUsersRequest(request)).map(({ username, role, source, disabled }) => ({ username, role, source, disabled })) }));
}

/** Admins create local accounts: { username, password, role }. */
export function POST(request: Request): Promise<Response> {
  return respond(async () => {
    const user = await createUserRequest(request, await readJson(request));
    return json({ user: { username: user.username, role: user.role } }, { status: 201 });
  });
}
