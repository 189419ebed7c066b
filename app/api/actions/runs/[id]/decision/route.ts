import { z } from 'zod';
import { route } from '@/lib/http/route';
import { decide, remediationBodies } from '@/lib/remediation/store/api';
import { submittedAnswer } from '../../answer';

export const dynamic = 'force-dynamic';

/** A second person approves or rejects: { decision: 'approve' | 'reject', why }. Approval starts the run. */
export const POST = route(
  {
    method: 'POST',
    path: '/api/actions/runs/[id]/decision',
    permission: 'remediation.approve',
    params: z.object({ id: z.string() }),
    body: remediationBodies.decision,
  },
  async ({ user, params, body }) => submittedAnswer(await decide(user, params.id, body)),
);
