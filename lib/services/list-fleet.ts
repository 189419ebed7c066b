import 'server-only';
import { getDb, type Queryable } from '@/lib/db';
import { bundleSchema } from '@/lib/bundle/types';
import { buildFleetChecks } from '@/lib/api/fleet-checks';
import { defaultStaleAfterMs, derivePollFreshness } from '@/lib/api/poll-freshness';
import { pollErrorSchema, type FleetResponse, type FleetRow } from '@/lib/api/fleet';
import { summarizeBundle } from '@/lib/api/summarize-bundle';
import { getFleetSource } from './get-fleet-source';
import { z } from 'zod';

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
  bundle: unknown;
}

const tagsSchema = z.array(z.string()).catch([]);

// The fleet page's rows: inventory + poll status + facts of the latest bundle + warnings of the last 15 min.
export async function listFleet(opts: { now: Date; at?: Date; db?: Queryable; only?: string }): Promise<FleetResponse> {
  const db = opts.db ?? (await getDb());
  const now = opts.at ?? opts.now;
  const [{ rows }, warnings] = await Promise.all([
    db.query<FleetSqlRow>(
      `select n.name, n.site, n.tags, s.state, s.last_poll_at, s.last_success_at, s.poll_ms, s.last_error,
              r.collected_at, r.bundle
         from nodes n
         left join node_status s on s.node = n.name
         left join node_raw r on r.node = n.name
        where $1::text is null or n.name = $1
        order by n.name`,
      [opts.only ?? null],
    ),
    countWarnings(db, new Date(now.getTime() - warningWindowMs), now),
  ]);
  const nodes = rows.map((row) => toFleetRow(row, warnings.get(row.name) ?? 0, now));
  return { source: getFleetSource(), asOf: now.toISOString(), pinned: opts.at !== undefined, staleAfterMs: defaultStaleAfterMs, nodes };
}

export async function countWarnings(db: Queryable, from: Date, to: Date): Promise<Map<string, number>> {
  const { rows } = await db.query<{ node: string; n: number }>(
    `select node, count(*)::int as n from liveness_events
      where upper(level) in ('WARN', 'WARNING') and at > $1 and at <= $2
      group by node`,
    [from, to],
  );
  return new Map(rows.map((r) => [r.node, r.n]));
}

function toFleetRow(row: FleetSqlRow, warnings15m: number, now: Date): FleetRow {
  const poll = derivePollFreshness(
    { storedState: row.state, lastPollAt: row.last_poll_at, lastSuccessAt: row.last_success_at },
    now,
  );
  const error = pollErrorSchema.safeParse(row.last_error);
  const bundle = bundleSchema.safeParse(row.bundle);
  const facts = bundle.success ? summarizeBundle(bundle.data) : null;
  const worstVerdict = null;
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
      error: error.success ? error.data : null,
    },
    collectedAt: row.collected_at?.toISOString() ?? null,
    link: facts?.link ?? 'unknown',
    warnings15m,
    worstVerdict,
    checks: buildFleetChecks({
      poll: { ...poll, errorMessage: error.success ? error.data.message : null },
      facts,
      warnings15m,
      worstVerdict,
    }),
  };
}
