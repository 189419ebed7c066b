'use client';

import { ChangesList } from './ChangesList';
import { NodeFindings } from './NodeFindings';
import { VerdictEvidence } from './VerdictEvidence';
import { useNode } from './use-node';

// The node's root-cause view: every liveness peer that is not healthy with its evidence, then what changed.
export function NodeEvidence({ node, at }: { node: string; at: string | null }) {
  const q = useNode(node, at);
  if (q.isPending) return <p className="text-slate-400" role="status">Loading evidence…</p>;
  if (q.isError) return <p className="text-red-300" role="alert">Could not load evidence: {q.error.message}</p>;
  const d = q.data;
  const bad = d.peers.filter((p) => p.verdict !== 'healthy');
  const healthy = d.peers.length - bad.length;
  return (
    <section className="mb-4 text-xs" data-testid="evidence">
      <NodeFindings node={node} findings={d.findings} knownIssues={d.knownIssues} />
      <h3 className="mb-1 text-sm font-semibold text-slate-200">Verdicts by liveness peer</h3>
      {d.missing ? <p className="text-slate-400">{d.missing}</p> : null}
      {d.nodeUnknown ? <p className="mb-1 rounded bg-slate-800 px-2 py-1 text-slate-300">Node unknown: {d.nodeUnknown}</p> : null}
      {!d.missing && d.peers.length === 0 ? <p className="text-slate-500">No liveness peer known for this node.</p> : null}
      <div className="space-y-2">
        {bad.map((v) => (
          <VerdictEvidence key={v.peer} node={node} v={v} />
        ))}
      </div>
      {healthy > 0 ? <p className="mt-1 text-green-300">{healthy} peers healthy.</p> : null}
      <div className="mt-3">
        <ChangesList changes={d.changes} />
      </div>
    </section>
  );
}
