import 'server-only';
import { z } from 'zod';
import { getDb, type Queryable } from '@/lib/db';
import { buildFleetChecks } from '@/lib/api/fleet-checks';
import { defaultStaleAfterMs, derivePollFreshness, type PollFreshness } from '@/lib/api/poll-freshness';
import { pollErrorSchema, type FleetResponse, type FleetRow } from '@/lib/api/fleet';
import { summarizeState } from '@/lib/api/summarize-state';
import { getFleetSource } from './get-fleet-source';
import { loadDiagnoses, type NodeDiagnosisView } from './load-diagnoses';

const warningWindowMs = 15 * 60_000;

interface FleetSqlRow {
  name: string;
  site: string | null;
  tags: unknown;
  state: 'pending' | 'ok' | 'error' | 'host-key-changed' | null;
  last_poll_at: Date | null;
  last_success_at: Date | null;
  poll_ms: number | null;
  last_error: unknown;
  collected_at: Date | null;
}

const tagsSchema = z.array(z.string()).catch([]);

// The fleet grid's rows: inventory + poll status + facts and worst verdict of the node's state + warnings
// of the 15 minutes before the view's moment. Pinned (`at`): the state from history at that moment.
export async function listFleet(opts: { now: Date; at?: Date; db?: Queryable; only?: string }): Promise<FleetResponse> {
  const db = opts.db ?? (await getDb());
  const asOf = opts.at ?? opts.now;
  const [{ rows }, warnings, diagnoses] = await Promise.all([
    db.query<FleetSqlRow>(
      `select n.name, n.site, n.tags, s.state, s.last_poll_at, s.last_success_at, s.poll_ms, s.last_error, r.collected_at
         from nodes n
         left join node_status s on s.node = n.name
         left join node_raw r on r.node = n.name
        where $1::text is null or n.name = $1
        order by n.name`,
      [opts.only ?? null],
    ),
    countWarnings(db, new Date(asOf.getTime() - warningWindowMs), asOf, opts.only),
    loadDiagnoses({ now: opts.now, at: opts.at, only: opts.only, db }),
  ]);
  const nodes = rows.map((row) => toFleetRow(row, warnings.get(row.name) ?? 0, diagnoses.get(row.name), opts.now, opts.at));
  return { source: getFleetSource(), asOf: asOf.toISOString(), pinned: opts.at !== undefined, staleAfterMs: defaultStaleAfterMs, nodes };
}

export async function countWarnings(db: Queryable, from: Date, to: Date, only?: string): Promise<Map<string, number>> {
  const { rows } = await db.query<{ node: string; n: number }>(
    `select node, count(*)::int as n from liveness_events
      where upper(level) in ('WARN', 'WARNING') and at > $1 and at <= $2 and ($3::text is null or node = $3)
      group by node`,
    [from, to, only ?? null],
  );
  return new Map(rows.map((r) => [r.node, r.n]));
}

function toFleetRow(row: FleetSqlRow, warnings15m: number, view: NodeDiagnosisView | undefined, now: Date, at: Date | undefined): FleetRow {
  // Poll status has no history: a pinned view is "ok" when a recorded state covers the moment, else unknown.
  const poll: PollFreshness = at
    ? { state: view?.state ? 'ok' : 'pending', dataAgeMs: view?.stateSince ? at.getTime() - Date.parse(view.stateSince) : null, pollAgeMs: null }
    : derivePollFreshness({ storedState: row.state, lastPollAt: row.last_poll_at, lastSuccessAt: row.last_success_at }, now);
  const error = at ? null : pollErrorSchema.safeParse(row.last_error).data ?? null;
  const facts = view?.state ? summarizeState(view.state) : null;
  const worstVerdict = view?.diagnosis?.nodeUnknown ? 'unknown' : (view?.diagnosis?.worst ?? null);
  return {
    name: row.name,
    site: row.site,
    tags: tagsSchema.parse(row.tags),
    poll: {
      state: poll.state,
      lastPollAt: row.last_poll_at?.toISOString() ?? null,
      lastSuccessAt: row.last_success_at?.toISOString() ?? null,
      dataAgeMs: poll.dataAgeMs,
      pollMs: row.poll_ms,
      error,
    },
    collectedAt: at ? (view?.stateSince ?? null) : (row.collected_at?.toISOString() ?? null),
    link: facts?.link ?? 'unknown',
    warnings15m,
    worstVerdict,
    checks: buildFleetChecks({
      poll: { ...poll, errorMessage: error?.message ?? null },
      ...(at ? { pinnedStateSince: view?.stateSince ?? null } : {}),
      facts,
      warnings15m,
      worstVerdict,
    }),
  };
}
