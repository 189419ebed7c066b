import { z } from 'zod';
import type { PeerGridResponse } from './peer-matrix';

// Live updates of the peer grid as changed rows: the server compares the grid it built last with the new
// one; when only cells changed (the same rows and columns in the same order), it sends those rows' cells,
// else it tells the browser to fetch the grid again (a new peer or node, an address moved). Pure.

const cellSchema = z.tuple([z.number().int(), z.number().int().min(0), z.number().int().nonnegative()]);

export const peerGridDeltaSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('rows'),
    /** the grid version the rows apply to, and the one they make */
    from: z.string(),
    to: z.string(),
    asOf: z.string(),
    /** each changed row in full: [column, verdict index, warnings] per cell */
    rows: z.array(z.object({ row: z.number().int().nonnegative(), name: z.string(), fresh: z.boolean(), cells: z.array(cellSchema) })),
  }),
  z.object({ kind: z.literal('reset'), to: z.string() }),
]);
export type PeerGridDelta = z.infer<typeof peerGridDeltaSchema>;

function sameShape(a: PeerGridResponse, b: PeerGridResponse): boolean {
  if (a.rows.length !== b.rows.length || a.cols.length !== b.cols.length) return false;
  for (let i = 0; i < a.rows.length; i++) if (a.rows[i]!.name !== b.rows[i]!.name || a.rows[i]!.ip !== b.rows[i]!.ip) return false;
  for (let i = 0; i < a.cols.length; i++) if (a.cols[i]!.ip !== b.cols[i]!.ip || a.cols[i]!.node !== b.cols[i]!.node) return false;
  return true;
}

function cellsByRow(grid: PeerGridResponse): string[][] {
  const out: string[][] = grid.rows.map(() => []);
  for (const [r, c, v, w] of grid.cells) out[r]?.push(`${c},${v},${w}`);
  return out;
}

/** What turns grid `before` (version `from`) into `after` (version `to`). */
export function peerGridDelta(before: PeerGridResponse, from: string, after: PeerGridResponse, to: string): PeerGridDelta {
  if (!sameShape(before, after)) return { kind: 'reset', to };
  const a = cellsByRow(before);
  const b = cellsByRow(after);
  const rows: Extract<PeerGridDelta, { kind: 'rows' }>['rows'] = [];
  after.rows.forEach((row, i) => {
    if (row.fresh === before.rows[i]!.fresh && a[i]!.join(';') === b[i]!.join(';')) return;
    rows.push({
      row: i,
      name: row.name,
      fresh: row.fresh,
      cells: after.cells.filter(([r]) => r === i).map(([, c, v, w]) => [c, v, w] as [number, number, number]),
    });
  });
  return { kind: 'rows', from, to, asOf: after.asOf, rows };
}

/** Applies a `rows` delta to the grid it was made from; the result equals the grid it was made to. */
export function applyPeerGridDelta(grid: PeerGridResponse, delta: Extract<PeerGridDelta, { kind: 'rows' }>): PeerGridResponse {
  const changed = new Map(delta.rows.map((r) => [r.row, r]));
  const rows = grid.rows.map((r, i) => (changed.has(i) ? { ...r, fresh: changed.get(i)!.fresh } : r));
  const kept = grid.cells.filter(([r]) => !changed.has(r));
  const added = delta.rows.flatMap((r) => r.cells.map(([c, v, w]) => [r.row, c, v, w] as [number, number, number, number]));
  // cells in row order, as the server builds them
  const cells = [...kept, ...added].sort((x, y) => x[0] - y[0]);
  return { ...grid, asOf: delta.asOf, rows, cells, version: delta.to };
}
