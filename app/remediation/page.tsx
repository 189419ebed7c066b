import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { RemediationPanel } from '@/components/remediation/RemediationPanel';
import { RunList } from '@/components/remediation/RunList';
import { can } from '@/lib/auth/permissions';
import { sessionCookieName } from '@/lib/auth/session-token';
import { pageAccess } from '@/lib/services/auth-page';

export const dynamic = 'force-dynamic';

function one(v: string | string[] | undefined): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** `/remediation?node=&peer=&verdict=&action=&alert=`: act on one node (linked from the answer on the node, cell and triage pages). */
export default async function RemediationPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const token = (await cookies()).get(sessionCookieName)?.value;
  const access = await pageAccess(token, 'remediation.preview');
  const here = `/remediation?${new URLSearchParams(Object.entries(sp).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : []))).toString()}`;
  if (access.kind === 'sign-in') redirect(`/login?next=${encodeURIComponent(here)}`);
  if (access.kind === 'forbidden') return <p role="alert">Your role cannot see remediations.</p>;
  const node = one(sp.node);
  const alert = one(sp.alert);
  return (
    <div>
      <h1 className="mb-3 text-lg font-semibold break-words text-slate-100">
        Remediation{node ? <span className="ml-2 font-mono">{node}</span> : null}
        <span className="ml-3 text-sm font-normal text-slate-400">
          signed in as {access.user.username} ({access.user.role})
        </span>
      </h1>
      {node ? (
        <RemediationPanel
          target={{ node, peer: one(sp.peer), verdict: one(sp.verdict), action: one(sp.action), alertUrl: alert && /^https?:\/\//.test(alert) ? alert : null }}
          canRun={can(access.user.role, 'remediation.request')}
        />
      ) : (
        <p className="text-slate-400">Open a node and choose its action (or “All actions”), or add ?node=NAME.</p>
      )}
      <RunList node={node} me={access.user.username} canApprove={can(access.user.role, 'remediation.approve')} />
    </div>
  );
}
