import { after } from 'next/server';
import { toHttpError } from '@/lib/errors';
import { json, readJson, respond } from '@/lib/services/http-respond';
import { listRequest, submitRequest } from '@/lib/services/remediation-api';

export const dynamic = 'force-dynamic';

/** Recent remediations (?node=&awaiting=1&limit=). */
export function GET(request: Request): Promise<Response> {
  return respond(async () => {
    const q = new URL(request.url).searchParams;
    const limit = Number(q.get('limit') ?? 50);
    const batches = await listRequest(request, {
      node: q.get('node') ?? undefined,
      awaitingApproval: q.get('awaiting') === '1',
      limit: Number.isFinite(limit) ? limit : 50,
    });
    return json({ batches });
  });
}

/** Confirmed request: { action, nodes, params, targetPeer, reason, alertUrl, idempotencyKey }. */
export function POST(request: Request): Promise<Response> {
  return respond(async () => {
    const { result, completion, conflict } = await submitRequest(request, await readJson(request));
    // The commands, re-poll and outcome continue after the response; the page follows the run by polling.
    after(() => completion);
    if (conflict) {
      const { status, body } = toHttpError(conflict);
      return json({ ...body, ...result }, { status });
    }
    return json(result, { status: result.replayed ? 200 : 201 });
  });
}
