import 'server-only';
import { z } from 'zod';
import type { ChainVerdict, StoredAuditRow } from '../chain';
import { getDb } from '../../db';
import { AppError } from '../../errors';
import { auditFilterSchema, listAudit, type AuditFilter } from './list';
import { verifyAuditLog } from './verify';

// What the /api/audit route handlers call, after lib/http/route.ts let an audit viewer in.

/** The audit filter of a query string: empty fields mean "any". */
export const auditQuerySchema = z.preprocess(
  (q) => (q && typeof q === 'object' ? Object.fromEntries(Object.entries(q).filter(([, v]) => v !== '')) : q),
  auditFilterSchema,
);

/** ?format=csv|json plus the filters of /api/audit; the export reads up to 10,000 records unless told fewer. */
export const auditExportQuerySchema = z.preprocess(
  (q) => {
    if (!q || typeof q !== 'object') return q;
    const { format, ...filter } = q as Record<string, unknown>;
    if (!('limit' in filter)) filter.limit = '10000';
    return { ...Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== '')), format: format === 'csv' ? 'csv' : 'json' };
  },
  auditFilterSchema.extend({ format: z.enum(['csv', 'json']) }),
);

/** The refusal of a bad filter, naming each field. */
export function invalidAuditFilter(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): AppError {
  return new AppError(
    'bad_request',
    'invalid audit filter',
    issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`),
  );
}

export async function listAuditRecords(filter: AuditFilter, maxLimit = 1000): Promise<StoredAuditRow[]> {
  return listAudit(await getDb(), { ...filter, limit: Math.min(filter.limit, maxLimit) });
}

export async function verifyAudit(): Promise<ChainVerdict> {
  return verifyAuditLog(await getDb());
}
