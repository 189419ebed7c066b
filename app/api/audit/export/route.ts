import { auditRowsToCsv } from '@/lib/audit/export';
import { route } from '@/lib/http/route';
import { auditExportQuerySchema, invalidAuditFilter, listAuditRecords } from '@/lib/audit/store/api';

export const dynamic = 'force-dynamic';

/** The filtered records as a download: ?format=csv|json plus the filters of /api/audit (limit up to 10000). */
export const GET = route(
  { method: 'GET', path: '/api/audit/export', permission: 'audit.view', query: { schema: auditExportQuerySchema, invalid: invalidAuditFilter } },
  async ({ query: { format, ...filter } }) => {
    const rows = await listAuditRecords(filter, 10_000);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const body =
      format === 'csv'
        ? auditRowsToCsv(rows)
        : JSON.stringify(
            rows.map((r) => ({ seq: r.seq, hash: r.hash, prevHash: r.prevHash, body: r.body })),
            null,
            1,
          );
    return new Response(body, {
      headers: {
        'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
        'content-disposition': `attachment; filename="fnh-audit-${stamp}.${format}"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      },
    });
  },
);
