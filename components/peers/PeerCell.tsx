'use client';

import { cellVerdict, reverseCell } from '@/lib/peers/peer-matrix';
import { PeerCellPane } from './PeerCellPane';
import { usePeerMatrix } from './use-peer-matrix';

// One node × peer cell, loaded on its own (triage links): the grid's data at `at`, reduced to that cell.
export function PeerCell(props: { node: string; peer: string; at: string | null }) {
  const state = usePeerMatrix({ at: props.at, synthetic: null });
  if (state.status === 'loading')
    return (
      <p className="text-slate-400" role="status">
        Loading the cell…
      </p>
    );
  if (state.status === 'error')
    return (
      <p className="text-red-300" role="alert">
        Could not load the cell: {state.message}
      </p>
    );
  const m = state.matrix;
  const r = m.rows.findIndex((x) => x.name === props.node);
  const c = m.cols.findIndex((x) => x.ip === props.peer);
  const rev = r >= 0 && c >= 0 ? reverseCell(m, r, c) : null;
  return (
    <PeerCellPane
      node={props.node}
      peer={props.peer}
      peerNode={c >= 0 ? (m.cols[c]?.node ?? null) : null}
      verdict={r >= 0 && c >= 0 ? cellVerdict(m, r, c) : null}
      warnings={r >= 0 && c >= 0 ? (m.warnings[r * m.cols.length + c] ?? 0) : 0}
      reverse={
        rev ? { verdict: cellVerdict(m, rev.row, rev.col), warnings: m.warnings[rev.row * m.cols.length + rev.col] ?? 0, ip: m.rows[r]?.ip ?? '' } : null
      }
      at={props.at}
      synthetic={false}
    />
  );
}
