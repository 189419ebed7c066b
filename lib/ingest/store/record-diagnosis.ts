import 'server-only';
import { createHash } from 'node:crypto';
import type { NodeFacts } from '@/lib/node/node-facts';
import { summarizeState } from '@/lib/node/summarize-state';
import { loadSessionEvents } from './session-events';
import type { Bundle } from '@/lib/bundle/types';
import type { Queryable } from '@/lib/db';
import { DEFAULT_WINDOW_MS, diagnose } from '@/lib/diagnosis/diagnose';
import type { Freshness } from '@/lib/diagnosis/freshness';
import type { NodeDiagnosis, PeerVerdict } from '@/lib/diagnosis/types';
import { normalizeBundle, type ParsedJournal } from '@/lib/model/normalize';
import type { NormalizeCache } from '@/lib/model/normalize-cache';
import { stableVerdictText } from '@/lib/storage/verdict-row';
import { recordNodeState } from './record-node-state';

// The current diagnosis of each node (peer_verdicts, node_summary), written change-only: a verdict row is
// upserted when its content changed (the window's end, which moves with every poll, does not count: see
// lib/storage/verdict-row.ts), a peer that is gone is deleted, the summary is rewritten only when it
// changed, and verdict changes are appended to peer_verdict_changes / node_verdict_changes for pinned views
// older than the kept log. The poll's moment itself lives in node_status.diagnosed_at.

/** What the store holds of a node's recorded diagnosis: read before a poll's diagnosis is written. */
export interface RecordedPrior {
  /** collection time of the diagnosis held (greatest of node_summary.collected_at, node_status.diagnosed_at) */
  moment: Date | null;
  statusExists: boolean;
  /** node_status.diagnosed_at as read: ingest's write guard compares it */
  diagnosedAt: Date | null;
  summary: { worst: string | null; worstSince: Date | null; key: string | null; verdictKey: string | null } | null;
  peers: Map<string, { verdict: string; since: Date | null; key: string | null }>;
}

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The prior of a node the store holds nothing of: what loadRecordedPrior reads for it. */
export function nothingRecorded(): RecordedPrior {
  return { moment: null, statusExists: false, diagnosedAt: null, summary: null, peers: new Map() };
}

export async function loadRecordedPrior(q: Queryable, node: string): Promise<RecordedPrior> {
  const { rows } = await q.query<{
    status_exists: boolean;
    diagnosed_at: Date | null;
    summary_exists: boolean;
    collected_at: Date | null;
    worst_verdict: string | null;
    worst_since: Date | null;
    content_key: string | null;
    verdict_key: string | null;
    peers: Array<{ peer: string; verdict: string; since: string | null; key: string | null }>;
  }>(
    `select s.node is not null as status_exists, s.diagnosed_at, ns.node is not null as summary_exists, ns.collected_at,
            ns.worst_verdict, ns.worst_since, ns.content_key, ns.verdict_key,
            (select coalesce(json_agg(json_build_object('peer', v.peer, 'verdict', v.verdict, 'since', v.since, 'key', v.content_key)), '[]'::json)
               from peer_verdicts v where v.node = $1) as peers
       from (select $1::text as node) x
       left join node_status s on s.node = x.node
       left join node_summary ns on ns.node = x.node`,
    [node],
  );
  const r = rows[0]!;
  const times = [r.collected_at, r.diagnosed_at].filter((d): d is Date => d !== null);
  return {
    moment: times.length ? new Date(Math.max(...times.map((d) => d.getTime()))) : null,
    statusExists: r.status_exists,
    diagnosedAt: r.diagnosed_at,
    summary: r.summary_exists ? { worst: r.worst_verdict, worstSince: r.worst_since, key: r.content_key, verdictKey: r.verdict_key } : null,
    peers: new Map(r.peers.map((p) => [p.peer, { verdict: p.verdict, since: p.since === null ? null : new Date(p.since), key: p.key }])),
  };
}

export interface RecordDiagnosisOptions {
  /** what the store held before this diagnosis (read here when absent) */
  prior?: RecordedPrior;
  /** the caller wrote node_status.diagnosed_at for this poll already (ingest writes it with the status) */
  statusWritten?: boolean;
}

/** What a recordDiagnosis call wrote, so an agent can keep it as the next poll's prior. */
export interface RecordedDiagnosis {
  recorded: boolean;
  prior: RecordedPrior;
  /** verdict rows upserted or deleted */
  peerRowsWritten: number;
  summaryWritten: boolean;
}

/**
 * Records `diagnosis` as the node's current one. Call inside the poll's transaction. A diagnosis older than
 * the stored one (a late poll) is ignored: returns false.
 */
export async function recordDiagnosis(
  tx: Queryable,
  node: string,
  diagnosis: NodeDiagnosis,
  diagnosedAt: Date = new Date(diagnosis.collectedAt),
  facts: NodeFacts | null = null,
  opts: RecordDiagnosisOptions = {},
): Promise<boolean> {
  return (await writeDiagnosis(tx, node, diagnosis, diagnosedAt, facts, opts)).recorded;
}

export async function writeDiagnosis(
  tx: Queryable,
  node: string,
  diagnosis: NodeDiagnosis,
  diagnosedAt: Date,
  facts: NodeFacts | null,
  opts: RecordDiagnosisOptions = {},
): Promise<RecordedDiagnosis> {
  const prior = opts.prior ?? (await loadRecordedPrior(tx, node));
  return applyDiagnosisWrite(tx, planDiagnosisWrite(node, diagnosis, diagnosedAt, facts, prior, opts.statusWritten === true));
}

/** What recording a diagnosis writes, worked out from the prior alone (no store access, all the hashing). */
export type DiagnosisWrite =
  | { recorded: false; prior: RecordedPrior }
  | {
      recorded: true;
      node: string;
      diagnosedAt: Date;
      collectedAt: Date;
      changed: PeerRow[];
      removed: string[];
      /** node_summary's row and whether a node_verdict_changes row goes with it; null: the summary stays */
      summary: unknown[] | null;
      /** node_status.diagnosed_at is set here (a diagnosis recorded without its poll's status write) */
      statusMoment: boolean;
      next: RecordedPrior;
    };

/**
 * The write's CPU half, done before the poll's transaction so the store is held only for the statements:
 * which verdict rows changed (their content keys), the summary's row and key, the next prior.
 */
export function planDiagnosisWrite(
  node: string,
  diagnosis: NodeDiagnosis,
  diagnosedAt: Date,
  facts: NodeFacts | null,
  prior: RecordedPrior,
  statusWritten: boolean,
): DiagnosisWrite {
  const collectedAt = new Date(diagnosis.collectedAt);
  if (prior.moment && prior.moment > collectedAt) return { recorded: false, prior };

  // "since when": a verdict that stays keeps the moment it began; a new one begins at its evidence's time or now
  const sinceOf = (p: PeerVerdict): Date => {
    const prev = prior.peers.get(p.peer);
    if (prev && prev.verdict === p.verdict && prev.since) return prev.since;
    const t = p.since ? new Date(p.since) : null;
    return t && !Number.isNaN(t.getTime()) && t <= collectedAt ? t : collectedAt;
  };
  const peers = diagnosis.peers.map((p) => {
    const since = sinceOf(p);
    return { p, since, key: sha(stableVerdictText(p, since.toISOString())), verdictChanged: prior.peers.get(p.peer)?.verdict !== p.verdict };
  });
  const changed = peers.filter((x) => prior.peers.get(x.p.peer)?.key !== x.key);
  const present = new Set(peers.map((x) => x.p.peer));
  const removed = [...prior.peers.keys()].filter((peer) => !present.has(peer));

  const worstSince =
    prior.summary && prior.summary.worst === diagnosis.worst && prior.summary.worstSince
      ? prior.summary.worstSince
      : (peers
          .filter((x) => x.p.verdict === diagnosis.worst)
          .map((x) => x.since)
          .sort((a, b) => a.getTime() - b.getTime())[0] ?? collectedAt);
  const nodeLevel = { findings: diagnosis.findings, tunnels: diagnosis.tunnels, daemon: diagnosis.daemon, knownIssues: diagnosis.knownIssues };
  const counts: Record<string, number> = {};
  for (const p of diagnosis.peers) counts[p.verdict] = (counts[p.verdict] ?? 0) + 1;
  const summaryKey = sha(
    JSON.stringify([
      diagnosis.worst,
      diagnosis.nodeUnknown,
      diagnosis.doublezero0,
      diagnosis.warningsInWindow,
      peers.length,
      counts,
      facts,
      nodeLevel,
      worstSince.toISOString(),
    ]),
  );
  const verdictKey = JSON.stringify([diagnosis.worst, diagnosis.nodeUnknown, diagnosis.findings.map((f) => [f.kind, f.verdict, f.interface])]);
  const peersWritten = changed.length + removed.length;
  const summaryChanged = prior.summary?.key !== summaryKey || peersWritten > 0;
  // Without a status row (a diagnosis recorded on its own), the summary carries the moment.
  const momentOnlyInSummary = !prior.statusExists && !statusWritten;
  const summary =
    summaryChanged || momentOnlyInSummary
      ? [
          node,
          diagnosis.worst,
          diagnosis.nodeUnknown,
          diagnosis.doublezero0,
          diagnosis.warningsInWindow,
          peers.length,
          JSON.stringify(counts),
          collectedAt,
          diagnosedAt,
          facts === null ? null : JSON.stringify(facts),
          JSON.stringify(nodeLevel),
          worstSince,
          summaryKey,
          verdictKey,
          peersWritten > 0 ? 1 : 0,
          prior.summary?.verdictKey !== verdictKey,
        ]
      : null;
  const next: RecordedPrior = {
    moment: collectedAt,
    statusExists: prior.statusExists || statusWritten,
    diagnosedAt: prior.statusExists || statusWritten ? collectedAt : prior.diagnosedAt,
    summary: { worst: diagnosis.worst, worstSince, key: summaryKey, verdictKey },
    peers: new Map(peers.map((x) => [x.p.peer, { verdict: x.p.verdict, since: x.since, key: x.key }])),
  };
  return { recorded: true, node, diagnosedAt, collectedAt, changed, removed, summary, statusMoment: prior.statusExists && !statusWritten, next };
}

/** The write's store half: inside the poll's transaction, the statements a DiagnosisWrite needs (often none). */
export async function applyDiagnosisWrite(tx: Queryable, w: DiagnosisWrite): Promise<RecordedDiagnosis> {
  return (await applyDiagnosisWrites(tx, [w]))[0]!;
}

/**
 * The store half of several nodes' DiagnosisWrites (one per node), each kind of row in one statement for all
 * of them: on the embedded store a statement costs about as much as a few dozen rows. Results in input order.
 */
export async function applyDiagnosisWrites(tx: Queryable, writes: readonly DiagnosisWrite[]): Promise<RecordedDiagnosis[]> {
  const recorded = writes.filter((w): w is Extract<DiagnosisWrite, { recorded: true }> => w.recorded);
  await writePeerRows(tx, recorded);
  await writeSummaries(
    tx,
    recorded.flatMap((w) => (w.summary ? [w.summary] : [])),
  );
  const moments = recorded.filter((w) => w.statusMoment);
  if (moments.length) {
    await tx.query(
      `update node_status s set diagnosed_at = m.at from unnest($1::text[], $2::timestamptz[]) as m(node, at)
        where s.node = m.node and s.diagnosed_at is distinct from m.at`,
      [moments.map((w) => w.node), moments.map((w) => w.collectedAt)],
    );
  }
  return writes.map((w) =>
    w.recorded
      ? { recorded: true, prior: w.next, peerRowsWritten: w.changed.length + w.removed.length, summaryWritten: w.summary !== null }
      : { recorded: false, prior: w.prior, peerRowsWritten: 0, summaryWritten: false },
  );
}

// node_summary's row per node, with a node_verdict_changes row where the node's verdict changed.
async function writeSummaries(tx: Queryable, rows: ReadonlyArray<readonly unknown[]>): Promise<void> {
  if (rows.length === 0) return;
  const col = (i: number) => rows.map((r) => r[i]);
  await tx.query(
    `with input as (
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::text[], $8::timestamptz[], $9::timestamptz[],
                            $10::text[], $11::text[], $12::timestamptz[], $13::text[], $14::text[], $15::int[], $16::boolean[])
         as t(node, worst_verdict, node_unknown, doublezero0, warnings_in_window, peer_count, verdict_counts, collected_at, diagnosed_at,
              facts, diagnosis, worst_since, content_key, verdict_key, verdicts_version, verdict_changed)),
     summary as (
       insert into node_summary (node, worst_verdict, node_unknown, doublezero0, warnings_in_window, peer_count, verdict_counts, collected_at, diagnosed_at, facts, diagnosis, worst_since, content_key, verdict_key, verdicts_version)
       select node, worst_verdict, node_unknown, doublezero0, warnings_in_window, peer_count, verdict_counts::jsonb, collected_at, diagnosed_at,
              facts::jsonb, diagnosis::jsonb, worst_since, content_key, verdict_key, verdicts_version from input
       on conflict (node) do update set worst_verdict = excluded.worst_verdict, node_unknown = excluded.node_unknown,
         doublezero0 = excluded.doublezero0, warnings_in_window = excluded.warnings_in_window, peer_count = excluded.peer_count,
         verdict_counts = excluded.verdict_counts, collected_at = excluded.collected_at, diagnosed_at = excluded.diagnosed_at,
         facts = excluded.facts, diagnosis = excluded.diagnosis, worst_since = excluded.worst_since, content_key = excluded.content_key,
         verdict_key = excluded.verdict_key, verdicts_version = node_summary.verdicts_version + excluded.verdicts_version
       returning 1)
     insert into node_verdict_changes (node, at, worst_verdict, worst_since, node_unknown, diagnosis, facts)
     select node, collected_at, worst_verdict, worst_since, node_unknown, diagnosis::jsonb, facts::jsonb from input where verdict_changed`,
    Array.from({ length: 16 }, (_, i) => col(i)),
  );
}

interface PeerRow {
  p: PeerVerdict;
  since: Date;
  key: string;
  verdictChanged: boolean;
}

// One statement for every node: delete the peers that are gone, upsert the rows that changed, append the
// verdict changes (at the poll's collection time, which is also the rows' window end).
async function writePeerRows(tx: Queryable, writes: ReadonlyArray<Extract<DiagnosisWrite, { recorded: true }>>): Promise<void> {
  const changed = writes.flatMap((w) => w.changed.map((x) => ({ w, x })));
  const removed = writes.flatMap((w) => w.removed.map((peer) => ({ w, peer })));
  if (changed.length === 0 && removed.length === 0) return;
  const col = <T>(f: (r: { w: (typeof writes)[number]; x: PeerRow }) => T): T[] => changed.map(f);
  await tx.query(
    `with input as (
       select * from unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[],
                            $9::timestamptz[], $10::text[], $11::text[], $12::timestamptz[], $13::text[], $14::boolean[])
         as t(node, diagnosed_at, window_end, peer, interface, local_ip, verdict, warnings, last_warning_at, evidence, details, since, content_key, verdict_changed)),
     gone as (
       delete from peer_verdicts v using unnest($15::text[], $16::text[], $17::timestamptz[]) as g(node, peer, at)
        where v.node = g.node and v.peer = g.peer
       returning v.node, v.peer, g.at),
     upserted as (
       insert into peer_verdicts (node, peer, interface, local_ip, verdict, warnings, last_warning_at, evidence, details, diagnosed_at, since, content_key, window_end)
       select node, peer, interface, local_ip, verdict, warnings, last_warning_at, evidence::jsonb, details::jsonb, diagnosed_at, since, content_key, window_end from input
       on conflict (node, peer) do update set interface = excluded.interface, local_ip = excluded.local_ip, verdict = excluded.verdict,
         warnings = excluded.warnings, last_warning_at = excluded.last_warning_at, evidence = excluded.evidence, details = excluded.details,
         diagnosed_at = excluded.diagnosed_at, since = excluded.since, content_key = excluded.content_key, window_end = excluded.window_end
       returning 1)
     insert into peer_verdict_changes (node, peer, at, verdict, since, interface, local_ip, warnings, last_warning_at, evidence, details)
     select node, peer, window_end, verdict, since, interface, local_ip, warnings, last_warning_at, evidence::jsonb, details::jsonb from input where verdict_changed
     union all
     select node, peer, at, null, null, null, null, null, null, null, null from gone`,
    [
      col((r) => r.w.node),
      col((r) => r.w.diagnosedAt),
      col((r) => r.w.collectedAt),
      col((r) => r.x.p.peer),
      col((r) => r.x.p.interface),
      col((r) => r.x.p.localIP),
      col((r) => r.x.p.verdict),
      col((r) => r.x.p.warnings),
      col((r) => r.x.p.lastWarningAt),
      col((r) => JSON.stringify(r.x.p.evidence)),
      col((r) => JSON.stringify(r.x.p.details)),
      col((r) => r.x.since),
      col((r) => r.x.key),
      col((r) => r.x.verdictChanged),
      removed.map((r) => r.w.node),
      removed.map((r) => r.peer),
      removed.map((r) => r.w.collectedAt),
    ],
  );
}

export interface PollDiagnosisOptions {
  /** warnings this long before collection count against a peer (default 15 min) */
  windowMs?: number;
  /** how far back quiet sessions are remembered from the stored log (default 24 h) */
  sessionMemoryMs?: number;
  freshness?: Freshness;
  /** the poller's parse of this bundle's journal (used only if it matches the bundle's text) */
  journal?: ParsedJournal;
  /** the agent's cache: reuses the normalized sections and state hash of what did not change */
  cache?: NormalizeCache;
}

export interface PollDiagnosisResult {
  stateChanged: boolean;
  stateHash: string;
  diagnosis: NodeDiagnosis;
}

/**
 * The diagnosis half of a poll's ingest, in one transaction, after the poll's liveness events are
 * stored: normalize → change-only state history → diagnose with the stored log → current verdicts.
 * (The agent's ingest does the same with its reads before its write transaction: poll.ts.)
 */
export async function diagnoseAndRecordPoll(tx: Queryable, node: string, bundle: Bundle, opts: PollDiagnosisOptions = {}): Promise<PollDiagnosisResult> {
  const windowMs = opts.windowMs ?? DEFAULT_WINDOW_MS;
  const state = normalizeBundle(bundle, { journal: opts.journal, cache: opts.cache });
  const at = new Date(bundle.meta.collectedAt);
  const recorded = await recordNodeState(tx, node, at, state, opts.cache?.stableSnapshot(node, state));
  const earlierEvents = await loadSessionEvents(tx, node, at, windowMs, opts.sessionMemoryMs);
  const diagnosis = diagnose(state, { windowMs, earlierEvents, ...(opts.freshness ? { freshness: opts.freshness } : {}) });
  await recordDiagnosis(tx, node, diagnosis, undefined, summarizeState(state));
  return { stateChanged: recorded.changed, stateHash: recorded.hash, diagnosis };
}
