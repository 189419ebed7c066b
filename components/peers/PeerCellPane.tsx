'use client';

import Link from 'next/link';
import type { Verdict } from '@/lib/diagnosis/verdict-schema';
import { verdictClass, verdictMeaning } from '@/components/ui/colors';
import { CloseDetailButton } from '@/components/ui/CloseDetailButton';
import { CellAnswer } from '@/components/node/CellAnswer';
import { PeerEvidence } from '@/components/node/PeerEvidence';

function VerdictBadge({ v }: { v: Verdict | null }) {
  if (!v) return <span className="rounded bg-slate-800 px-2 py-0.5 text-slate-400">no session</span>;
  return (
    <span className={`rounded px-2 py-0.5 ${verdictClass[v]}`} title={verdictMeaning[v]} data-testid="cell-verdict">
      {v}
    </span>
  );
}

// The node × peer root-cause pane: the answer first (verdict, since when, evidence, fitting action), then
// both directions, then the full evidence, what changed and the log lines. Opened from the peer grid it sits
// beside the grid on a wide screen and over it (under the header) below 1024 px; a triage page embeds it.
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
  const floating = props.onClose !== undefined;
  return (
    <aside
      aria-label={`${node} to ${peer}`}
      data-testid="detail-pane"
      className={`overflow-y-auto rounded border border-slate-700 bg-slate-950 p-3 text-xs ${floating ? 'w-[36rem] shrink-0 lg:max-h-[calc(100vh-6rem)] max-lg:fixed max-lg:inset-x-0 max-lg:top-12 max-lg:bottom-0 max-lg:z-40 max-lg:w-auto max-lg:rounded-none max-lg:border-0' : ''}`}
    >
      <div className={`mb-2 flex items-center gap-2 ${floating ? 'sticky -top-3 z-10 -mx-3 -mt-3 bg-slate-950 px-3 pt-3 pb-1' : ''}`}>
        <h2 className="min-w-0 font-mono text-sm break-all text-slate-100">
          {node} → {peer}
          {props.peerNode ? <span className="text-slate-400"> ({props.peerNode})</span> : null}
        </h2>
        {props.onClose ? <CloseDetailButton onClose={props.onClose} /> : null}
      </div>
      {props.synthetic ? null : <CellAnswer node={node} peer={peer} at={at} />}
      <div className="mb-3 space-y-1">
        <div className="flex flex-wrap items-center gap-2">
          <span className="text-slate-400">{node} →</span> <VerdictBadge v={props.verdict} /> <span>{props.warnings} warnings</span>
        </div>
        {props.reverse && props.peerNode ? (
          <div className="flex flex-wrap items-center gap-2">
            <span className="text-slate-400">{props.peerNode} →</span> <VerdictBadge v={props.reverse.verdict} /> <span>{props.reverse.warnings} warnings</span>
          </div>
        ) : null}
      </div>
      {props.synthetic ? (
        <p className="text-slate-400">Synthetic benchmark cell: there is no node behind it, so no evidence.</p>
      ) : (
        <>
          <div className="mb-2 flex flex-wrap gap-x-3 gap-y-1">
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
