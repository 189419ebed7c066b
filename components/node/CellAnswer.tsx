'use client';

import { cellAnswer } from '@/lib/node/node-answer';
import { NodeDetailAnswer } from './NodeDetailAnswer';

/** The answer for one node × peer pair (cell pane, triage link), from the node's detail at that moment. */
export function CellAnswer({ node, peer, at, alertUrl }: { node: string; peer: string; at: string | null; alertUrl?: string | null }) {
  return (
    <NodeDetailAnswer
      node={node}
      at={at}
      alertUrl={alertUrl}
      answer={(d) =>
        cellAnswer(d.peers.find((p) => p.peer === peer) ?? null, { node, peer, findings: d.findings, knownIssues: d.knownIssues, nodeUnknown: d.nodeUnknown })
      }
    />
  );
}
