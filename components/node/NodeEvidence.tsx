'use client';

import { useNode } from './use-node';

// Evidence for the node's liveness trouble: the warning lines per peer, newest first, exactly as logged.
export function NodeEvidence({ node, at }: { node: string; at: string | null }) {
  const q = useNode(node, at);
  if (q.isPending) return <p className="text-slate-400" role="status">Loading evidence…</p>;
  if (q.isError) return <p className="text-red-300" role="alert">Could not load evidence: {q.error.message}</p>;
  const warnings = q.data.events.filter((e) => e.level.toUpperCase().startsWith('WARN'));
  const byPeer = new Map<string, typeof warnings>();
  for (const e of warnings) {
    const key = e.peerIp ?? 'unknown peer';
    byPeer.set(key, [...(byPeer.get(key) ?? []), e]);
  }
  return (
    <section className="mb-4" data-testid="evidence">
      <h3 className="mb-1 text-sm font-semibold text-slate-200">Liveness warnings by peer</h3>
      {byPeer.size === 0 ? <p className="text-xs text-slate-500">No liveness warnings in the recent events.</p> : null}
      <ul className="space-y-2 text-xs">
        {[...byPeer].map(([peer, list]) => (
          <li key={peer} className="rounded border border-slate-800 p-2">
            <div className="font-mono text-orange-300">
              {peer} <span className="text-slate-400">({list.length} warnings)</span>
            </div>
            <div className="mt-1 font-mono break-all text-slate-300">{list[0]?.error ?? list[0]?.msg}</div>
          </li>
        ))}
      </ul>
    </section>
  );
}
