'use client';

import Link from 'next/link';
import type { Verdict } from '@/lib/api/verdict';
import { verdictClass, verdictMeaning } from '@/components/ui/colors';
import { PeerEvidence } from '@/components/node/PeerEvidence';

function VerdictBadge({ v }: { v: Verdict | null }) {
  if (!v) return <span className="rounded bg-slate-800 px-2 py-0.5 text-slate-400">no session</span>;
  return (
    <span className={`rounded px-2 py-0.5 ${verdictClass[v]}`} title={verdictMeaning[v]} data-testid="cell-verdict">
      {v}
    </span>
  );
}

// The node × peer root-cause pane: both directions, the evidence, what changed, and the remediation slot.
export function PeerCellPane(props: {
  node: string;
  peer: string;
  peerNode: string | null;
  verdict: Verdict | null;
  warnings: number;
  reverse: { verdict: Verdict | null; warnings: number; ip: string } | null;
  at: string | null;
  synthetic: boolean;
  /** absent when the pane is embedded in a page (triage) rather than opened from a grid */
  onClose?: () => void;
}) {
  const { node, peer, at } = props;
  const pin = at ? `?at=${encodeURIComponent(at)}` : '';
  return (
    <aside
      aria-label={`${node} to ${peer}`}
      data-testid="detail-pane"
      className={`overflow-y-auto rounded border border-slate-700 bg-slate-950 p-3 text-xs ${props.onClose ? 'w-[36rem] shrink-0' : ''}`}
      style={props.onClose ? { maxHeight: 'calc(100vh - 6rem)' } : undefined}
    >
      <div className="mb-2 flex items-center gap-2">
        <h2 className="font-mono text-sm text-slate-100">
          {node} → {peer}
          {props.peerNode ? <span className="text-slate-400"> ({props.peerNode})</span> : null}
        </h2>
        {props.onClose ? (
          <button type="button" onClick={props.onClose} className="ml-auto rounded px-2 py-0.5 text-slate-400 hover:bg-slate-800" aria-label="Close detail">
            ✕
          </button>
        ) : null}
      </div>
      <div className="mb-3 space-y-1">
        <div className="flex items-center gap-2">
          <span className="w-20 text-slate-400">{node} →</span> <VerdictBadge v={props.verdict} /> <span>{props.warnings} warnings</span>
        </div>
        {props.reverse && props.peerNode ? (
          <div className="flex items-center gap-2">
            <span className="w-20 text-slate-400">{props.peerNode} →</span> <VerdictBadge v={props.reverse.verdict} /> <span>{props.reverse.warnings} warnings</span>
          </div>
        ) : null}
      </div>
      {props.synthetic ? (
        <p className="text-slate-400">Synthetic benchmark cell: there is no node behind it, so no evidence.</p>
      ) : (
        <>
          <div className="mb-2 flex gap-3">
            <Link href={`/nodes/${encodeURIComponent(node)}${pin}`} className="text-sky-300 hover:underline">
              open {node}
            </Link>
            {props.peerNode ? (
              <Link href={`/nodes/${encodeURIComponent(props.peerNode)}${pin}`} className="text-sky-300 hover:underline">
                open {props.peerNode}
              </Link>
            ) : null}
          </div>
          <PeerEvidence node={node} peer={peer} at={at} />
        </>
      )}
    </aside>
  );
}
