'use client';

import { useCallback, useState, type KeyboardEvent } from 'react';

export interface GridPos {
  row: number;
  col: number;
}

// Roving focus for a grid (WAI-ARIA grid pattern): one cell is tabbable, arrows/Home/End/PageUp/PageDown
// move it, Enter or Space activates. Cells carry data-row/data-col so focus can follow the position.
export function useGridKeyboard(opts: {
  rows: number;
  cols: number;
  pageRows?: number;
  onActivate: (pos: GridPos) => void;
  /** called after the position changes, e.g. to scroll a virtualized grid before focusing */
  onMove?: (pos: GridPos) => void;
}) {
  const [pos, setPos] = useState<GridPos>({ row: 0, col: 0 });
  const clamp = useCallback(
    (p: GridPos): GridPos => ({
      row: Math.max(0, Math.min(opts.rows - 1, p.row)),
      col: Math.max(0, Math.min(opts.cols - 1, p.col)),
    }),
    [opts.rows, opts.cols],
  );
  const onKeyDown = useCallback(
    (e: KeyboardEvent<HTMLElement>) => {
      const page = opts.pageRows ?? 10;
      const moves: Record<string, (p: GridPos) => GridPos> = {
        ArrowUp: (p) => ({ ...p, row: p.row - 1 }),
        ArrowDown: (p) => ({ ...p, row: p.row + 1 }),
        ArrowLeft: (p) => ({ ...p, col: p.col - 1 }),
        ArrowRight: (p) => ({ ...p, col: p.col + 1 }),
        Home: (p) => (e.ctrlKey ? { row: 0, col: 0 } : { ...p, col: 0 }),
        End: (p) => (e.ctrlKey ? { row: opts.rows - 1, col: opts.cols - 1 } : { ...p, col: opts.cols - 1 }),
        PageUp: (p) => ({ ...p, row: p.row - page }),
        PageDown: (p) => ({ ...p, row: p.row + page }),
      };
      const move = moves[e.key];
      if (move) {
        e.preventDefault();
        const next = clamp(move(pos));
        setPos(next);
        opts.onMove?.(next);
        const grid = e.currentTarget;
        // Focus after the browser has had a frame to render a cell that was virtualized away.
        requestAnimationFrame(() => {
          grid.querySelector<HTMLElement>(`[data-row="${next.row}"][data-col="${next.col}"]`)?.focus();
        });
        return;
      }
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        opts.onActivate(pos);
      }
    },
    [opts, pos, clamp],
  );
  return { pos, setPos, onKeyDown };
}
