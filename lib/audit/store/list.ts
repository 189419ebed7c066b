import 'server-only';
import { z } from 'zod';
import type { StoredAuditRow } from '../chain';
import { auditRecordSchema, auditTypes, type AuditRecord } from '../entry';
import type { Queryable } from '../../db';
import { auditColumns, toStoredAuditRow, type AuditDbRow } from './rows';

export const auditFilterSchema = z.object({
  node: z.string().max(64).optional(),
  actor: z.string().max(64).optional(),
  type: z.enum(auditTypes as [string, ...string[]]).optional(),
  /** ISO times, inclusive */
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  /** newest first; continue below this seq */
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

export function parseAuditBody(body: string): AuditRecord {
  return auditRecordSchema.parse(JSON.parse(body));
}

/** Newest first, filtered; the rows keep their hashes so an export can be checked independently. */
export async function listAudit(db: Queryable, filter: AuditFilter): Promise<StoredAuditRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.node) add('node = ?', filter.node);
  if (filter.actor) add('actor = ?', filter.actor);
  if (filter.type) add('type = ?', filter.type);
  if (filter.from) add('at >= ?', new Date(filter.from).toISOString());
  if (filter.to) add('at <= ?', new Date(filter.to).toISOString());
  if (filter.before) add('seq < ?', filter.before);
  params.push(filter.limit);
  const r = await db.query<AuditDbRow>(
    `select ${auditColumns} from audit_log ${where.length ? `where ${where.join(' and ')}` : ''} order by seq desc limit $${params.length}`,
    params,
  );
  return r.rows.map(toStoredAuditRow);
}
