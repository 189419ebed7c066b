import { z } from 'zod';
import { noSession, type PeerMatrix } from './peer-matrix';
import { verdictSchema, verdicts, verdictSeverity } from '../diagnosis/verdict-schema';

// The peer grid's view state in the URL.
export const peerViewSchema = z.object({
  q: z.string().max(200).catch('').default(''),
  verdict: z
    .union([verdictSchema, z.literal('')])
    .catch('')
    .default(''),
  sort: z.enum(['name', 'worst']).catch('name').default('name'),
  node: z.string().max(100).catch('').default(''),
  peer: z.string().max(100).catch('').default(''),
});
export type PeerView = z.infer<typeof peerViewSchema>;

/** Rows to show: name search, "has at least one cell with this verdict", sorted by name or worst cell first. */
export function peerRowOrder(m: PeerMatrix, view: Pick<PeerView, 'q' | 'verdict' | 'sort'>): Int32Array {
  const q = view.q.trim().toLowerCase();
  const want = view.verdict ? verdicts.indexOf(view.verdict) : -1;
  const n = m.cols.length;
  const keep: number[] = [];
  const worst = new Float64Array(m.rows.length);
  for (let r = 0; r < m.rows.length; r++) {
    if (q && !m.rows[r]!.name.toLowerCase().includes(q)) continue;
    let has = want < 0;
    let w = -1;
    for (let c = r * n, end = c + n; c < end; c++) {
      const v = m.verdict[c]!;
      if (v === noSession) continue;
      if (v === want) has = true;
      const s = verdictSeverity(verdicts[v]!);
      if (s > w) w = s;
    }
    if (!has) continue;
    worst[r] = w;
    keep.push(r);
  }
  if (view.sort === 'worst') keep.sort((a, b) => worst[b]! - worst[a]! || m.rows[a]!.name.localeCompare(m.rows[b]!.name));
  return Int32Array.from(keep);
}
