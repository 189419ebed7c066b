'use client';

import { Collapsible } from '@/components/ui/Collapsible';
import { useIsPhone } from '@/components/ui/use-phone';
import { ChangesList } from './ChangesList';
import { VerdictEvidence } from './VerdictEvidence';
import { useNode } from './use-node';

// Evidence for one node × peer pair: the diagnosis of that peer, what changed on the node, and the
// node's liveness log lines about the peer around the moment. Below the answer, so folded on a phone.
export function PeerEvidence({ node, peer, at, alertUrl }: { node: string; peer: string; at: string | null; alertUrl?: string | null }) {
  const q = useNode(node, at);
  const phone = useIsPhone();
  if (q.isPending)
    return (
      <p className="text-slate-400" role="status">
        Loading evidence…
      </p>
    );
  if (q.isError)
    return (
      <p className="text-red-300" role="alert">
        Could not load evidence: {q.error.message}
      </p>
    );
  const verdict = q.data.peers.find((p) => p.peer === peer);
  const lines = q.data.events.filter((e) => e.peerIp === peer).slice(0, 20);
  return (
    <section data-testid="evidence" className="mb-3 space-y-3">
      {q.data.missing ? <p className="text-slate-400">{q.data.missing}</p> : null}
      {q.data.nodeUnknown ? <p className="rounded bg-slate-800 px-2 py-1 text-slate-300">Node unknown: {q.data.nodeUnknown}</p> : null}
      <Collapsible title="Full evidence" defaultOpen={!phone} testId="cell-evidence">
        {verdict ? (
          <VerdictEvidence node={node} v={verdict} alertUrl={alertUrl} />
        ) : (
          <p className="text-slate-400">
            No liveness session from {node} to {peer} at this moment.
          </p>
        )}
      </Collapsible>
      <Collapsible title="What changed and the log lines" defaultOpen={!phone} testId="cell-history">
        <ChangesList changes={q.data.changes} />
        <div>
          <h3 className="mb-1 font-semibold text-slate-200">Log lines about {peer}</h3>
          {lines.length === 0 ? <p className="text-slate-500">No liveness log lines about this peer before this moment.</p> : null}
          <ul className="space-y-1 font-mono">
            {lines.map((e, i) => (
              <li key={`${e.at}-${i}`} className="break-all text-slate-300">
                <span className="text-slate-500">{e.at}</span> <span className="font-semibold">{e.level}</span> {e.msg}
                {e.error ? <span className="text-red-300"> {e.error}</span> : null}
              </li>
            ))}
          </ul>
        </div>
      </Collapsible>
    </section>
  );
}
