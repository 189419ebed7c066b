import { json, readJson, respond } from '@/lib/services/http-respond';
import { previewRequest } from '@/lib/services/remediation-api';

export const dynamic = 'force-dynamic';

/** Dry run: { action, nodes, params, targetPeer } -> exact command lines per node and current evidence. */
export function POST(request: Request): Promise<Response> {
  return respond(async () => json(await previewRequest(request, await readJson(request))));
}
