import 'server-only';
import type { ChainVerdict, StoredAuditRow } from '../audit/chain';
import { getDb } from '../db';
import { AppError } from '../errors';
import { authorize } from './auth-request';
import { auditFilterSchema, listAudit } from './audit-list';
import { verifyAuditLog } from './audit-verify';

export async function listAuditRequest(request: Request, query: URLSearchParams, maxLimit = 1000): Promise<StoredAuditRow[]> {
  await authorize(request, 'audit.view');
  const filter = auditFilterSchema.safeParse(Object.fromEntries([...query].filter(([, v]) => v !== '')));
  if (!filter.success) throw new AppError('bad_request', 'invalid audit filter', filter.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  return listAudit(await getDb(), { ...filter.data, limit: Math.min(filter.data.limit, maxLimit) });
}

export async function verifyAuditRequest(request: Request): Promise<ChainVerdict> {
  await authorize(request, 'audit.view');
  return verifyAuditLog(await getDb());
}
