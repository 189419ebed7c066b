'use client';

import { cellAnswer } from '@/lib/node/node-answer';
import { AnswerCard } from '@/components/ui/AnswerCard';
import { useNode } from './use-node';

/** The answer for one node × peer pair (cell pane, triage link), from the node's detail at that moment. */
export function CellAnswer({ node, peer, at, alertUrl }: { node: string; peer: string; at: string | null; alertUrl?: string | null }) {
  const q = useNode(node, at);
  if (q.isPending)
    return (
      <p className="mb-3 text-slate-400" role="status">
        Loading the answer…
      </p>
    );
  if (q.isError)
    return (
      <p className="mb-3 text-red-300" role="alert">
        Could not load {node}: {q.error.message}
      </p>
    );
  const d = q.data;
  const v = d.peers.find((p) => p.peer === peer) ?? null;
  return (
    <AnswerCard
      answer={cellAnswer(v, { node, peer, findings: d.findings, knownIssues: d.knownIssues, nodeUnknown: d.nodeUnknown })}
      node={node}
      asOf={at ?? d.summary.collectedAt}
      alertUrl={alertUrl}
    />
  );
}
