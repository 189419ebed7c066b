import 'server-only';
import type { Db, Queryable } from '@/lib/db';
import type { Bundle, SectionName } from '@/lib/bundle/types';
import { withoutNul } from '@/lib/bundle/nul-free';
import { summarizeState } from '@/lib/node/summarize-state';
import { DEFAULT_WINDOW_MS, diagnose } from '@/lib/diagnosis/diagnose';
import { toEventLike } from '@/lib/diagnosis/sessions';
import { normalizeBundle, type ParsedJournal } from '@/lib/model/normalize';
import type { NormalizeCache } from '@/lib/model/normalize-cache';
import { stateHash } from '@/lib/model/state-hash';
import type { LivenessEvent } from '@/lib/parse/journal';
import { selectSessionEvents } from '@/lib/storage/session-event-selection';
import { loadRecordedPrior, writeDiagnosis } from './record-diagnosis';
import { recordNodeState, stateHashBefore } from './record-node-state';
import { loadRawSectionKeys, rawSectionKey, writeChangedSections } from './raw-sections';
import { loadSessionEventBase, SESSION_MEMORY_MS } from './session-events';
import { IngestCache, type NodeIngestMemory } from './cache';
import { countAndAnnouncePoll } from '../../metrics/store/record-poll';

// One poll's outcome. Everything that takes time happens before the write transaction: reading what the
// store holds of the node (or taking it from the agent's IngestCache), normalizing, reading the stored log
// and diagnosing. The transaction then writes only what changed, in a few statements: the status (always),
// new log events, changed raw sections, a new history row, changed verdict rows and summary, the poll
// counters and the NOTIFY. On the embedded PGlite store the one connection is held for those statements
// only, so page reads are not queued behind a diagnosis. The status and the diagnosis commit together: a
// page never sees a status that disagrees with the diagnosis beside it.

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
/** a write that finds the node changed under it reads again; more than this many times is a bug, not a race */
const MAX_ATTEMPTS = 3;

export interface IngestResult {
  /** liveness events stored by this poll (events already seen in an earlier window are skipped) */
  newEvents: number;
  /** rows written besides the status and the poll counters (0 for a poll that changed nothing) */
  rowsWritten?: number;
}

export interface IngestOptions {
  /** the agent's normalization cache (one per agent): per-poll work proportional to what changed */
  normalizeCache?: NormalizeCache;
  /** what the agent last stored per node (one per agent): a poll compares with it instead of reading it back */
  ingestCache?: IngestCache;
}

export async function ingestPoll(db: Pick<Db, 'transaction' | 'query' | 'exec'>, raw: PollOutcome, opts: IngestOptions = {}): Promise<IngestResult> {
  // Node text may hold NUL bytes, which the store refuses: without this a node could never be stored.
  // (The journal parse is cleaned too; normalization still uses it, as its text was cleaned alike.)
  const outcome = withoutNul(raw);
  if (!outcome.ok) {
    // The next success reads what the store holds: while a node fails, retention may prune its raw output.
    opts.ingestCache?.forget(outcome.node);
    return db.transaction((tx) => ingestFailure(tx, outcome));
  }
  return ingestSuccess(db, outcome, opts);
}

/** Thrown inside the write transaction when the node's stored diagnosis is not the one the poll compared with. */
class ChangedMeanwhile extends Error {}

async function ingestSuccess(
  db: Pick<Db, 'transaction' | 'query' | 'exec'>,
  o: Extract<PollOutcome, { ok: true }>,
  opts: IngestOptions,
): Promise<IngestResult> {
  const cache = opts.ingestCache;
  // the diagnosis's moment: the bundle's collection time (the agent sets it to the poll's time)
  const collected = new Date(o.bundle.meta.collectedAt);
  for (let attempt = 1; ; attempt++) {
    const memory = cache?.get(o.node) ?? (await readMemory(db, o.node, collected));
    if (memory.prior.moment && memory.prior.moment > collected) {
      // A late poll (another agent stored a newer one): keep its log lines, count it, change nothing else.
      return db.transaction(async (tx) => {
        const newEvents = await insertEvents(tx, o.node, o.events);
        await countAndAnnouncePoll(tx, { node: o.node, result: 'ok', reason: '', pollMs: o.pollMs });
        return { newEvents, rowsWritten: newEvents };
      });
    }
    const windowMs = DEFAULT_WINDOW_MS;
    const state = normalizeBundle(o.bundle, { journal: o.journal, cache: opts.normalizeCache });
    const snapshot = opts.normalizeCache?.stableSnapshot(o.node, state);
    const hash = snapshot?.hash ?? stateHash(state);
    // The stored log as loadSessionEvents reads it (kept by the agent from the last poll, or read), then the
    // same selection over it and this poll's events: the diagnosis reads exactly what it would read after the
    // insert (lib/storage/session-event-selection.ts).
    const base = memory.events ?? (await loadSessionEventBase(db, o.node, collected, windowMs));
    // compact copies: what is selected here stays in the agent's memory until the node's next poll
    const all = [...base, ...o.events.map(toEventLike)];
    const earlierEvents = selectSessionEvents(all, { at: collected, windowMs, memoryMs: SESSION_MEMORY_MS });
    const nextBase = selectSessionEvents(all, { at: collected, windowMs, memoryMs: SESSION_MEMORY_MS, keepLater: true });
    // Lines of the overlapping journal window that the base holds are stored already: not sent again.
    const stored = new Set(base.map((e) => e.dedupeKey));
    const fresh = o.events.filter((e) => !stored.has(e.dedupeKey));
    const diagnosis = diagnose(state, { windowMs, earlierEvents });
    const facts = summarizeState(state);
    try {
      const result = await db.transaction(async (tx) => {
        await writeStatus(tx, o, memory.prior.diagnosedAt, collected);
        const newEvents = await insertEvents(tx, o.node, fresh);
        const raw = await writeChangedSections(
          tx,
          o.node,
          o.at,
          o.bundle.sections,
          keysOf(memory),
          (name, s) => cache?.sectionKey(o.node, name, s) ?? rawSectionKey(s),
        );
        const history = await recordNodeState(tx, o.node, collected, state, snapshot, memory.stateHash);
        const recorded = await writeDiagnosis(tx, o.node, diagnosis, collected, facts, { prior: memory.prior, statusWritten: true });
        await countAndAnnouncePoll(tx, { node: o.node, result: 'ok', reason: '', pollMs: o.pollMs });
        const rowsWritten = newEvents + raw.written + (history.changed ? 1 : 0) + recorded.peerRowsWritten + (recorded.summaryWritten ? 1 : 0);
        const next: NodeIngestMemory = {
          prior: recorded.prior,
          stateHash: hash,
          sections: new Map([...raw.keys].map(([name, key]) => [name, { section: o.bundle.sections[name]!, key }])),
          events: nextBase,
        };
        return { newEvents, rowsWritten, next };
      });
      cache?.set(o.node, result.next);
      return { newEvents: result.newEvents, rowsWritten: result.rowsWritten };
    } catch (err) {
      cache?.forget(o.node);
      if (err instanceof ChangedMeanwhile && attempt < MAX_ATTEMPTS) continue;
      throw err;
    }
  }
}

async function readMemory(q: Queryable, node: string, at: Date): Promise<Omit<NodeIngestMemory, 'events'> & { events?: undefined }> {
  const [prior, hash, keys] = await Promise.all([loadRecordedPrior(q, node), stateHashBefore(q, node, at), loadRawSectionKeys(q, node)]);
  // Keys only: the write compares keys; the sections held afterwards are this poll's. The log is read later.
  return { prior, stateHash: hash, sections: new Map([...keys].map(([name, key]) => [name, { section: null, key }])) };
}

function keysOf(memory: Pick<NodeIngestMemory, 'sections'>): Map<SectionName, string> {
  return new Map([...memory.sections].map(([name, held]) => [name, held.key]));
}

// The one row every poll writes. Guarded: the diagnosis this poll compared with must still be the stored one.
// diagnosed_at is the diagnosis's moment (the bundle's collection time, which the agent sets to the poll's).
async function writeStatus(tx: Queryable, o: Extract<PollOutcome, { ok: true }>, comparedWith: Date | null, collected: Date): Promise<void> {
  const { rows } = await tx.query(
    `insert into node_status (node, state, last_poll_at, last_success_at, poll_ms, consecutive_failures, last_error, diagnosed_at)
     values ($1, 'ok', $2, $2, $3, 0, null, $5)
     on conflict (node) do update set state = 'ok', last_poll_at = $2, last_success_at = $2, poll_ms = $3,
       consecutive_failures = 0, last_error = null, diagnosed_at = $5
       where node_status.diagnosed_at is not distinct from $4::timestamptz
     returning 1`,
    [o.node, o.at, o.pollMs, comparedWith, collected],
  );
  if (rows.length === 0) throw new ChangedMeanwhile(`${o.node}: stored diagnosis changed while this poll was diagnosed`);
}

// Batched through unnest: a first 15-minute window can hold thousands of rate-limited warnings. Lines seen
// by an earlier, overlapping window are skipped before the insert (no row, no sequence number used).
async function insertEvents(tx: Queryable, node: string, events: readonly LivenessEvent[]): Promise<number> {
  let newEvents = 0;
  for (let i = 0; i < events.length; i += EVENT_BATCH) {
    const batch = events.slice(i, i + EVENT_BATCH);
    const col = <K extends keyof LivenessEvent>(k: K) => batch.map((e) => e[k] ?? null);
    const { rows } = await tx.query<{ n: number }>(
      `with ins as (
         insert into liveness_events (node, at, level, msg, interface, local_ip, peer_ip, error, dedupe_key, pid)
         select $1, u.* from unnest($2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[])
           as u(at, level, msg, interface, local_ip, peer_ip, error, dedupe_key, pid)
          where not exists (select 1 from liveness_events e where e.node = $1 and e.dedupe_key = u.dedupe_key)
         -- no conflict target: the key is (node, dedupe_key) here and (node, dedupe_key, at) in PostgreSQL's
         -- partitioned table (migration 052); the not-exists above already skips lines stored in any partition
         on conflict do nothing
         returning 1)
       select count(*)::int as n from ins`,
      [node, col('at'), col('level'), col('msg'), col('interface'), col('localIP'), col('peerIP'), col('error'), col('dedupeKey'), col('pid')],
    );
    newEvents += rows[0]?.n ?? 0;
  }
  return newEvents;
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

export { IngestCache };
