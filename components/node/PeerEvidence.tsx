'use client';

import { useNode } from './use-node';

// Evidence for one node × peer pair: the node's liveness log lines about that peer, as logged.
export function PeerEvidence({ node, peer, at }: { node: string; peer: string; at: string | null }) {
  const q = useNode(node, at);
  if (q.isPending) return <p className="text-slate-400" role="status">Loading evidence…</p>;
  if (q.isError) return <p className="text-red-300" role="alert">Could not load evidence: {q.error.message}</p>;
  const lines = q.data.events.filter((e) => e.peerIp === peer).slice(0, 20);
  return (
    <section data-testid="evidence" className="mb-3">
      <h3 className="mb-1 font-semibold text-slate-200">Log lines about {peer}</h3>
      {lines.length === 0 ? <p className="text-slate-500">No liveness log lines about this peer in the recent events.</p> : null}
      <ul className="space-y-1 font-mono">
        {lines.map((e, i) => (
          <li key={`${e.at}-${i}`} className="break-all text-slate-300">
            <span className="text-slate-500">{e.at}</span> <span className="font-semibold">{e.level}</span> {e.msg}
            {e.error ? <span className="text-red-300"> {e.error}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
