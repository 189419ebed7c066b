import { after } from 'next/server';
import { toHttpError } from '@/lib/errors';
import { json, readJson, respond } from '@/lib/services/http-respond';
import { decideRequest } from '@/lib/services/remediation-api';

export const dynamic = 'force-dynamic';

/** A second person approves or rejects: { decision: 'approve' | 'reject', why }. Approval starts the run. */
export function POST(request: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return respond(async () => {
    const { result, completion, conflict } = await decideRequest(request, (await ctx.params).id, await readJson(request));
    after(() => completion);
    if (conflict) {
      const { status, body } = toHttpError(conflict);
      return json({ ...body, ...result }, { status });
    }
    return json(result);
  });
}
