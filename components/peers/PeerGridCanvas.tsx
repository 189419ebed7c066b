'use client';

import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { cellVerdict, isAsymmetric, type PeerMatrix } from '@/lib/peers/peer-matrix';
import { drawPeerCells } from './draw-peer-cells';

const cellW = 30;
const cellH = 20;
const rowHeaderW = 150;
const colHeaderH = 96;

export interface CellPos {
  row: number;
  col: number;
}

// The node × peer grid. Cells are painted on one canvas that sticks to the viewport, so 1,000 × 1,000 costs
// only the cells in view and no DOM per cell; headers are DOM, virtualized on both axes (react-virtual),
// sticky to the top and left. Keyboard: the grid is one focus stop; arrows/PageUp/PageDown/Home/End move the
// active cell (aria-activedescendant on a DOM overlay that names it), Enter opens it.
export function PeerGridCanvas(props: {
  matrix: PeerMatrix;
  /** the row indices to show, in order (filters and sorting already applied) */
  rowOrder: Int32Array;
  active: CellPos | null;
  onActiveChange: (pos: CellPos) => void;
  onOpen: (pos: CellPos) => void;
  selected: CellPos | null;
}) {
  const { matrix, rowOrder, active, selected } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [viewport, setViewport] = useState({ width: 0, height: 0 });
  // The React Compiler is not enabled in this project, so nothing memoizes around the virtualizer's functions.
  // eslint-disable-next-line react-hooks/incompatible-library
  const rows = useVirtualizer({
    count: rowOrder.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => cellH,
    overscan: 2,
    scrollMargin: colHeaderH,
    useFlushSync: false,
  });
  const cols = useVirtualizer({
    horizontal: true,
    count: matrix.cols.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => cellW,
    overscan: 2,
    scrollMargin: rowHeaderW,
    useFlushSync: false,
  });
  const vRows = rows.getVirtualItems();
  const vCols = cols.getVirtualItems();

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => setViewport({ width: Math.max(0, el.clientWidth - rowHeaderW), height: Math.max(0, el.clientHeight - colHeaderH) });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Paint straight from the scroll position in an animation frame, independent of React renders; React only
  // re-renders the headers. Data and size changes repaint too.
  const marked = useRef(false);
  const paintInputs = useRef({ matrix, rowOrder, viewport });
  paintInputs.current = { matrix, rowOrder, viewport };
  const paint = useRef(() => {});
  paint.current = () => {
    const el = scrollRef.current;
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    const { matrix: m, rowOrder: order, viewport: vp } = paintInputs.current;
    if (!el || !canvas || !ctx || vp.width === 0) return;
    const dpr = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(vp.width * dpr) || canvas.height !== Math.round(vp.height * dpr)) {
      canvas.width = Math.round(vp.width * dpr);
      canvas.height = Math.round(vp.height * dpr);
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawPeerCells(ctx, m, order, { width: vp.width, height: vp.height, scrollLeft: el.scrollLeft, scrollTop: el.scrollTop }, { cellW, cellH });
    if (!marked.current) {
      marked.current = true;
      performance.mark('peer-grid-rendered');
    }
  };
  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    let frame = 0;
    const onScroll = () => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        paint.current();
      });
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      el.removeEventListener('scroll', onScroll);
      cancelAnimationFrame(frame);
    };
  }, []);
  useEffect(() => paint.current(), [matrix, rowOrder, viewport]);

  const cellId = (p: CellPos) => `peer-cell-${p.row}-${p.col}`;
  const move = (p: CellPos) => {
    const next = { row: Math.max(0, Math.min(rowOrder.length - 1, p.row)), col: Math.max(0, Math.min(matrix.cols.length - 1, p.col)) };
    props.onActiveChange(next);
    // Scroll just enough for the cell to be inside the painted area (below and right of the sticky headers).
    const el = scrollRef.current;
    if (el) {
      const top = next.row * cellH;
      const left = next.col * cellW;
      if (top < el.scrollTop) el.scrollTop = top;
      else if (top + cellH > el.scrollTop + viewport.height) el.scrollTop = top + cellH - viewport.height;
      if (left < el.scrollLeft) el.scrollLeft = left;
      else if (left + cellW > el.scrollLeft + viewport.width) el.scrollLeft = left + cellW - viewport.width;
    }
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const p = active ?? { row: 0, col: 0 };
    const page = Math.max(1, Math.floor(viewport.height / cellH) - 1);
    const moves: Record<string, () => CellPos> = {
      ArrowUp: () => ({ ...p, row: p.row - 1 }),
      ArrowDown: () => ({ ...p, row: p.row + 1 }),
      ArrowLeft: () => ({ ...p, col: p.col - 1 }),
      ArrowRight: () => ({ ...p, col: p.col + 1 }),
      PageUp: () => ({ ...p, row: p.row - page }),
      PageDown: () => ({ ...p, row: p.row + page }),
      Home: () => (e.ctrlKey ? { row: 0, col: 0 } : { ...p, col: 0 }),
      End: () => (e.ctrlKey ? { row: rowOrder.length - 1, col: matrix.cols.length - 1 } : { ...p, col: matrix.cols.length - 1 }),
    };
    const m = moves[e.key];
    if (m) {
      e.preventDefault();
      move(m());
    } else if ((e.key === 'Enter' || e.key === ' ') && active) {
      e.preventDefault();
      props.onOpen(active);
    }
  };
  const onCanvasClick = (e: MouseEvent<HTMLCanvasElement>) => {
    // The canvas sticks to the viewport: a point on it is a cell at the element's current scroll offset.
    const rect = e.currentTarget.getBoundingClientRect();
    const el = scrollRef.current;
    const pos = {
      row: Math.floor((e.clientY - rect.top + (el?.scrollTop ?? 0)) / cellH),
      col: Math.floor((e.clientX - rect.left + (el?.scrollLeft ?? 0)) / cellW),
    };
    if (pos.row < 0 || pos.row >= rowOrder.length || pos.col < 0 || pos.col >= matrix.cols.length) return;
    props.onActiveChange(pos);
    props.onOpen(pos);
  };

  // DOM overlays name the active and the selected cell for assistive tech and tests; the canvas shows the rest.
  const overlay = (p: CellPos, kind: 'active' | 'selected') => {
    const r = rowOrder[p.row] ?? -1;
    const v = cellVerdict(matrix, r, p.col);
    const w = matrix.warnings[r * matrix.cols.length + p.col] ?? 0;
    const label = `${matrix.rows[r]?.name ?? '?'} → ${matrix.cols[p.col]?.ip ?? '?'}: ${v ?? 'no session'}${w ? `, ${w} warnings` : ''}${v && isAsymmetric(matrix, r, p.col) ? ', asymmetric' : ''}`;
    return (
      <div
        key={kind}
        id={kind === 'active' ? cellId(p) : undefined}
        role="gridcell"
        aria-label={label}
        aria-selected={kind === 'selected'}
        title={label}
        data-row={p.row}
        data-col={p.col}
        data-verdict={v ?? 'none'}
        data-testid={kind === 'active' ? 'active-cell' : 'selected-cell'}
        className={`pointer-events-none absolute z-10 ${kind === 'active' ? 'outline-2 outline-sky-300' : 'outline-2 outline-white'}`}
        style={{ left: p.col * cellW, top: p.row * cellH, width: cellW - 1, height: cellH - 1 }}
      />
    );
  };

  const totalW = cols.getTotalSize();
  const totalH = rows.getTotalSize();
  return (
    <div
      ref={scrollRef}
      role="grid"
      aria-label="Peer grid: node by liveness peer"
      aria-rowcount={rowOrder.length}
      aria-colcount={matrix.cols.length}
      aria-activedescendant={active ? cellId(active) : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
      data-testid="peer-grid"
      data-rows={rowOrder.length}
      data-cols={matrix.cols.length}
      className="relative overflow-auto rounded border border-slate-800 bg-slate-950"
      style={{ height: 'calc(100vh - 13rem)' }}
    >
      <div style={{ width: rowHeaderW + totalW, height: colHeaderH + totalH }}>
        <div className="sticky top-0 z-20 flex" style={{ height: colHeaderH, width: rowHeaderW + totalW }}>
          <div className="sticky left-0 z-30 flex items-end bg-slate-950 p-1 text-[10px] text-slate-500" style={{ width: rowHeaderW, height: colHeaderH }}>
            node ↓ · peer →
          </div>
          <div className="relative bg-slate-950" style={{ width: totalW, height: colHeaderH }}>
            {vCols.map((vc) => {
              const c = matrix.cols[vc.index];
              return c ? (
                <div
                  key={vc.key}
                  role="columnheader"
                  title={c.node ? `${c.ip} (${c.node})` : c.ip}
                  className={`absolute bottom-0 overflow-hidden font-mono text-[10px] whitespace-nowrap ${c.node ? 'text-sky-300' : 'text-slate-400'} ${active?.col === vc.index ? 'bg-slate-800' : ''}`}
                  style={{ left: vc.start - rowHeaderW, width: cellW, height: colHeaderH, writingMode: 'vertical-rl', transform: 'rotate(180deg)' }}
                >
                  {c.ip}
                </div>
              ) : null;
            })}
          </div>
        </div>
        <div className="flex">
          <div className="sticky left-0 z-10 bg-slate-950" style={{ width: rowHeaderW, height: totalH }}>
            {vRows.map((vr) => {
              const r = matrix.rows[rowOrder[vr.index] ?? -1];
              return r ? (
                <div
                  key={vr.key}
                  role="rowheader"
                  className={`absolute left-0 truncate px-1 font-mono text-[11px] leading-5 ${active?.row === vr.index ? 'bg-slate-800 text-white' : r.fresh ? 'text-slate-300' : 'text-slate-500 italic'}`}
                  style={{ top: vr.start - colHeaderH, width: rowHeaderW, height: cellH }}
                  title={r.fresh ? undefined : 'no fresh data from this node: its cells are unknown (see the fleet grid for the poll error)'}
                  data-fresh={r.fresh ? 'true' : 'false'}
                >
                  {r.name}
                  {r.fresh ? null : ' · unknown'}
                </div>
              ) : null;
            })}
          </div>
          <div className="relative" style={{ width: totalW, height: totalH }}>
            <canvas
              ref={canvasRef}
              onClick={onCanvasClick}
              className="sticky block cursor-pointer"
              style={{ top: colHeaderH, left: rowHeaderW, width: viewport.width, height: viewport.height, marginBottom: -viewport.height }}
            />
            {selected ? overlay(selected, 'selected') : null}
            {active ? overlay(active, 'active') : null}
          </div>
        </div>
      </div>
    </div>
  );
}
