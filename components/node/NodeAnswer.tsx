'use client';

import { nodeAnswer } from '@/lib/node/node-answer';
import { AnswerCard } from '@/components/ui/AnswerCard';
import { useNode } from './use-node';

/** The node's answer (node page, fleet grid pane), from the same cached detail query the page shows. */
export function NodeAnswer({ node, at }: { node: string; at: string | null }) {
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
  return <AnswerCard answer={nodeAnswer(q.data)} node={node} asOf={at ?? q.data.summary.collectedAt} />;
}
