'use client';

import Link from 'next/link';
import { checkTitles, type CheckId } from '@/lib/fleet/check';
import type { FleetRow } from '@/lib/fleet/fleet';
import { checkStatusClass } from '@/components/ui/colors';
import { CloseDetailButton } from '@/components/ui/CloseDetailButton';
import { NodeAnswer } from '@/components/node/NodeAnswer';
import { NodeEvidence } from '@/components/node/NodeEvidence';

// The root-cause pane of the fleet grid: the clicked check, the node's answer, then its verdicts with their
// evidence. Beside the grid on a wide screen; below 1024 px over it, under the header.
export function NodeCellPane(props: { node: string; check: CheckId | null; row: FleetRow | null; at: string | null; onClose: () => void }) {
  const { node, check, row, at } = props;
  const cell = check && row ? row.checks[check] : undefined;
  const nodeHref = `/nodes/${encodeURIComponent(node)}${at ? `?at=${encodeURIComponent(at)}` : ''}`;
  return (
    <aside
      aria-label={`Detail of ${node}`}
      data-testid="detail-pane"
      className="w-[36rem] shrink-0 overflow-y-auto rounded border border-slate-700 bg-slate-950 p-3 text-xs lg:max-h-[calc(100vh-6rem)] max-lg:fixed max-lg:inset-x-0 max-lg:top-12 max-lg:bottom-0 max-lg:z-40 max-lg:w-auto max-lg:rounded-none max-lg:border-0"
    >
      <div className="sticky -top-3 z-10 -mx-3 -mt-3 mb-2 flex items-center gap-2 bg-slate-950 px-3 pt-3 pb-1">
        <h2 className="min-w-0 truncate font-mono text-base text-slate-100">{node}</h2>
        <Link href={nodeHref} className="shrink-0 text-sky-300 hover:underline">
          open node page
        </Link>
        <CloseDetailButton onClose={props.onClose} />
      </div>
      {/* the worst verdict is the answer's own first line */}
      {cell && check && check !== 'verdict' ? (
        <div className="mb-3 rounded border border-slate-800 p-2">
          <div className="text-slate-400">{checkTitles[check]}</div>
          <div className={`mt-1 inline-block rounded px-2 py-0.5 ${checkStatusClass[cell.status]}`}>{cell.label}</div>
          {cell.detail ? <p className="mt-1 break-words text-slate-300">{cell.detail}</p> : null}
        </div>
      ) : null}
      {!row ? <p className="text-slate-400">This node is not in the current fleet view.</p> : null}
      <NodeAnswer node={node} at={at} />
      <NodeEvidence node={node} at={at} />
    </aside>
  );
}
