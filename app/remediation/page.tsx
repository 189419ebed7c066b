import { RemediationPanel } from '@/components/remediation/RemediationPanel';
import { RunList } from '@/components/remediation/RunList';
import { can } from '@/lib/auth/permissions';
import { page } from '@/lib/http/page';

export const dynamic = 'force-dynamic';

function one(v: string | string[] | undefined): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** `/remediation?node=&peer=&verdict=&action=&alert=`: act on one node (linked from the answer on the node, cell and triage pages). */
export default page(
  { path: '/remediation', permission: 'remediation.preview', forbidden: 'Your role cannot see remediations.' },
  ({ user, searchParams: sp }) => {
    const node = one(sp.node);
    const alert = one(sp.alert);
    return (
      <div>
        <h1 className="mb-3 text-lg font-semibold break-words text-slate-100">
          Remediation{node ? <span className="ml-2 font-mono">{node}</span> : null}
          <span className="ml-3 text-sm font-normal text-slate-400">
            signed in as {user.username} ({user.role})
          </span>
        </h1>
        {node ? (
          <RemediationPanel
            target={{
              node,
              peer: one(sp.peer),
              verdict: one(sp.verdict),
              action: one(sp.action),
              alertUrl: alert && /^https?:\/\//.test(alert) ? alert : null,
            }}
            canRun={can(user.role, 'remediation.request')}
          />
        ) : (
          <p className="text-slate-400">Open a node and choose its action (or “All actions”), or add ?node=NAME.</p>
        )}
        <RunList node={node} me={user.username} canApprove={can(user.role, 'remediation.approve')} />
      </div>
    );
  },
);
