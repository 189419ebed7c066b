import 'server-only';
import { auditRecordSchema, type AuditRecord } from '../entry';
import { getDb } from '../../db';
import { auditFilterSchema, listAudit, type AuditFilter } from './list';

export interface AuditPageRow {
  seq: number;
  hash: string;
  record: AuditRecord | null;
}

/** The audit page's rows for already-authorized viewers; bad filter values are dropped, not fatal. */
export async function auditPageRows(query: Record<string, string>): Promise<{ filter: AuditFilter; rows: AuditPageRow[] }> {
  const parsed = auditFilterSchema.safeParse(query);
  const filter = parsed.success ? parsed.data : auditFilterSchema.parse({});
  const rows = await listAudit(await getDb(), { ...filter, limit: Math.min(filter.limit, 500) });
  return {
    filter,
    rows: rows.map((r) => {
      const rec = auditRecordSchema.safeParse(JSON.parse(r.body));
      return { seq: r.seq, hash: r.hash, record: rec.success ? rec.data : null };
    }),
  };
}
