import 'server-only';
import type { NodeFacts } from '@/lib/api/node-facts';
import { summarizeState } from '@/lib/api/summarize-state';
import { loadSessionEvents } from './session-events';
import type { Bundle } from '@/lib/bundle/types';
import type { Queryable } from '@/lib/db';
import { DEFAULT_WINDOW_MS, diagnose } from '@/lib/diagnosis/diagnose';
import type { Freshness } from '@/lib/diagnosis/freshness';
import type { NodeDiagnosis } from '@/lib/diagnosis/types';
import { normalizeBundle, type ParsedJournal } from '@/lib/model/normalize';
import type { NormalizeCache } from '@/lib/model/normalize-cache';
import { recordNodeState } from './record-node-state';

/**
 * Replaces the node's current peer verdicts and summary with `diagnosis`. Call inside the poll's
 * transaction. A diagnosis older than the stored one (a late poll) is ignored: returns false.
 */
export async function recordDiagnosis(tx: Queryable, node: string, diagnosis: NodeDiagnosis, diagnosedAt: Date = new Date(diagnosis.collectedAt), facts: NodeFacts | null = null): Promise<boolean> {
  const collectedAt = new Date(diagnosis.collectedAt);
  const { rows } = await tx.query<{ newer: boolean }>(`select collected_at > $2 as newer from node_summary where node = $1`, [node, collectedAt]);
  if (rows[0]?.newer) return false;

  // "since when": a verdict that stays keeps the moment it began; a new one begins at its evidence's time or now
  const previous = await tx.query<{ peer: string; verdict: string; since: Date | null }>(`select peer, verdict, since from peer_verdicts where node = $1`, [node]);
  const before = new Map(previous.rows.map((r) => [r.peer, r]));
  const sinceOf = (peer: string, verdict: string, evidenceSince: string | null): Date => {
    const prev = before.get(peer);
    if (prev && prev.verdict === verdict && prev.since) return prev.since;
    const t = evidenceSince ? new Date(evidenceSince) : null;
    return t && !Number.isNaN(t.getTime()) && t <= collectedAt ? t : collectedAt;
  };
  const summary = await tx.query<{ worst_verdict: string | null; worst_since: Date | null }>(`select worst_verdict, worst_since from node_summary where node = $1`, [node]);
  const prevSummary = summary.rows[0];

  await tx.query('delete from peer_verdicts where node = $1', [node]);
  const peers = diagnosis.peers;
  const peerSince = peers.map((p) => sinceOf(p.peer, p.verdict, p.since));
  if (peers.length) {
    const col = <T>(f: (p: (typeof peers)[number]) => T): T[] => peers.map(f);
    await tx.query(
      `insert into peer_verdicts (node, peer, interface, local_ip, verdict, warnings, last_warning_at, evidence, details, diagnosed_at, since)
       select $1, p, i, l, v, w, lw, e::jsonb, d::jsonb, $2, s
       from unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::timestamptz[], $9::text[], $10::text[], $11::timestamptz[]) as t(p, i, l, v, w, lw, e, d, s)`,
      [
        node,
        diagnosedAt,
        col((p) => p.peer),
        col((p) => p.interface),
        col((p) => p.localIP),
        col((p) => p.verdict),
        col((p) => p.warnings),
        col((p) => p.lastWarningAt),
        col((p) => JSON.stringify(p.evidence)),
        col((p) => JSON.stringify(p.details)),
        peerSince,
      ],
    );
  }
  const worstSince =
    prevSummary && prevSummary.worst_verdict === diagnosis.worst && prevSummary.worst_since
      ? prevSummary.worst_since
      : (peerSince.filter((_, i) => peers[i]!.verdict === diagnosis.worst).sort((a, b) => a.getTime() - b.getTime())[0] ?? collectedAt);
  const nodeLevel = { findings: diagnosis.findings, tunnels: diagnosis.tunnels, daemon: diagnosis.daemon, knownIssues: diagnosis.knownIssues };
  const counts: Record<string, number> = {};
  for (const p of peers) counts[p.verdict] = (counts[p.verdict] ?? 0) + 1;
  await tx.query(
    `insert into node_summary (node, worst_verdict, node_unknown, doublezero0, warnings_in_window, peer_count, verdict_counts, collected_at, diagnosed_at, facts, diagnosis, worst_since)
     values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10::jsonb, $11::jsonb, $12)
     on conflict (node) do update set worst_verdict = excluded.worst_verdict, node_unknown = excluded.node_unknown,
       doublezero0 = excluded.doublezero0, warnings_in_window = excluded.warnings_in_window, peer_count = excluded.peer_count,
       verdict_counts = excluded.verdict_counts, collected_at = excluded.collected_at, diagnosed_at = excluded.diagnosed_at,
       facts = excluded.facts, diagnosis = excluded.diagnosis, worst_since = excluded.worst_since`,
    [node, diagnosis.worst, diagnosis.nodeUnknown, diagnosis.doublezero0, diagnosis.warningsInWindow, peers.length, JSON.stringify(counts), collectedAt, diagnosedAt, facts === null ? null : JSON.stringify(facts), JSON.stringify(nodeLevel), worstSince],
  );
  return true;
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
 * The diagnosis half of a poll's ingest, in the poll's transaction, after its liveness events are
 * stored: normalize → change-only state history → diagnose with the stored log → current verdicts.
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
