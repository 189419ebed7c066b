import { auditRowsToCsv } from '@/lib/audit/export';
import { listAuditRequest } from '@/lib/services/audit-api';
import { respond } from '@/lib/services/http-respond';

export const dynamic = 'force-dynamic';

/** The filtered records as a download: ?format=csv|json plus the filters of /api/audit (limit up to 10000). */
export function GET(request: Request): Promise<Response> {
  return respond(async () => {
    const query = new URL(request.url).searchParams;
    const format = query.get('format') === 'csv' ? 'csv' : 'json';
    query.delete('format');
    if (!query.has('limit')) query.set('limit', '10000');
    const rows = await listAuditRequest(request, query, 10_000);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const body =
      format === 'csv'
        ? auditRowsToCsv(rows)
        : JSON.stringify(rows.map((r) => ({ seq: r.seq, hash: r.hash, prevHash: r.prevHash, body: r.body })), null, 1);
    return new Response(body, {
      headers: {
        'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
        'content-disposition': `attachment; filename="fnh-audit-${stamp}.${format}"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      },
    });
  });
}
