import { route } from '@/lib/http/route';
import { listAlerts } from '@/lib/alerts/store/list-alerts';

export const dynamic = 'force-dynamic';

export const GET = route({ method: 'GET', path: '/api/alerts', permission: 'fleet.view' }, async () => ({ alerts: await listAlerts() }));
