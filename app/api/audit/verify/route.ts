import { verifyAuditRequest } from '@/lib/services/audit-api';
import { json, respond } from '@/lib/services/http-respond';

export const dynamic = 'force-dynamic';

export function GET(request: Request): Promise<Response> {
  return respond(async () => json(await verifyAuditRequest(request)));
}
