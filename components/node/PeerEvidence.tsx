'use client';

import type { NodeDetail } from '@/lib/node/node';
import { Collapsible } from '@/components/ui/Collapsible';
import { useIsPhone } from '@/components/ui/use-phone';
import { ChangesList } from './ChangesList';
import { VerdictEvidence } from './VerdictEvidence';
import { NodeDetailEvidence } from './NodeDetailEvidence';

// Evidence for one node × peer pair: the diagnosis of that peer, what changed on the node, and the
// node's liveness log lines about the peer around the moment. Below the answer, so folded on a phone.
export function PeerEvidence({ node, peer, at, alertUrl }: { node: string; peer: string; at: string | null; alertUrl?: string | null }) {
  const phone = useIsPhone();
  return (
    <NodeDetailEvidence node={node} at={at}>
      {(d) => <PeerEvidenceBody node={node} peer={peer} d={d} phone={phone} alertUrl={alertUrl} />}
    </NodeDetailEvidence>
  );
}

function PeerEvidenceBody({ node, peer, d, phone, alertUrl }: { node: string; peer: string; d: NodeDetail; phone: boolean; alertUrl?: string | null }) {
  const verdict = d.peers.find((p) => p.peer === peer);
  const lines = d.events.filter((e) => e.peerIp === peer).slice(0, 20);
  return (
    <section data-testid="evidence" className="mb-3 space-y-3">
      {d.missing ? <p className="text-slate-400">{d.missing}</p> : null}
      {d.nodeUnknown ? <p className="rounded bg-slate-800 px-2 py-1 text-slate-300">Node unknown: {d.nodeUnknown}</p> : null}
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
        <ChangesList changes={d.changes} />
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
