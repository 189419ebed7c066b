import { route } from '@/lib/http/route';
import { auditQuerySchema, invalidAuditFilter, listAuditRecords } from '@/lib/audit/store/api';

export const dynamic = 'force-dynamic';

/** Audit records, newest first (?node=&actor=&type=&from=&to=&before=&limit=). */
export const GET = route(
  { method: 'GET', path: '/api/audit', permission: 'audit.view', query: { schema: auditQuerySchema, invalid: invalidAuditFilter } },
  async ({ query }) => ({
    records: (await listAuditRecords(query, 500)).map((r) => ({ seq: r.seq, hash: r.hash, prevHash: r.prevHash, ...(JSON.parse(r.body) as object) })),
  }),
);
