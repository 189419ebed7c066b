import 'server-only';
import { z } from 'zod';
import type { Queryable } from '@/lib/db';
import { defaultStaleAfterMs, derivePollFreshness } from '@/lib/node/poll-freshness';
import { verdictRank, verdicts, type Verdict } from '@/lib/diagnosis/types';
import { currentNodeVerdict, type VerdictSnapshot } from '@/lib/metrics/verdict-series';

// The verdicts the agent stored with each poll (node_summary, peer_verdicts), as the per-node and per-peer
// /metrics series read them. Freshness as the grids judge it: a node whose poll is not fresh is unknown,
// and its cells are not reported (its node series says unknown instead).

export { defaultMaxPeerSeries } from '@/lib/settings/settings';

const nodeRowSchema = z.object({
  name: z.string(),
  state: z.enum(['pending', 'ok', 'error', 'host-key-changed']).nullable(),
  last_poll_at: z.date().nullable(),
  last_success_at: z.date().nullable(),
  worst_verdict: z.string().nullable(),
  node_unknown: z.string().nullable(),
});
const peerRowSchema = z.object({ node: z.string(), peer: z.string(), verdict: z.string() });

/** Worst first, as the diagnosis ranks them; a verdict the ranking does not know sorts last. */
const worstFirst = [...verdicts].sort((a: Verdict, b: Verdict) => verdictRank(a) - verdictRank(b));

export async function collectVerdictSnapshot(db: Queryable, opts: { now: Date; maxPeerSeries: number }): Promise<VerdictSnapshot> {
  const { rows } = await db.query(
    `select n.name, s.state, s.last_poll_at, s.last_success_at, ns.worst_verdict, ns.node_unknown
       from nodes n left join node_status s on s.node = n.name left join node_summary ns on ns.node = n.name
      order by n.name`,
  );
  const nodes = rows.map((raw) => {
    const r = nodeRowSchema.parse(raw);
    const fresh =
      derivePollFreshness({ storedState: r.state, lastPollAt: r.last_poll_at, lastSuccessAt: r.last_success_at }, opts.now, defaultStaleAfterMs).state === 'ok';
    return { node: r.name, fresh, verdict: currentNodeVerdict({ fresh, nodeUnknown: r.node_unknown, worst: r.worst_verdict }) };
  });
  const freshNodes = nodes.filter((n) => n.fresh).map((n) => n.node);
  const [peers, total] = await Promise.all([
    db.query(
      `select node, peer, verdict from peer_verdicts
        where verdict <> 'healthy' and node = any($1::text[])
        order by coalesce(array_position($2::text[], verdict), 1000), node, peer
        limit $3`,
      [freshNodes, worstFirst, opts.maxPeerSeries],
    ),
    db.query<{ n: number }>(`select count(*)::int as n from peer_verdicts where verdict <> 'healthy' and node = any($1::text[])`, [freshNodes]),
  ]);
  const reported = peers.rows.map((r) => peerRowSchema.parse(r));
  return {
    nodes: nodes.map(({ node, verdict }) => ({ node, verdict })),
    peers: reported,
    peersOmitted: Math.max(0, (total.rows[0]?.n ?? 0) - reported.length),
    peerSeriesCap: opts.maxPeerSeries,
  };
}
