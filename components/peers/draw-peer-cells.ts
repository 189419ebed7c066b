import { cellVerdict, isAsymmetric, type PeerMatrix } from '@/lib/peers/peer-matrix';
import { verdictColor } from '@/components/ui/colors';

export interface CellGeometry {
  cellW: number;
  cellH: number;
}

// Paints the visible node × peer cells onto a canvas: a million cells cost only what is in view, with no
// DOM per cell. The canvas covers the viewport; (scrollLeft, scrollTop) is the scroll offset of the cell area.
export function drawPeerCells(
  ctx: CanvasRenderingContext2D,
  m: PeerMatrix,
  rowOrder: Int32Array,
  view: { width: number; height: number; scrollLeft: number; scrollTop: number },
  geo: CellGeometry,
): void {
  const { cellW, cellH } = geo;
  ctx.clearRect(0, 0, view.width, view.height);
  const firstRow = Math.max(0, Math.floor(view.scrollTop / cellH));
  const lastRow = Math.min(rowOrder.length - 1, Math.floor((view.scrollTop + view.height) / cellH));
  const firstCol = Math.max(0, Math.floor(view.scrollLeft / cellW));
  const lastCol = Math.min(m.cols.length - 1, Math.floor((view.scrollLeft + view.width) / cellW));
  ctx.font = '9px ui-monospace, monospace';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  for (let vr = firstRow; vr <= lastRow; vr++) {
    const r = rowOrder[vr] ?? -1;
    if (r < 0) continue;
    const y = vr * cellH - view.scrollTop;
    for (let c = firstCol; c <= lastCol; c++) {
      const v = cellVerdict(m, r, c);
      if (!v) continue;
      const x = c * cellW - view.scrollLeft;
      ctx.fillStyle = verdictColor[v];
      ctx.fillRect(x, y, cellW - 1, cellH - 1);
      const w = m.warnings[r * m.cols.length + c] ?? 0;
      if (w > 0) {
        ctx.fillStyle = '#ffffff';
        ctx.fillText(w > 999 ? '1k+' : String(w), x + cellW / 2, y + cellH / 2);
      }
      if (isAsymmetric(m, r, c)) {
        // a yellow corner: this direction and the reverse one disagree
        ctx.fillStyle = '#fde047';
        ctx.beginPath();
        ctx.moveTo(x + cellW - 8, y);
        ctx.lineTo(x + cellW - 1, y);
        ctx.lineTo(x + cellW - 1, y + 7);
        ctx.fill();
      }
    }
  }
}
