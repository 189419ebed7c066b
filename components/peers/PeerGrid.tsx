'use client';

import { useMemo, useState } from 'react';
import { cellVerdict, reverseCell, syntheticParamSchema } from '@/lib/peers/peer-matrix';
import { peerRowOrder, peerViewSchema } from '@/lib/peers/peer-view';
import { verdicts } from '@/lib/diagnosis/verdict-schema';
import { Legend } from '@/components/ui/Legend';
import { PinnedBanner } from '@/components/ui/PinnedBanner';
import { TimePin } from '@/components/ui/TimePin';
import { useSearchState } from '@/components/ui/use-search-state';
import { PeerCellPane } from './PeerCellPane';
import { PeerGridCanvas, type CellPos } from './PeerGridCanvas';
import { usePeerMatrix } from './use-peer-matrix';

// `/peers`: node × liveness peer. `?synthetic=1000x1000` swaps in generated data for the benchmark.
export function PeerGrid() {
  const { params, update } = useSearchState();
  const view = peerViewSchema.parse(params);
  const at = params.at ?? null;
  const synthParsed = params.synthetic ? syntheticParamSchema.safeParse(params.synthetic) : null;
  const synthetic = synthParsed?.success ? synthParsed.data : null;
  const state = usePeerMatrix({ at, synthetic });
  const matrix = state.status === 'ready' ? state.matrix : null;
  const rowOrder = useMemo(() => (matrix ? peerRowOrder(matrix, view) : new Int32Array(0)), [matrix, view.q, view.verdict, view.sort]); // eslint-disable-line react-hooks/exhaustive-deps
  const [active, setActive] = useState<CellPos | null>(null);

  // The selected cell lives in the URL by name (node, peer IP) so links survive re-sorting and refreshes.
  const selected = useMemo((): CellPos | null => {
    if (!matrix || !view.node || !view.peer) return null;
    const col = matrix.cols.findIndex((c) => c.ip === view.peer);
    const row = rowOrder.findIndex((r) => matrix.rows[r]?.name === view.node);
    return row >= 0 && col >= 0 ? { row, col } : null;
  }, [matrix, rowOrder, view.node, view.peer]);

  const open = (pos: CellPos) => {
    const row = matrix?.rows[rowOrder[pos.row] ?? -1];
    const col = matrix?.cols[pos.col];
    if (row && col) update({ node: row.name, peer: col.ip });
  };

  let pane = null;
  if (matrix && view.node && view.peer) {
    const r = matrix.rows.findIndex((x) => x.name === view.node);
    const c = matrix.cols.findIndex((x) => x.ip === view.peer);
    const rev = r >= 0 && c >= 0 ? reverseCell(matrix, r, c) : null;
    pane = (
      <PeerCellPane
        node={view.node}
        peer={view.peer}
        peerNode={c >= 0 ? (matrix.cols[c]?.node ?? null) : null}
        verdict={r >= 0 && c >= 0 ? cellVerdict(matrix, r, c) : null}
        warnings={r >= 0 && c >= 0 ? (matrix.warnings[r * matrix.cols.length + c] ?? 0) : 0}
        reverse={
          rev
            ? {
                verdict: cellVerdict(matrix, rev.row, rev.col),
                warnings: matrix.warnings[rev.row * matrix.cols.length + rev.col] ?? 0,
                ip: matrix.rows[r]?.ip ?? '',
              }
            : null
        }
        at={at}
        synthetic={state.status === 'ready' && state.synthetic}
        onClose={() => update({ node: null, peer: null })}
      />
    );
  }

  return (
    <div className="flex gap-4">
      <section className="min-w-0 flex-1">
        <PinnedBanner at={at} onUnpin={() => update({ at: null })} />
        {state.status === 'ready' && state.synthetic ? (
          <div role="status" className="mb-2 rounded bg-fuchsia-900/50 px-3 py-1 text-fuchsia-200 ring-1 ring-fuchsia-600/60">
            Synthetic data: {matrix?.rows.length} × {matrix?.cols.length} generated cells for the benchmark, not the fleet.
          </div>
        ) : null}
        <div className="mb-2 flex flex-wrap items-center gap-3 text-xs">
          <label className="flex items-center gap-1">
            <span className="text-slate-400">Node</span>
            <input
              type="search"
              value={view.q}
              onChange={(e) => update({ q: e.target.value })}
              placeholder="filter nodes"
              className="w-44 rounded border border-slate-700 bg-slate-900 px-2 py-1"
            />
          </label>
          <label className="flex items-center gap-1">
            <span className="text-slate-400">Has verdict</span>
            <select
              value={view.verdict}
              onChange={(e) => update({ verdict: e.target.value })}
              className="rounded border border-slate-700 bg-slate-900 px-1 py-1"
            >
              <option value="">any</option>
              {verdicts.map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          </label>
          <label className="flex items-center gap-1">
            <span className="text-slate-400">Sort</span>
            <select
              value={view.sort}
              onChange={(e) => update({ sort: e.target.value === 'name' ? null : e.target.value })}
              className="rounded border border-slate-700 bg-slate-900 px-1 py-1"
            >
              <option value="name">by name</option>
              <option value="worst">worst first</option>
            </select>
          </label>
          {synthetic ? null : <TimePin at={at} onChange={(t) => update({ at: t })} />}
          {matrix ? (
            <span className="ml-auto text-slate-400" role="status">
              {rowOrder.length} of {matrix.rows.length} nodes × {matrix.cols.length} peers · ⇄ = one direction fails while the other works
            </span>
          ) : null}
        </div>
        {state.status === 'loading' ? (
          <p className="py-8 text-slate-400" role="status">
            Loading peer grid…
          </p>
        ) : state.status === 'error' ? (
          <p className="py-8 text-red-300" role="alert">
            Could not load the peer grid: {state.message}
          </p>
        ) : matrix && (matrix.rows.length === 0 || matrix.cols.length === 0) ? (
          <p className="py-8 text-slate-400" role="status">
            No liveness peers known yet: peers appear once nodes log liveness sessions.
          </p>
        ) : matrix && rowOrder.length === 0 ? (
          <p className="py-8 text-slate-400" role="status">
            No node matches these filters.
          </p>
        ) : matrix ? (
          <PeerGridCanvas matrix={matrix} rowOrder={rowOrder} active={active ?? selected} onActiveChange={setActive} onOpen={open} selected={selected} />
        ) : null}
        <Legend show="verdicts" />
      </section>
      {pane}
    </div>
  );
}
