import 'server-only';
import { loadSessionEvents, SESSION_MEMORY_MS } from '../../ingest/store/session-events';
import type { EventLike } from '@/lib/diagnosis/sessions';
import { z } from 'zod';
import { getDb, type Queryable } from '@/lib/db';
import { requiredSections, type Bundle } from '@/lib/bundle/types';
import { restateAt } from '@/lib/storage/verdict-row';
import { loadLatestBundles } from '../../ingest/store/raw-sections';
import { diagnose, DEFAULT_WINDOW_MS } from '@/lib/diagnosis/diagnose';
import { pollFreshness } from '@/lib/diagnosis/freshness';
import { worstVerdict, type NodeDiagnosis, type PeerVerdict } from '@/lib/diagnosis/types';
import type { NodeState, StableNodeState } from '@/lib/model/node-state';
import { normalizeBundle } from '@/lib/model/normalize';
import { defaultStaleAfterMs } from '@/lib/node/poll-freshness';
import { tunnelLinkState } from '@/lib/node/summarize-state';
import { loadNodeStateAt } from '../../node/store/load-node-state-at';
import type { StoredPollState } from '@/lib/diagnosis/freshness';
import { AppError } from '@/lib/errors';
import { formatDuration, pinnedSource, type Retention } from '@/lib/storage/retention-config';
import { currentRetention } from '../../storage/store/retention-settings';
import { loadRecordedVerdictsAt } from './load-verdict-changes';
import { peerVerdictOf, recordedPeerRowSchema, storedNodeLevelSchema } from './recorded-diagnosis-rows';

export interface NodeDiagnosisView {
  /** the normalized state the diagnosis read; null when there is none for this moment */
  state: StableNodeState | null;
  /** section problems of a live bundle, readable */
  issues: string[];
  diagnosis: NodeDiagnosis | null;
  /** when the diagnosed state was first seen (pinned views), or its collection time (live) */
  stateSince: string | null;
  /** why there is no diagnosis, when there is none */
  missing: string | null;
}

// The diagnosis (lib/diagnosis) of every node, live or at a past moment:
// - live: the diagnosis the poll recorded with its latest bundle (node_summary, peer_verdicts, restated at that
//   poll's moment), or the latest raw bundle normalized and diagnosed with the stored log when none was recorded;
// - pinned (`at`): the change-only state history in effect at `at` with the events of the window before it;
//   when the log of that time is past its retention, the verdicts recorded when they last changed before `at`;
//   older than the kept history: a 410 that says how far back the store keeps.
export async function loadDiagnoses(opts: {
  now: Date;
  at?: Date;
  only?: string;
  db?: Queryable;
  retention?: Retention;
}): Promise<Map<string, NodeDiagnosisView>> {
  const db = opts.db ?? (await getDb());
  const asOf = opts.at ?? opts.now;
  const retention = opts.retention ?? currentRetention();
  // The log a pinned diagnosis reads reaches back the session memory and the window before the moment.
  const source = opts.at ? pinnedSource(retention, opts.at, opts.now, SESSION_MEMORY_MS + DEFAULT_WINDOW_MS) : null;
  if (source?.kind === 'gone') {
    throw new AppError(
      'gone',
      `${opts.at!.toISOString()} is older than what this store keeps: state history and verdicts are kept for ${formatDuration(retention.history)} (FNH_RETAIN_HISTORY), from ${source.keptFrom.toISOString()}`,
      { keptFrom: source.keptFrom.toISOString() },
    );
  }
  // Pinned: the verdicts as recorded at that moment: all of them once the log is past its retention, and
  // otherwise each verdict's "since" (when it began, from the change-only history, as live views show it).
  const recordedAtMoment = opts.at ? await loadRecordedVerdictsAt(db, opts.at, opts.only) : null;
  const recordedAt = source?.kind === 'recorded' ? recordedAtMoment : null;
  const { rows } = await db.query<{
    name: string;
    state: StoredPollState | null;
    last_success_at: Date | null;
    last_error: { message?: unknown } | null;
    /** the moment of the diagnosis recorded with the latest bundle; null when none was */
    recorded_at: Date | null;
    node_unknown: string | null;
    node_level: unknown;
  }>(
    `select n.name, s.state, s.last_success_at, s.last_error,
            case when s.diagnosed_at = s.last_success_at and ns.diagnosis is not null then s.diagnosed_at end as recorded_at,
            ns.node_unknown, ns.diagnosis as node_level
       from nodes n left join node_status s on s.node = n.name left join node_summary ns on ns.node = n.name
      where $1::text is null or n.name = $1 order by n.name`,
    [opts.only ?? null],
  );
  const bundles = opts.at ? new Map<string, Bundle>() : await loadLatestBundles(db, opts.only ? [opts.only] : undefined);
  const stored = opts.at
    ? new Map<string, PeerVerdict[]>()
    : await loadRecordedVerdicts(db, new Map(rows.filter((r) => r.recorded_at !== null).map((r) => [r.name, r.recorded_at!.toISOString()])));
  // The nodes diagnosed here (pinned: all; live: those without a recorded diagnosis of their latest bundle)
  // read the stored log exactly as the agent's ingest does, so a view and the ingest cannot disagree.
  const eventsOf = (node: string): Promise<EventLike[]> => loadSessionEvents(db, node, asOf, DEFAULT_WINDOW_MS);

  const out = new Map<string, NodeDiagnosisView>();
  for (const row of rows) {
    if (opts.at) {
      const past = await loadNodeStateAt(db, row.name, opts.at);
      if (!past) {
        out.set(row.name, { state: null, issues: [], diagnosis: null, stateSince: null, missing: 'no state recorded for this node at or before this moment' });
        continue;
      }
      const state: NodeState = {
        ...past.state,
        node: row.name,
        collectedAt: opts.at.toISOString(),
        events: [],
        metrics: [],
        // History keeps only readable states, so the required sections were read; nft is known iff stored.
        // the stored log stands for the journal of that moment
        sections: { ...Object.fromEntries(requiredSections.map((s) => [s, 'ok' as const])), nft: past.state.firewall ? 'ok' : 'missing', journal: 'ok' },
        issues: [],
      };
      if (recordedAt) {
        // The log of that time is no longer kept: the verdicts as recorded when they last changed before it.
        const r = recordedAt.get(row.name);
        out.set(row.name, {
          state: past.state,
          issues: [],
          diagnosis: r
            ? {
                node: row.name,
                collectedAt: opts.at.toISOString(),
                ...r,
                doublezero0: tunnelLinkState(past.state),
                warningsInWindow: r.peers.reduce((n, p) => n + p.warnings, 0),
              }
            : null,
          stateSince: past.since.toISOString(),
          missing: r ? null : 'no verdict recorded at or before this moment (the log of that time is past its retention)',
        });
        continue;
      }
      const diagnosis = withRecordedSince(diagnose(state, { earlierEvents: await eventsOf(row.name) }), recordedAtMoment?.get(row.name)?.peers ?? []);
      out.set(row.name, { state: past.state, issues: [], diagnosis, stateSince: past.since.toISOString(), missing: null });
      continue;
    }
    const bundle = bundles.get(row.name);
    if (!bundle) {
      out.set(row.name, { state: null, issues: [], diagnosis: null, stateSince: null, missing: 'nothing collected from this node yet' });
      continue;
    }
    const freshness = pollFreshness(
      {
        state: row.state ?? 'pending',
        lastSuccessAt: row.last_success_at?.toISOString() ?? null,
        lastError: typeof row.last_error?.message === 'string' ? row.last_error.message : null,
      },
      opts.now,
      defaultStaleAfterMs,
    );
    const state = normalizedState(row.name, bundle);
    // The agent records each poll's diagnosis (with sessions remembered from the whole stored log); use it
    // when it describes this very bundle, and diagnose on read otherwise.
    const recorded = stored.get(row.name);
    const nodeLevel = recorded ? storedNodeLevelSchema.safeParse(row.node_level) : null;
    const diagnosis: NodeDiagnosis =
      recorded && nodeLevel?.success
        ? {
            node: row.name,
            collectedAt: bundle.meta.collectedAt,
            nodeUnknown: freshness.fresh ? row.node_unknown : freshness.reason,
            peers: recorded,
            // the findings were judged on fresh data; a stale node shows none of them as current
            findings: freshness.fresh ? nodeLevel.data.findings : [],
            tunnels: nodeLevel.data.tunnels,
            daemon: nodeLevel.data.daemon,
            knownIssues: freshness.fresh ? nodeLevel.data.knownIssues : [],
            worst: freshness.fresh ? worstVerdict([...recorded.map((p) => p.verdict), ...nodeLevel.data.findings.map((f) => f.verdict)]) : 'unknown',
            doublezero0: tunnelLinkState(state),
            warningsInWindow: recorded.reduce((n, p) => n + p.warnings, 0),
          }
        : diagnose(state, { freshness, earlierEvents: await eventsOf(row.name) });
    out.set(row.name, {
      state,
      issues: state.issues.map((i) => `${i.section}: ${i.message}`),
      diagnosis,
      stateSince: bundle.meta.collectedAt,
      missing: null,
    });
  }
  // Forget nodes that left the inventory.
  if (!opts.only) for (const node of normalized.keys()) if (!out.has(node)) normalized.delete(node);
  return out;
}

/**
 * A verdict the ingest recorded as already in effect began when the record says, as in the live views; the
 * log alone can only tell the first failure it still holds (none for a stale session the throttle has not
 * named inside the window).
 */
function withRecordedSince(d: NodeDiagnosis, recorded: readonly PeerVerdict[]): NodeDiagnosis {
  const sinceOf = new Map(recorded.filter((r) => r.since !== null).map((r) => [`${r.peer}\u0000${r.verdict}`, r.since]));
  return { ...d, peers: d.peers.map((p) => ({ ...p, since: sinceOf.get(`${p.peer}\u0000${p.verdict}`) ?? p.since })) };
}

const recordedRowSchema = recordedPeerRowSchema.extend({
  node: z.string(),
  /** the window end the stored evidence names (null: rows written before it was stored, see diagnosed_at) */
  window_end: z.date().nullable(),
  diagnosed_at: z.date(),
});

// Each node's recorded verdicts, restated at the moment of its latest poll (`momentOf`, ISO): a row is
// rewritten only when it changed, so its evidence names the window of the poll that last wrote it.
async function loadRecordedVerdicts(db: Queryable, momentOf: ReadonlyMap<string, string>): Promise<Map<string, PeerVerdict[]>> {
  const out = new Map<string, PeerVerdict[]>();
  if (momentOf.size === 0) return out;
  const { rows } = await db.query(
    `select node, peer, interface, local_ip, verdict, warnings, last_warning_at, evidence, details, since, window_end, diagnosed_at
       from peer_verdicts where node = any($1::text[]) order by node, peer`,
    [[...momentOf.keys()]],
  );
  for (const raw of rows) {
    const r = recordedRowSchema.parse(raw);
    const list = out.get(r.node) ?? [];
    const moment = momentOf.get(r.node)!;
    list.push(restateAt(peerVerdictOf(r), (r.window_end ?? r.diagnosed_at).toISOString(), moment));
    out.set(r.node, list);
  }
  return out;
}

// Normalizing a bundle costs milliseconds (the journal is parsed too); with 1,000 nodes and a grid refreshed
// every 2 s that adds up. A bundle never changes once stored, so keep each node's latest normalized state.
const normalized = new Map<string, { collectedAt: string; state: NodeState }>();

function normalizedState(node: string, bundle: Bundle): NodeState {
  const hit = normalized.get(node);
  if (hit && hit.collectedAt === bundle.meta.collectedAt) return hit.state;
  const state = normalizeBundle(bundle);
  normalized.set(node, { collectedAt: bundle.meta.collectedAt, state });
  return state;
}
