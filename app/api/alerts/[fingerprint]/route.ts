import { z } from 'zod';
import { fingerprintSchema } from '@/lib/alerts/alerts';
import { AppError } from '@/lib/errors';
import { route } from '@/lib/http/route';
import { getAlertTriage } from '@/lib/alerts/store/get-alert-triage';

export const dynamic = 'force-dynamic';

// A fingerprint-only triage link: the latest episode of the alert.
export const GET = route(
  {
    method: 'GET',
    path: '/api/alerts/[fingerprint]',
    permission: 'fleet.view',
    params: { schema: z.object({ fingerprint: fingerprintSchema }), invalid: () => new AppError('not_found', 'no such alert') },
  },
  ({ params }) => getAlertTriage(params),
);
