import { z } from 'zod';
import { route } from '@/lib/http/route';
import { getRemediation } from '@/lib/remediation/store/api';

export const dynamic = 'force-dynamic';

export const GET = route({ method: 'GET', path: '/api/actions/runs/[id]', permission: 'fleet.view', params: z.object({ id: z.string() }) }, ({ params }) =>
  getRemediation(params.id),
);
