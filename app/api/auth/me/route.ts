import { whoAmI } from '@/lib/services/auth-api';
import { json, respond } from '@/lib/services/http-respond';

export const dynamic = 'force-dynamic';

export function GET(request: Request): Promise<Response> {
  return respond(async () => {
    const user = await whoAmI(request);
    return json({ user: { username: user.username, role: user.role } });
  });
}
