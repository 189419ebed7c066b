import { json, respond } from '@/lib/services/http-respond';
import { getRequest } from '@/lib/services/remediation-api';

export const dynamic = 'force-dynamic';

export function GET(request: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return respond(async () => json(await getRequest(request, (await ctx.params).id)));
}
