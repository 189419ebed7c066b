'use client';

import type { ReactNode } from 'react';
import type { NodeDetail } from '@/lib/node/node';
import { useNode } from './use-node';

/**
 * Evidence read from the node's detail (the same cached query the node page shows), with its loading and error
 * lines: `children` lays out what the detail says, for the whole node or for one of its peers.
 */
export function NodeDetailEvidence({ node, at, children }: { node: string; at: string | null; children: (detail: NodeDetail) => ReactNode }) {
  const q = useNode(node, at);
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
  return children(q.data);
}
