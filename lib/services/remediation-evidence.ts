import 'server-only';
import { eventFromRow, livenessEventColumns, livenessEventRowSchema } from './liveness-event-rows';
import { z } from 'zod';
import type { NodeEvidence } from '../actions/ports';
import { bundleSchema } from '../bundle/types';
import type { Queryable } from '../db';
import { DEFAULT_WINDOW_MS, diagnose } from '../diagnosis/diagnose';
import { pollFreshness } from '../diagnosis/freshness';
import { normalizeBundle } from '../model/normalize';

// The evidence a remediation is judged on: the diagnosis of the node's latest stored poll.
// `since` (after an action): only log lines written after the action count. Otherwise a fixed stale
// session would stay "stale" until its old warnings leave the 15-minute window, and no restart could
// ever be verified. Node and server clocks are assumed to agree within seconds (NTP).

const statusRow = z.object({
  state: z.enum(['pending', 'ok', 'error', 'host-key-changed']),
  last_success_at: z.date().nullable(),
  last_error: z.object({ message: z.string().optional() }).passthrough().nullable(),
});

export async function readNodeEvidence(db: Queryable, node: string, opts: { now?: Date; since?: Date } = {}): Promise<NodeEvidence> {
  const now = opts.now ?? new Date();
  const raw = await db.query('select bundle from node_raw where node = $1', [node]);
  const bundle = bundleSchema.safeParse(raw.rows[0]?.bundle);
  if (!bundle.success) return { collectedAt: null, verdicts: [] };
  const statusRows = await db.query('select state, last_success_at, last_error from node_status where node = $1', [node]);
  const status = statusRow.safeParse(statusRows.rows[0]);
  const freshness = pollFreshness(
    status.success
      ? { state: status.data.state, lastSuccessAt: status.data.last_success_at?.toISOString() ?? null, lastError: status.data.last_error?.message ?? null }
      : { state: 'pending', lastSuccessAt: null },
    now,
  );

  const state = normalizeBundle(bundle.data);
  const windowStart = new Date(Date.parse(state.collectedAt) - DEFAULT_WINDOW_MS);
  const from = opts.since && opts.since > windowStart ? opts.since : windowStart;
  const earlier = await db.query(
    `select ${livenessEventColumns} from liveness_events where node = $1 and at >= $2 and at <= $3 order by at`,
    [node, from, new Date(state.collectedAt)],
  );
  const earlierEvents = earlier.rows.flatMap((r) => {
    const e = livenessEventRowSchema.safeParse(r);
    return e.success ? [eventFromRow(e.data)] : [];
  });
  const sinceIso = opts.since?.toISOString();
  const judged = sinceIso ? { ...state, events: state.events.filter((e) => e.at >= sinceIso) } : state;
  const diagnosis = diagnose(judged, { freshness, earlierEvents });
  return { collectedAt: state.collectedAt, verdicts: diagnosis.peers.map((p) => ({ peer: p.peer, verdict: p.verdict })) };
}
