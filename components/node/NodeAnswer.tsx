'use client';

import { nodeAnswer } from '@/lib/node/node-answer';
import { NodeDetailAnswer } from './NodeDetailAnswer';

/** The node's answer (node page, fleet grid pane), from the same cached detail query the page shows. */
export function NodeAnswer({ node, at }: { node: string; at: string | null }) {
  return <NodeDetailAnswer node={node} at={at} answer={nodeAnswer} />;
}
