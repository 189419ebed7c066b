import { z } from 'zod';
import { verdicts, type Verdict } from '../diagnosis/verdict-schema';

const isoSchema = z.string().datetime({ offset: true });

// GET /api/peers: node × liveness peer. Cells are sparse tuples so a big fleet stays a small payload:
// [row, col, verdict index in `verdicts`, warnings in the window].
export const peerGridResponseSchema = z.object({
  asOf: isoSchema,
  pinned: z.boolean(),
  /** live grids: the version (also the ETag) live updates name; absent when pinned */
  version: z.string().optional(),
  // fresh: false when the node's poll is failing or stale: all it shows is unknown, even with no cells
  rows: z.array(z.object({ name: z.string(), ip: z.string().nullable(), fresh: z.boolean().default(true) })),
  cols: z.array(z.object({ ip: z.string(), node: z.string().nullable() })),
  cells: z.array(
    z.tuple([
      z.number().int(),
      z.number().int(),
      z
        .number()
        .int()
        .min(0)
        .max(verdicts.length - 1),
      z.number().int().nonnegative(),
    ]),
  ),
});
export type PeerGridResponse = z.infer<typeof peerGridResponseSchema>;

/** No liveness session between this node and this peer. */
export const noSession = 255;

// Dense, typed form for rendering: 1,000 × 1,000 cells are two flat arrays, not a million objects.
export interface PeerMatrix {
  rows: { name: string; ip: string | null; fresh: boolean }[];
  cols: { ip: string; node: string | null }[];
  /** verdict index per cell (row-major), noSession when there is none */
  verdict: Uint8Array;
  warnings: Uint16Array;
  /** for each row: its column when the node is also a peer, else -1 */
  rowAsCol: Int32Array;
  /** for each column: its row when the peer is also a fleet node, else -1 */
  colAsRow: Int32Array;
}

export function buildPeerMatrix(res: PeerGridResponse): PeerMatrix {
  const n = res.rows.length * res.cols.length;
  const verdict = new Uint8Array(n).fill(noSession);
  const warnings = new Uint16Array(n);
  for (const [r, c, v, w] of res.cells) {
    if (r < 0 || r >= res.rows.length || c < 0 || c >= res.cols.length) continue;
    verdict[r * res.cols.length + c] = v;
    warnings[r * res.cols.length + c] = Math.min(w, 65_535);
  }
  return withCrossIndex(res.rows, res.cols, verdict, warnings);
}

function withCrossIndex(rows: PeerMatrix['rows'], cols: PeerMatrix['cols'], verdict: Uint8Array, warnings: Uint16Array): PeerMatrix {
  const rowByName = new Map(rows.map((r, i) => [r.name, i]));
  const colByIp = new Map(cols.map((c, i) => [c.ip, i]));
  const rowAsCol = Int32Array.from(rows, (r) => (r.ip !== null ? (colByIp.get(r.ip) ?? -1) : -1));
  const colAsRow = Int32Array.from(cols, (c) => (c.node !== null ? (rowByName.get(c.node) ?? -1) : -1));
  return { rows, cols, verdict, warnings, rowAsCol, colAsRow };
}

export function cellVerdict(m: PeerMatrix, row: number, col: number): Verdict | null {
  const v = m.verdict[row * m.cols.length + col];
  return v === undefined || v === noSession ? null : (verdicts[v] ?? null);
}

/** The same pair seen from the peer's side (B→A for A→B), when the peer is a fleet node. */
export function reverseCell(m: PeerMatrix, row: number, col: number): { row: number; col: number } | null {
  const peerRow = m.colAsRow[col] ?? -1;
  const myCol = m.rowAsCol[row] ?? -1;
  return peerRow >= 0 && myCol >= 0 ? { row: peerRow, col: myCol } : null;
}

const failing = (v: Verdict | null) => v !== null && v !== 'healthy' && v !== 'unknown';

/** A→B fails while B→A is healthy (or the other way round): a one-sided fault worth flagging. */
export function isAsymmetric(m: PeerMatrix, row: number, col: number): boolean {
  const rev = reverseCell(m, row, col);
  if (!rev) return false;
  const a = cellVerdict(m, row, col);
  const b = cellVerdict(m, rev.row, rev.col);
  return (failing(a) && b === 'healthy') || (failing(b) && a === 'healthy');
}

/**
 * A deterministic synthetic matrix for the 1,000 × 1,000 benchmark and its e2e test (`/peers?synthetic=RxC`):
 * the first min(R, C) peers are fleet nodes, so both directions and asymmetry occur; faults come in
 * clusters like real incidents do.
 */
export function syntheticPeerMatrix(rowCount: number, colCount: number, seed = 1): PeerMatrix {
  const rand = mulberry32(seed);
  const ipOf = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  const rows = Array.from({ length: rowCount }, (_, i) => ({ name: `sim-${String(i).padStart(4, '0')}`, ip: i < colCount ? ipOf(i) : null, fresh: true }));
  const cols = Array.from({ length: colCount }, (_, j) => ({ ip: ipOf(j), node: j < rowCount ? `sim-${String(j).padStart(4, '0')}` : null }));
  const verdict = new Uint8Array(rowCount * colCount).fill(noSession);
  const warnings = new Uint16Array(rowCount * colCount);
  const idx = (v: Verdict) => verdicts.indexOf(v);
  for (let r = 0; r < rowCount; r++) {
    const rowFault = rand();
    const unknownRow = rowFault < 0.02;
    rows[r]!.fresh = !unknownRow;
    const staleRow = rowFault > 0.97;
    for (let c = 0; c < colCount; c++) {
      if (r === c) continue;
      const x = rand();
      if (x < 0.05) continue; // no session
      const i = r * colCount + c;
      let v: Verdict = 'healthy';
      if (unknownRow) v = 'unknown';
      else if (staleRow && x < 0.6) v = 'stale-session';
      else if (x > 0.998) v = 'firewall-blocked';
      else if (x > 0.996) v = 'no-route';
      verdict[i] = idx(v);
      warnings[i] = v === 'healthy' || v === 'unknown' ? 0 : 1 + Math.floor(rand() * 180);
    }
  }
  return withCrossIndex(rows, cols, verdict, warnings);
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export const syntheticParamSchema = z
  .string()
  .regex(/^\d{1,4}x\d{1,4}$/)
  .transform((s) => {
    const [r, c] = s.split('x').map(Number);
    return { rows: Math.min(r ?? 0, 2_000), cols: Math.min(c ?? 0, 2_000) };
  });
