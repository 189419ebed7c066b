import { route } from '@/lib/http/route';
import { preview, remediationBodies } from '@/lib/remediation/store/api';

export const dynamic = 'force-dynamic';

/** Dry run: { action, nodes, params, targetPeer } -> exact command lines per node and current evidence. */
export const POST = route(
  { method: 'POST', path: '/api/actions/preview', permission: 'remediation.preview', body: remediationBodies.preview },
  ({ user, body }) => preview(user, body),
);
