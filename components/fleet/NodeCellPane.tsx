'use client';

import Link from 'next/link';
import { checkTitles, type CheckId } from '@/lib/api/check';
import type { FleetRow } from '@/lib/api/fleet';
import { checkStatusClass } from '@/components/ui/colors';
import { NodeEvidence } from '@/components/node/NodeEvidence';

// The root-cause pane of the fleet grid: the clicked check, then the node's verdicts with their evidence.
export function NodeCellPane(props: { node: string; check: CheckId | null; row: FleetRow | null; at: string | null; onClose: () => void }) {
  const { node, check, row, at } = props;
  const cell = check && row ? row.checks[check] : undefined;
  const nodeHref = `/nodes/${encodeURIComponent(node)}${at ? `?at=${encodeURIComponent(at)}` : ''}`;
  return (
    <aside aria-label={`Detail of ${node}`} data-testid="detail-pane" className="w-[36rem] shrink-0 overflow-y-auto rounded border border-slate-700 bg-slate-950 p-3 text-xs" style={{ maxHeight: 'calc(100vh - 6rem)' }}>
      <div className="mb-2 flex items-center gap-2">
        <h2 className="font-mono text-base text-slate-100">{node}</h2>
        <Link href={nodeHref} className="text-sky-300 hover:underline">
          open node page
        </Link>
        <button type="button" onClick={props.onClose} className="ml-auto rounded px-2 py-0.5 text-slate-400 hover:bg-slate-800" aria-label="Close detail">
          ✕
        </button>
      </div>
      {cell && check ? (
        <div className="mb-3 rounded border border-slate-800 p-2">
          <div className="text-slate-400">{checkTitles[check]}</div>
          <div className={`mt-1 inline-block rounded px-2 py-0.5 ${checkStatusClass[cell.status]}`}>{cell.label}</div>
          {cell.detail ? <p className="mt-1 text-slate-300">{cell.detail}</p> : null}
        </div>
      ) : null}
      {!row ? <p className="text-slate-400">This node is not in the current fleet view.</p> : null}
      <NodeEvidence node={node} at={at} />
    </aside>
  );
}
