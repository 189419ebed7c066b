import { route } from '@/lib/http/route';
import { verifyAudit } from '@/lib/audit/store/api';

export const dynamic = 'force-dynamic';

export const GET = route({ method: 'GET', path: '/api/audit/verify', permission: 'audit.view' }, () => verifyAudit());
