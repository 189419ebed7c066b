import 'server-only';
import type { Db, Queryable } from '@/lib/db';
import type { Bundle } from '@/lib/bundle/types';
import { withoutNul } from '@/lib/bundle/nul-free';
import type { ParsedJournal } from '@/lib/model/normalize';
import type { NormalizeCache } from '@/lib/model/normalize-cache';
import type { LivenessEvent } from '@/lib/parse/journal';
import { diagnoseAndRecordPoll } from './record-diagnosis';
import { countAndAnnouncePoll } from './metrics-record-poll';

// One poll's outcome, written in one transaction so the fleet page never sees a status that
// disagrees with the bundle it describes.

export interface PollErrorRecord {
  kind: string;
  message: string;
  host?: string;
  command?: string;
  exitCode?: number | null;
  stderr?: string;
}

export type PollOutcome =
  | {
      ok: true;
      node: string;
      at: Date;
      pollMs: number;
      bundle: Bundle;
      events: readonly LivenessEvent[];
      /** the poller's parse the events came from: normalization reuses it instead of parsing the journal again */
      journal?: ParsedJournal;
    }
  | { ok: false; node: string; at: Date; pollMs: number; state: 'error' | 'host-key-changed'; error: PollErrorRecord };

const EVENT_BATCH = 1_000;

export interface IngestResult {
  /** liveness events stored by this poll (events already seen in an earlier window are skipped) */
  newEvents: number;
}

export interface IngestOptions {
  /** the agent's normalization cache (one per agent): per-poll work proportional to what changed */
  normalizeCache?: NormalizeCache;
}

export async function ingestPoll(db: Pick<Db, 'transaction'>, raw: PollOutcome, opts: IngestOptions = {}): Promise<IngestResult> {
  // Node text may hold NUL bytes, which the store refuses: without this a node could never be stored.
  // (The journal parse is cleaned too; normalization still uses it, as its text was cleaned alike.)
  const outcome = withoutNul(raw);
  return db.transaction(async (tx) => (outcome.ok ? ingestSuccess(tx, outcome, opts) : ingestFailure(tx, outcome)));
}

async function ingestSuccess(tx: Queryable, o: Extract<PollOutcome, { ok: true }>, opts: IngestOptions): Promise<IngestResult> {
  await tx.query(
    `insert into node_status (node, state, last_poll_at, last_success_at, poll_ms, consecutive_failures, last_error)
     values ($1, 'ok', $2, $2, $3, 0, null)
     on conflict (node) do update set state = 'ok', last_poll_at = $2, last_success_at = $2, poll_ms = $3,
       consecutive_failures = 0, last_error = null`,
    [o.node, o.at, o.pollMs],
  );
  await tx.query(
    `insert into node_raw (node, collected_at, bundle) values ($1, $2, $3::jsonb)
     on conflict (node) do update set collected_at = excluded.collected_at, bundle = excluded.bundle`,
    [o.node, o.at, JSON.stringify(o.bundle)],
  );
  let newEvents = 0;
  // Batched through unnest: a first 15-minute window can hold thousands of rate-limited warnings.
  for (let i = 0; i < o.events.length; i += EVENT_BATCH) {
    const batch = o.events.slice(i, i + EVENT_BATCH);
    const col = <K extends keyof LivenessEvent>(k: K) => batch.map((e) => e[k] ?? null);
    const { rows } = await tx.query<{ n: number }>(
      `with ins as (
         insert into liveness_events (node, at, level, msg, interface, local_ip, peer_ip, error, dedupe_key, pid)
         select $1, * from unnest($2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[])
         on conflict (node, dedupe_key) do nothing
         returning 1)
       select count(*)::int as n from ins`,
      [o.node, col('at'), col('level'), col('msg'), col('interface'), col('localIP'), col('peerIP'), col('error'), col('dedupeKey'), col('pid')],
    );
    newEvents += rows[0]?.n ?? 0;
  }
  // Normalized change-only history and the current verdicts, in the same transaction as the raw bundle,
  // so the grids never show verdicts from a different poll than the status beside them.
  await diagnoseAndRecordPoll(tx, o.node, o.bundle, { journal: o.journal, cache: opts.normalizeCache });
  await countAndAnnouncePoll(tx, { node: o.node, result: 'ok', reason: '', pollMs: o.pollMs });
  return { newEvents };
}

async function ingestFailure(tx: Queryable, o: Extract<PollOutcome, { ok: false }>): Promise<IngestResult> {
  await tx.query(
    `insert into node_status (node, state, last_poll_at, poll_ms, consecutive_failures, last_error)
     values ($1, $2, $3, $4, 1, $5::jsonb)
     on conflict (node) do update set state = $2, last_poll_at = $3, poll_ms = $4,
       consecutive_failures = node_status.consecutive_failures + 1, last_error = $5::jsonb`,
    [o.node, o.state, o.at, o.pollMs, JSON.stringify(o.error)],
  );
  await countAndAnnouncePoll(tx, { node: o.node, result: o.state, reason: o.error.kind, pollMs: o.pollMs });
  return { newEvents: 0 };
}
