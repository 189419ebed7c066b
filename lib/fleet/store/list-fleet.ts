import 'server-only';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { getDb, type Queryable } from '@/lib/db';
import { buildFleetChecks } from '@/lib/fleet/fleet-checks';
import { defaultStaleAfterMs, derivePollFreshness, type PollFreshness } from '@/lib/node/poll-freshness';
import { peerFaultVerdicts, pollErrorSchema, type FleetResponse, type FleetRow, type FleetRowSignals } from '@/lib/fleet/fleet';
import { summarizeState } from '@/lib/node/summarize-state';
import { nodeFactsSchema, type NodeFacts } from '@/lib/node/node-facts';
import { verdictSchema, type Verdict } from '@/lib/diagnosis/verdict-schema';
import { pollFreshness } from '@/lib/diagnosis/freshness';
import { LIVE_VIEW_REUSE_MS, SingleFlight } from '@/lib/single-flight';
import { getFleetSource } from './get-fleet-source';
import { loadDiagnoses, type NodeDiagnosisView } from '../../diagnosis/store/load-diagnoses';
import type { StoredPollState } from '@/lib/diagnosis/freshness';

const warningWindowMs = 15 * 60_000;

interface FleetSqlRow {
  name: string;
  site: string | null;
  tags: unknown;
  state: StoredPollState | null;
  last_poll_at: Date | null;
  last_success_at: Date | null;
  poll_ms: number | null;
  last_error: unknown;
  /** live: the key of the summary the latest poll recorded (its facts and signals are read when it changed) */
  content_key: string | null;
  recorded: boolean;
}

const tagsSchema = z.array(z.string()).catch([]);

type ListFleetOptions = { now: Date; at?: Date; db?: Queryable; only?: string; nodes?: readonly string[] };

export interface FleetBody {
  /** the FleetResponse as JSON */
  body: string;
  /** a weak ETag of the body: rows carry ages at the server's clock, so it changes when a second passes */
  etag: string;
}

// Viewers reading the whole live fleet within the same second (a wall screen and the on-call engineers who
// opened it from an alert) share one read and one serialization of its ~1 MB at 1,000 nodes.
const liveFleetBodies = new SingleFlight<FleetBody>({ reuseMs: LIVE_VIEW_REUSE_MS });

/** GET /api/fleet's body, live or at a past moment (`at`). */
export function fleetBody(opts: { now: Date; at?: Date }): Promise<FleetBody> {
  const read = async (): Promise<FleetBody> => {
    const body = JSON.stringify(await listFleet(opts));
    return { body, etag: `W/"f-${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
  };
  return opts.at === undefined ? liveFleetBodies.run('live', read, opts.now.getTime()) : read();
}

// The fleet grid's rows: inventory + poll status + facts and worst verdict of the node's state + warnings
// of the 15 minutes before the view's moment. Live, the facts and verdict each poll recorded (node_summary):
// one query over small rows, no bundle read. Pinned (`at`): the state from history at that moment.
// `nodes` narrows the rows to those nodes (live updates send the rows of the nodes just polled).
export async function listFleet(opts: ListFleetOptions): Promise<FleetResponse> {
  const db = opts.db ?? (await getDb());
  const asOf = opts.at ?? opts.now;
  const names = opts.only !== undefined ? [opts.only] : (opts.nodes ?? null);
  const [{ rows }, warnings] = await Promise.all([
    db.query<FleetSqlRow>(
      `select n.name, n.site, n.tags, s.state, s.last_poll_at, s.last_success_at, s.poll_ms, s.last_error,
              ns.content_key,
              coalesce(s.diagnosed_at = s.last_success_at and ns.facts is not null, false) as recorded
         from nodes n
         left join node_status s on s.node = n.name
         left join node_summary ns on ns.node = n.name
        where $1::text[] is null or n.name = any($1::text[])
        order by n.name`,
      [names],
    ),
    countWarnings(db, new Date(asOf.getTime() - warningWindowMs), asOf, names ?? undefined),
  ]);
  const views = opts.at ? await pinnedViews(db, opts) : await liveViews(db, rows, { now: opts.now, nodes: names });
  const nodes = rows.map((row) => toFleetRow(row, warnings.get(row.name) ?? 0, views.get(row.name), opts.now, opts.at));
  return { source: getFleetSource(), asOf: asOf.toISOString(), pinned: opts.at !== undefined, staleAfterMs: defaultStaleAfterMs, nodes };
}

/** What a fleet row shows of a node's state: its facts, worst verdict, and since when that state holds. */
interface RowView {
  facts: NodeFacts | null;
  /** the verdict of the node's state, before poll freshness is applied */
  worst: Verdict | null;
  /** why the state itself cannot be diagnosed (sections missing), before poll freshness */
  stateUnknown: string | null;
  stateSince: string | null;
  /** when the worst verdict began */
  worstSince: string | null;
  /** a pinned view found a recorded state */
  hasState: boolean;
  signals: FleetRowSignals;
}

const noSignals: FleetRowSignals = { daemonVersion: null, knownIssues: [], peerFaults: [] };

async function pinnedViews(db: Queryable, opts: { now: Date; at?: Date; only?: string }): Promise<Map<string, RowView>> {
  const diagnoses = await loadDiagnoses({ now: opts.now, at: opts.at, only: opts.only, db });
  return new Map([...diagnoses].map(([name, v]) => [name, fromDiagnosis(v)]));
}

// Live: the facts and verdict each poll stored with its diagnosis (node_summary), when they describe the
// latest bundle; nodes without them (a store written before facts were stored) are diagnosed on read.
async function liveViews(db: Queryable, rows: readonly FleetSqlRow[], opts: { now: Date; nodes: readonly string[] | null }): Promise<Map<string, RowView>> {
  const out = new Map<string, RowView>();
  const unrecorded: string[] = [];
  // peer-attributable verdicts per node, on peer_verdicts' (verdict, node) index
  const peerFaults = await db.query<{ node: string; peers: string[] }>(
    `select node, array_agg(peer order by peer) as peers from peer_verdicts
      where verdict = any($1::text[]) and ($2::text[] is null or node = any($2::text[])) group by node`,
    [peerFaultVerdicts, opts.nodes],
  );
  const faultsOf = new Map(peerFaults.rows.map((r) => [r.node, r.peers]));
  const summaries = await recordedSummaries(
    db,
    rows.filter((r) => r.recorded),
  );
  for (const row of rows) {
    const r = summaries.get(row.name);
    if (!row.recorded || !r || !row.last_success_at) {
      unrecorded.push(row.name);
      continue;
    }
    const signals = { daemonVersion: r.daemon_version, knownIssues: r.known_issues.map((k) => k.id), peerFaults: faultsOf.get(row.name) ?? [] };
    out.set(row.name, {
      facts: r.facts,
      worst: r.worst_verdict,
      stateUnknown: r.node_unknown,
      stateSince: row.last_success_at.toISOString(),
      worstSince: r.worst_since?.toISOString() ?? null,
      hasState: true,
      signals,
    });
  }
  if (unrecorded.length === 0) return out;
  const { rows: collected } = await db.query<{ node: string }>(`select distinct node from node_raw_sections where node = any($1::text[])`, [unrecorded]);
  for (const { node } of collected) {
    const view = (await loadDiagnoses({ now: opts.now, only: node, db })).get(node);
    if (view) out.set(node, fromDiagnosis(view));
  }
  return out;
}

const storedSummarySchema = z.object({
  node: z.string(),
  worst_verdict: verdictSchema.nullable(),
  node_unknown: z.string().nullable(),
  facts: nodeFactsSchema,
  worst_since: z.coerce.date().nullable(),
  daemon_version: z.string().nullable(),
  known_issues: z
    .array(z.object({ id: z.string() }))
    .nullable()
    .catch(null)
    .transform((k) => k ?? []),
});

type StoredSummary = z.infer<typeof storedSummarySchema>;

// Each node's recorded summary as this process last read it, by its content key: a summary is rewritten only
// when it changed, so the fleet reads (and parses) the facts and signals of the nodes that changed, not all.
const holder = globalThis as unknown as { __fnhFleetSummaries?: { db: Queryable; byNode: Map<string, { key: string; summary: StoredSummary }> } };

async function recordedSummaries(db: Queryable, rows: readonly FleetSqlRow[]): Promise<Map<string, StoredSummary>> {
  if (holder.__fnhFleetSummaries?.db !== db) holder.__fnhFleetSummaries = { db, byNode: new Map() };
  const cache = holder.__fnhFleetSummaries.byNode;
  const out = new Map<string, StoredSummary>();
  const stale: string[] = [];
  for (const row of rows) {
    const hit = row.content_key !== null ? cache.get(row.name) : undefined;
    if (hit && hit.key === row.content_key) out.set(row.name, hit.summary);
    else stale.push(row.name);
  }
  if (stale.length === 0) return out;
  const { rows: fresh } = await db.query(
    `select node, worst_verdict, node_unknown, facts, worst_since, content_key,
            diagnosis->'daemon'->>'version' as daemon_version, diagnosis->'knownIssues' as known_issues
       from node_summary where node = any($1::text[]) and facts is not null`,
    [stale],
  );
  for (const raw of fresh) {
    const summary = storedSummarySchema.parse(raw);
    out.set(summary.node, summary);
    const key = (raw as { content_key: string | null }).content_key;
    if (key !== null) cache.set(summary.node, { key, summary });
  }
  return out;
}

function fromDiagnosis(v: NodeDiagnosisView): RowView {
  return {
    facts: v.state ? summarizeState(v.state) : null,
    worst: v.diagnosis?.worst ?? null,
    stateUnknown: v.diagnosis?.nodeUnknown ?? null,
    stateSince: v.stateSince,
    worstSince: worstSinceOf(v),
    hasState: v.state !== null,
    signals: signalsOf(v),
  };
}

function signalsOf(v: NodeDiagnosisView): FleetRowSignals {
  const d = v.diagnosis;
  if (!d) return noSignals;
  const faults: readonly string[] = peerFaultVerdicts;
  return {
    daemonVersion: d.daemon.version,
    knownIssues: d.knownIssues.map((k) => k.id),
    peerFaults: [...new Set(d.peers.filter((p) => faults.includes(p.verdict)).map((p) => p.peer))].sort(),
  };
}

// Diagnosed on read: the earliest `since` among the peers that carry the worst verdict (evidence times).
function worstSinceOf(v: NodeDiagnosisView): string | null {
  const d = v.diagnosis;
  if (!d?.worst) return null;
  return (
    d.peers
      .filter((p) => p.verdict === d.worst && p.since !== null)
      .map((p) => p.since!)
      .sort()[0] ?? null
  );
}

export async function countWarnings(db: Queryable, from: Date, to: Date, nodes?: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await db.query<{ node: string; n: number }>(
    `select node, count(*)::int as n from liveness_events
      where msg = 'liveness.scheduler: error writing UDP packet' and at > $1 and at <= $2 and ($3::text[] is null or node = any($3::text[]))
      group by node`,
    [from, to, nodes ?? null],
  );
  return new Map(rows.map((r) => [r.node, r.n]));
}

function toFleetRow(row: FleetSqlRow, warnings15m: number, view: RowView | undefined, now: Date, at: Date | undefined): FleetRow {
  // Poll status has no history: a pinned view is "ok" when a recorded state covers the moment, else unknown.
  const poll: PollFreshness = at
    ? { state: view?.hasState ? 'ok' : 'pending', dataAgeMs: view?.stateSince ? at.getTime() - Date.parse(view.stateSince) : null, pollAgeMs: null }
    : derivePollFreshness({ storedState: row.state, lastPollAt: row.last_poll_at, lastSuccessAt: row.last_success_at }, now);
  const error = at ? null : (pollErrorSchema.safeParse(row.last_error).data ?? null);
  const facts = view?.facts ?? null;
  // Live, a node whose poll is not fresh is unknown whatever its last state said (as the diagnosis would).
  const fresh = at
    ? true
    : pollFreshness({ state: row.state ?? 'pending', lastSuccessAt: row.last_success_at?.toISOString() ?? null }, now, defaultStaleAfterMs).fresh;
  const worstVerdict = !fresh || view?.stateUnknown ? 'unknown' : (view?.worst ?? null);
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
    collectedAt: view?.stateSince ?? null,
    link: facts?.link ?? 'unknown',
    warnings15m,
    worstVerdict,
    worstSince: worstVerdict === 'unknown' ? null : (view?.worstSince ?? null),
    // A node without fresh data shows no current fault or issue; its last known version stays.
    signals: worstVerdict === 'unknown' ? { ...noSignals, daemonVersion: view?.signals.daemonVersion ?? null } : (view?.signals ?? noSignals),
    checks: buildFleetChecks({
      poll: { ...poll, errorMessage: error?.message ?? null },
      ...(at ? { pinnedStateSince: view?.stateSince ?? null } : {}),
      facts,
      warnings15m,
      worstVerdict,
    }),
  };
}
