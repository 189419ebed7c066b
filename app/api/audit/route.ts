import { listAuditRequest } from '@/lib/services/audit-api';
import { json, respond } from '@/lib/services/http-respond';

export const dynamic = 'force-dynamic';

/** Audit records, newest first (?node=&actor=&type=&from=&to=&before=&limit=). */
export function GET(request: Request): Promise<Response> {
  return respond(async () => {
    const rows = await listAuditRequest(request, new URL(request.url).searchParams, 500);
    return json({ records: rows.map((r) => ({ seq: r.seq, hash: r.hash, prevHash: r.prevHash, ...(JSON.parse(r.body) as object) })) });
  });
}
