import 'server-only';
import type { Db, Queryable } from '@/lib/db';
import type { Bundle, RawSection, SectionName } from '@/lib/bundle/types';
import { withoutNul } from '@/lib/bundle/nul-free';
import { summarizeState } from '@/lib/node/summarize-state';
import { DEFAULT_WINDOW_MS, diagnose } from '@/lib/diagnosis/diagnose';
import { toEventLike } from '@/lib/diagnosis/sessions';
import { normalizeBundle, type ParsedJournal } from '@/lib/model/normalize';
import type { NormalizeCache } from '@/lib/model/normalize-cache';
import { stateHash } from '@/lib/model/state-hash';
import type { LivenessEvent } from '@/lib/parse/journal';
import { selectSessionEvents } from '@/lib/storage/session-event-selection';
import { applyDiagnosisWrites, loadRecordedPrior, planDiagnosisWrite, type DiagnosisWrite } from './record-diagnosis';
import { historyRowFor, insertHistoryRows, stateHashBefore } from './record-node-state';
import { loadRawSectionKeys, planSectionWrite, rawSectionKey, sectionRowsWritten, writeSections } from './raw-sections';
import { loadSessionEventBase, SESSION_MEMORY_MS } from './session-events';
import { IngestCache, type NodeIngestMemory } from './cache';
import { countAndAnnouncePolls } from '../../metrics/store/record-poll';

// Polls' outcomes, one or a batch. Everything that takes time happens before the write transaction: reading
// what the store holds of the node (or taking it from the agent's IngestCache), normalizing, reading the
// stored log and diagnosing. The transaction then writes only what changed: the status (always), new log
// events and the poll counters with the NOTIFY, each one statement for the whole batch; changed raw
// sections, a new history row, changed verdict rows and summary per node. On the embedded PGlite store the
// one connection is held for those statements only, so page reads are not queued behind a diagnosis. The
// status and the diagnosis commit together: a page never sees a status that disagrees with the diagnosis.

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
  /** awaited before each poll's normalization and diagnosis (the embedded agent lets page reads go first) */
  yieldBetween?: () => Promise<void>;
  /** told how long each write transaction held the store, and for how many polls (the ingest queue sizes batches by it) */
  observeWrite?: (ms: number, polls: number) => void;
}

export async function ingestPoll(db: Pick<Db, 'transaction' | 'query' | 'exec'>, raw: PollOutcome, opts: IngestOptions = {}): Promise<IngestResult> {
  const [settled] = await ingestPolls(db, [raw], opts);
  if (settled!.status === 'rejected') throw settled!.reason;
  return settled!.value;
}

/**
 * Several polls of distinct nodes in one write transaction: the status, log events and poll counters of all
 * of them in one statement each (on the embedded store a statement's round trip costs about as much as a
 * small write), then each node's changed sections, history and verdicts. When the batch's write fails
 * (another agent stored one of the nodes meanwhile, or one node's rows are refused), each poll is stored on
 * its own, so one node's trouble never loses the others' polls. Settles in the order of `raws`.
 */
export async function ingestPolls(
  db: Pick<Db, 'transaction' | 'query' | 'exec'>,
  raws: readonly PollOutcome[],
  opts: IngestOptions = {},
): Promise<Array<PromiseSettledResult<IngestResult>>> {
  // Node text may hold NUL bytes, which the store refuses: without this a node could never be stored.
  // (The journal parse is cleaned too; normalization still uses it, as its text was cleaned alike.)
  const outcomes = raws.map((r) => withoutNul(r));
  const nodes = new Set(outcomes.map((o) => o.node));
  if (nodes.size !== outcomes.length) throw new Error('ingestPolls: one poll per node in a batch');
  if (outcomes.length > 1) {
    try {
      return (await writeBatch(db, outcomes, opts)).map((value) => ({ status: 'fulfilled', value }));
    } catch {
      // stored one by one below, each with its own retries and its own error
    }
  }
  const settled: Array<PromiseSettledResult<IngestResult>> = [];
  for (const o of outcomes) {
    try {
      settled.push({ status: 'fulfilled', value: await ingestAlone(db, o, opts) });
    } catch (reason) {
      settled.push({ status: 'rejected', reason });
    }
  }
  return settled;
}

/** Thrown inside the write transaction when a node's stored diagnosis is not the one its poll compared with. */
class ChangedMeanwhile extends Error {}

async function ingestAlone(db: Pick<Db, 'transaction' | 'query' | 'exec'>, o: PollOutcome, opts: IngestOptions): Promise<IngestResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await writeBatch(db, [o], opts))[0]!;
    } catch (err) {
      if (err instanceof ChangedMeanwhile && attempt < MAX_ATTEMPTS) continue;
      throw err;
    }
  }
}

type Success = Extract<PollOutcome, { ok: true }>;
type Failure = Extract<PollOutcome, { ok: false }>;

/** What one poll writes, worked out before the transaction. */
type Plan =
  | { kind: 'failure'; o: Failure }
  /** a late poll (another agent stored a newer one): its log lines are kept and it is counted, nothing else */
  | { kind: 'late'; o: Success }
  | {
      kind: 'write';
      o: Success;
      collected: Date;
      memory: NodeIngestMemory | Omit<NodeIngestMemory, 'events'>;
      state: ReturnType<typeof normalizeBundle>;
      snapshot: ReturnType<NormalizeCache['stableSnapshot']> | undefined;
      hash: string;
      /** this poll's log lines not stored yet */
      fresh: readonly LivenessEvent[];
      /** each section's content key (hashed here, not while the transaction holds the store) */
      sectionKeys: ReadonlyMap<SectionName, string>;
      diagnosisWrite: DiagnosisWrite;
      nextEvents: NodeIngestMemory['events'];
    };

async function writeBatch(db: Pick<Db, 'transaction' | 'query' | 'exec'>, outcomes: readonly PollOutcome[], opts: IngestOptions): Promise<IngestResult[]> {
  const cache = opts.ingestCache;
  const plans: Plan[] = [];
  for (const o of outcomes) {
    if (!o.ok) {
      // The next success reads what the store holds: while a node fails, retention may prune its raw output.
      cache?.forget(o.node);
      plans.push({ kind: 'failure', o });
    } else {
      // normalizing and diagnosing is the agent's heaviest step: the embedded agent lets pages go first here
      await opts.yieldBetween?.();
      plans.push(await planSuccess(db, o, opts));
    }
  }
  const writes = plans.filter((p): p is Extract<Plan, { kind: 'write' }> => p.kind === 'write');
  try {
    const started = performance.now();
    const stored = await db.transaction(async (tx) => {
      await writeStatuses(tx, writes);
      await writeFailures(
        tx,
        plans.flatMap((p) => (p.kind === 'failure' ? [p.o] : [])),
      );
      const newEvents = await insertEvents(
        tx,
        plans.flatMap((p) => (p.kind === 'write' ? [[p.o.node, p.fresh] as const] : p.kind === 'late' ? [[p.o.node, p.o.events] as const] : [])),
      );
      const written = await writeNodeRows(tx, writes);
      const results = plans.map((p): IngestResult => {
        const events = newEvents.get(p.o.node) ?? 0;
        if (p.kind === 'failure') return { newEvents: 0 };
        if (p.kind === 'late') return { newEvents: events, rowsWritten: events };
        return { newEvents: events, rowsWritten: events + written.get(p.o.node)!.rows };
      });
      const next = new Map([...written].map(([node, w]) => [node, w.next]));
      await countAndAnnouncePolls(
        tx,
        plans.map((p) =>
          p.kind === 'failure'
            ? { node: p.o.node, result: p.o.state, reason: p.o.error.kind, pollMs: p.o.pollMs }
            : { node: p.o.node, result: 'ok' as const, reason: '', pollMs: p.o.pollMs },
        ),
      );
      return { results, next };
    });
    opts.observeWrite?.(performance.now() - started, plans.length);
    for (const [node, memory] of stored.next) cache?.set(node, memory);
    return stored.results;
  } catch (err) {
    for (const p of writes) cache?.forget(p.o.node);
    throw err;
  }
}

async function planSuccess(db: Queryable, o: Success, opts: IngestOptions): Promise<Plan> {
  // the diagnosis's moment: the bundle's collection time (the agent sets it to the poll's time)
  const collected = new Date(o.bundle.meta.collectedAt);
  const memory = opts.ingestCache?.get(o.node) ?? (await readMemory(db, o.node, collected));
  if (memory.prior.moment && memory.prior.moment > collected) return { kind: 'late', o };
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
  const nextEvents = selectSessionEvents(all, { at: collected, windowMs, memoryMs: SESSION_MEMORY_MS, keepLater: true });
  // Lines of the overlapping journal window that the base holds are stored already: not sent again.
  const stored = new Set(base.map((e) => e.dedupeKey));
  const fresh = o.events.filter((e) => !stored.has(e.dedupeKey));
  const diagnosis = diagnose(state, { windowMs, earlierEvents });
  const diagnosisWrite = planDiagnosisWrite(o.node, diagnosis, collected, summarizeState(state), memory.prior, true);
  const sectionKeys = new Map<SectionName, string>();
  for (const [name, section] of Object.entries(o.bundle.sections) as Array<[SectionName, RawSection | undefined]>) {
    if (section) sectionKeys.set(name, opts.ingestCache?.sectionKey(o.node, name, section) ?? rawSectionKey(section));
  }
  return { kind: 'write', o, collected, memory, state, snapshot, hash, fresh, sectionKeys, diagnosisWrite, nextEvents };
}

/**
 * The nodes' changed sections, history rows and verdicts, each kind in one statement for the whole batch;
 * what each node wrote becomes the agent's memory of it.
 */
async function writeNodeRows(
  tx: Queryable,
  writes: ReadonlyArray<Extract<Plan, { kind: 'write' }>>,
): Promise<Map<string, { rows: number; next: NodeIngestMemory }>> {
  const sections = writes.map((p) =>
    planSectionWrite(p.o.node, p.o.at, p.o.bundle.sections, keysOf(p.memory), (name, s) => p.sectionKeys.get(name) ?? rawSectionKey(s)),
  );
  // change-only history: a row only when the state differs from the one in effect before this poll
  const history = writes.map((p) => historyRowFor(p.o.node, p.collected, p.state, { hash: p.hash, json: p.snapshot?.json }, p.memory.stateHash));
  await writeSections(tx, sections);
  await insertHistoryRows(
    tx,
    history.filter((h) => h !== null),
  );
  const recorded = await applyDiagnosisWrites(
    tx,
    writes.map((p) => p.diagnosisWrite),
  );
  return new Map(
    writes.map((p, i) => {
      const raw = sections[i]!;
      const diagnosis = recorded[i]!;
      const rows = sectionRowsWritten(raw) + (history[i] ? 1 : 0) + diagnosis.peerRowsWritten + (diagnosis.summaryWritten ? 1 : 0);
      const next: NodeIngestMemory = {
        prior: diagnosis.prior,
        stateHash: p.hash,
        sections: new Map([...raw.keys].map(([name, key]) => [name, { section: p.o.bundle.sections[name]!, key }])),
        events: p.nextEvents,
      };
      return [p.o.node, { rows, next }];
    }),
  );
}

async function readMemory(q: Queryable, node: string, at: Date): Promise<Omit<NodeIngestMemory, 'events'> & { events?: undefined }> {
  const [prior, hash, keys] = await Promise.all([loadRecordedPrior(q, node), stateHashBefore(q, node, at), loadRawSectionKeys(q, node)]);
  // Keys only: the write compares keys; the sections held afterwards are this poll's. The log is read later.
  return { prior, stateHash: hash, sections: new Map([...keys].map(([name, key]) => [name, { section: null, key }])) };
}

function keysOf(memory: Pick<NodeIngestMemory, 'sections'>): Map<SectionName, string> {
  return new Map([...memory.sections].map(([name, held]) => [name, held.key]));
}

// The one row every poll writes, for every successful poll of the batch in one statement. Guarded per node:
// the diagnosis its poll compared with must still be the stored one (evaluated on the row as locked, so two
// agents cannot both pass it). diagnosed_at is the diagnosis's moment (the bundle's collection time).
async function writeStatuses(tx: Queryable, writes: ReadonlyArray<Extract<Plan, { kind: 'write' }>>): Promise<void> {
  if (writes.length === 0) return;
  const { rows } = await tx.query<{ node: string }>(
    `with input as (
       select * from unnest($1::text[], $2::timestamptz[], $3::int[], $4::timestamptz[], $5::timestamptz[])
         as t(node, at, poll_ms, compared_with, diagnosed_at))
     insert into node_status (node, state, last_poll_at, last_success_at, poll_ms, consecutive_failures, last_error, diagnosed_at)
     select node, 'ok', at, at, poll_ms, 0, null, diagnosed_at from input
     on conflict (node) do update set state = 'ok', last_poll_at = excluded.last_poll_at, last_success_at = excluded.last_success_at,
       poll_ms = excluded.poll_ms, consecutive_failures = 0, last_error = null, diagnosed_at = excluded.diagnosed_at
       where node_status.diagnosed_at is not distinct from (select i.compared_with from input i where i.node = excluded.node)
     returning node`,
    [
      writes.map((p) => p.o.node),
      writes.map((p) => p.o.at),
      writes.map((p) => Math.round(p.o.pollMs)),
      writes.map((p) => p.memory.prior.diagnosedAt),
      writes.map((p) => p.collected),
    ],
  );
  if (rows.length !== writes.length) {
    const written = new Set(rows.map((r) => r.node));
    const changed = writes.filter((p) => !written.has(p.o.node)).map((p) => p.o.node);
    throw new ChangedMeanwhile(`${changed.join(', ')}: stored diagnosis changed while the poll was diagnosed`);
  }
}

async function writeFailures(tx: Queryable, failures: readonly Failure[]): Promise<void> {
  if (failures.length === 0) return;
  await tx.query(
    `insert into node_status (node, state, last_poll_at, poll_ms, consecutive_failures, last_error)
     select node, state, at, poll_ms, 1, last_error::jsonb
       from unnest($1::text[], $2::text[], $3::timestamptz[], $4::int[], $5::text[]) as t(node, state, at, poll_ms, last_error)
     on conflict (node) do update set state = excluded.state, last_poll_at = excluded.last_poll_at, poll_ms = excluded.poll_ms,
       consecutive_failures = node_status.consecutive_failures + 1, last_error = excluded.last_error`,
    [
      failures.map((o) => o.node),
      failures.map((o) => o.state),
      failures.map((o) => o.at),
      failures.map((o) => Math.round(o.pollMs)),
      failures.map((o) => JSON.stringify(o.error)),
    ],
  );
}

// Batched through unnest, nodes together: a first 15-minute window can hold thousands of rate-limited warnings.
// Lines seen by an earlier, overlapping window are skipped before the insert (no row, no sequence number used).
// Resolves with the lines stored per node.
async function insertEvents(tx: Queryable, byNode: ReadonlyArray<readonly [string, readonly LivenessEvent[]]>): Promise<Map<string, number>> {
  const rows = byNode.flatMap(([node, events]) => events.map((e) => ({ node, e })));
  const stored = new Map<string, number>();
  for (let i = 0; i < rows.length; i += EVENT_BATCH) {
    const batch = rows.slice(i, i + EVENT_BATCH);
    const col = <K extends keyof LivenessEvent>(k: K) => batch.map(({ e }) => e[k] ?? null);
    const { rows: counts } = await tx.query<{ node: string; n: number }>(
      `with ins as (
         insert into liveness_events (node, at, level, msg, interface, local_ip, peer_ip, error, dedupe_key, pid)
         select u.* from unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[])
           as u(node, at, level, msg, interface, local_ip, peer_ip, error, dedupe_key, pid)
          where not exists (select 1 from liveness_events e where e.node = u.node and e.dedupe_key = u.dedupe_key)
         -- no conflict target: the key is (node, dedupe_key) here and (node, dedupe_key, at) in PostgreSQL's
         -- partitioned table (migration 052); the not-exists above already skips lines stored in any partition
         on conflict do nothing
         returning node)
       select node, count(*)::int as n from ins group by node`,
      [
        batch.map((r) => r.node),
        col('at'),
        col('level'),
        col('msg'),
        col('interface'),
        col('localIP'),
        col('peerIP'),
        col('error'),
        col('dedupeKey'),
        col('pid'),
      ],
    );
    for (const { node, n } of counts) stored.set(node, (stored.get(node) ?? 0) + n);
  }
  return stored;
}

export { IngestCache };
