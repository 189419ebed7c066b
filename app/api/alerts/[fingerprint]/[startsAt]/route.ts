import { z } from 'zod';
import { decodeSegment, episodeStartSchema, fingerprintSchema } from '@/lib/alerts/alerts';
import { AppError } from '@/lib/errors';
import { route } from '@/lib/http/route';
import { getAlertTriage } from '@/lib/alerts/store/get-alert-triage';

export const dynamic = 'force-dynamic';

/** The segments of an episode link: any start that is not a real moment is no episode at all (404, never 500). */
const episodeParams = z.object({
  fingerprint: fingerprintSchema,
  startsAt: z
    .string()
    .transform(decodeSegment)
    .pipe(episodeStartSchema)
    .refine((d) => !Number.isNaN(d.getTime())),
});

// An episode triage link (`/triage/<fingerprint>/<startsAt>`): that episode and no other.
export const GET = route(
  {
    method: 'GET',
    path: '/api/alerts/[fingerprint]/[startsAt]',
    permission: 'fleet.view',
    params: { schema: episodeParams, invalid: () => new AppError('not_found', 'no such alert episode') },
  },
  ({ params }) => getAlertTriage(params),
);
