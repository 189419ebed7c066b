import 'server-only';
import { getDb, type Queryable } from '@/lib/db';
import { buildPeerGrid } from '@/lib/api/peer-grid-build';
import { derivePollFreshness } from '@/lib/api/poll-freshness';
import type { PeerGridResponse } from '@/lib/api/peer-matrix';
import { loadDiagnoses } from './load-diagnoses';

// GET /api/peers: node × liveness peer with verdict and warnings, live or at a past moment.
export async function listPeerGrid(opts: { now: Date; at?: Date; db?: Queryable }): Promise<PeerGridResponse> {
  const db = opts.db ?? (await getDb());
  const asOf = opts.at ?? opts.now;
  const [diagnoses, status] = await Promise.all([
    loadDiagnoses({ now: opts.now, at: opts.at, db }),
    db.query<{ node: string; state: 'pending' | 'ok' | 'error' | 'host-key-changed'; last_poll_at: Date | null; last_success_at: Date | null }>(
      'select node, state, last_poll_at, last_success_at from node_status',
    ),
  ]);
  const statusOf = new Map(status.rows.map((s) => [s.node, s]));
  const nodes = [...diagnoses].map(([name, view]) => {
    const s = statusOf.get(name);
    // Pinned views are history: a recorded state is what held then. Live views need a fresh poll.
    const fresh = opts.at
      ? view.state !== null
      : derivePollFreshness({ storedState: s?.state ?? null, lastPollAt: s?.last_poll_at ?? null, lastSuccessAt: s?.last_success_at ?? null }, opts.now).state === 'ok';
    return { name, state: view.state, diagnosis: view.diagnosis, fresh };
  });
  return buildPeerGrid(nodes, asOf.toISOString(), opts.at !== undefined);
}
