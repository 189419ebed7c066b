import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPeerGridDelta, peerGridDelta } from './peer-grid-delta';
import type { PeerGridResponse } from './peer-matrix';

// Live peer-grid updates as changed rows: applying the delta to the grid it was made from gives exactly the
// grid it was made to; a grid whose rows or columns moved is a reset.

const rows = 6;
const cols = 5;
const gridArb = fc
  .record({
    fresh: fc.array(fc.boolean(), { minLength: rows, maxLength: rows }),
    cells: fc.array(fc.option(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 500 })), { nil: null }), {
      minLength: rows * cols,
      maxLength: rows * cols,
    }),
  })
  .map(({ fresh, cells }): PeerGridResponse => ({
    asOf: '2026-11-26T12:00:00.000Z',
    pinned: false,
    rows: fresh.map((f, i) => ({ name: `n${i}`, ip: `10.0.0.${i}`, fresh: f })),
    cols: Array.from({ length: cols }, (_, j) => ({ ip: `10.0.0.${j}`, node: `n${j}` })),
    cells: cells.flatMap((c, k) => (c ? [[Math.floor(k / cols), k % cols, c[0], c[1]] as [number, number, number, number]] : [])),
  }));

describe('peer grid deltas', () => {
  it('turn the old grid into the new one, row by row', () => {
    fc.assert(
      fc.property(gridArb, gridArb, (before, after) => {
        const next = { ...after, asOf: '2026-11-26T12:00:05.000Z' };
        const delta = peerGridDelta(before, 'v1', next, 'v2');
        expect(delta.kind).toBe('rows');
        if (delta.kind !== 'rows') return;
        expect(applyPeerGridDelta({ ...before, version: 'v1' }, delta)).toEqual({ ...next, version: 'v2' });
        // unchanged rows are not sent
        for (const r of delta.rows)
          expect(
            JSON.stringify(before.cells.filter(([i]) => i === r.row)) !== JSON.stringify(next.cells.filter(([i]) => i === r.row)) ||
              before.rows[r.row]!.fresh !== r.fresh,
          ).toBe(true);
      }),
    );
  });

  it('say reset when a column or a row moved', () => {
    fc.assert(
      fc.property(gridArb, (g) => {
        expect(peerGridDelta(g, 'v1', { ...g, cols: [...g.cols, { ip: '10.9.9.9', node: null }] }, 'v2')).toEqual({ kind: 'reset', to: 'v2' });
        expect(peerGridDelta(g, 'v1', { ...g, rows: g.rows.map((r, i) => (i === 0 ? { ...r, ip: '10.1.1.1' } : r)) }, 'v2')).toEqual({
          kind: 'reset',
          to: 'v2',
        });
      }),
    );
  });
});
