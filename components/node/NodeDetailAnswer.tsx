'use client';

import type { Answer } from '@/lib/node/node-answer';
import type { NodeDetail } from '@/lib/node/node';
import { AnswerCard } from '@/components/ui/AnswerCard';
import { useNode } from './use-node';

/**
 * An answer card read from the node's detail (the same cached query the node page shows), with its loading and
 * error lines: `answer` picks what the card says, for the whole node or for one of its peers.
 */
export function NodeDetailAnswer(props: { node: string; at: string | null; answer: (detail: NodeDetail) => Answer; alertUrl?: string | null }) {
  const q = useNode(props.node, props.at);
  if (q.isPending)
    return (
      <p className="mb-3 text-slate-400" role="status">
        Loading the answer…
      </p>
    );
  if (q.isError)
    return (
      <p className="mb-3 text-red-300" role="alert">
        Could not load {props.node}: {q.error.message}
      </p>
    );
  return <AnswerCard answer={props.answer(q.data)} node={props.node} asOf={props.at ?? q.data.summary.collectedAt} alertUrl={props.alertUrl} />;
}
