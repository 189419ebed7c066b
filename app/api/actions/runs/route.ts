import { route } from '@/lib/http/route';
import { listQuerySchema, listRemediations, remediationBodies, submit } from '@/lib/remediation/store/api';
import { submittedAnswer } from './answer';

export const dynamic = 'force-dynamic';

/** Recent remediations (?node=&awaiting=1&limit=). */
export const GET = route({ method: 'GET', path: '/api/actions/runs', permission: 'fleet.view', query: listQuerySchema }, async ({ query }) => {
  const limit = Number(query.limit ?? 50);
  return { batches: await listRemediations({ node: query.node, awaitingApproval: query.awaiting === '1', limit: Number.isFinite(limit) ? limit : 50 }) };
});

/** Confirmed request: { action, nodes, params, targetPeer, reason, alertUrl, idempotencyKey }. */
export const POST = route(
  { method: 'POST', path: '/api/actions/runs', permission: 'remediation.request', body: remediationBodies.request },
  async ({ user, body }) => {
    const submitted = await submit(user, body);
    return submittedAnswer(submitted, submitted.result.replayed ? 200 : 201);
  },
);
