import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBundleFolder } from '@/lib/bundle/folder';
import type { Bundle } from '@/lib/bundle/types';
import type { Db } from '@/lib/db';
import { NormalizeCache } from '@/lib/model/normalize-cache';
import { IngestCache, ingestPoll, ingestPolls, type PollOutcome } from './poll';
import { primeUnstoredNodes } from './cache';
import { IngestQueue } from './ingest-queue';
import { openMigratedPgliteAt } from '../../../tests/support/memory-db';
import { polledOutcome } from '../../../tests/support/poll-outcome';

// The agent stores its polls in batches (IngestQueue → ingestPolls): a batch must store exactly what the
// same polls store one at a time, and one node's trouble must not lose the others' polls.

let dir: string;
let db: Db;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fnh-ingest-batch-'));
  db = await openMigratedPgliteAt(path.join(dir, 'pglite'));
});

afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const fixture = (name: string) => loadBundleFolder(path.join(__dirname, '..', '..', '..', 'fixtures', 'bundles', name));

const success = (bundle: Bundle, node: string, at: Date) => polledOutcome(bundle, node, at, 7);
const failure = (node: string, at: Date): Extract<PollOutcome, { ok: false }> => ({
  ok: false,
  node,
  at,
  pollMs: 4_000,
  state: 'error',
  error: { kind: 'command-timeout', message: 'no reply within 4000 ms', host: '127.0.0.1' },
});

/** The store, counting write transactions. */
function counting(store: Db) {
  const counted = {
    transactions: 0,
    query: store.query.bind(store),
    exec: store.exec.bind(store),
    transaction: <T>(fn: Parameters<Db['transaction']>[0]) => {
      counted.transactions++;
      return store.transaction(fn) as Promise<T>;
    },
  };
  return counted;
}

/** Everything ingest writes for a node, without ids and the node's own name. */
async function stored(node: string) {
  const one = async (sql: string) => (await db.query(sql, [node])).rows;
  return {
    status: await one('select state, last_poll_at, last_success_at, poll_ms, consecutive_failures, last_error, diagnosed_at from node_status where node = $1'),
    summary: await one(
      'select worst_verdict, node_unknown, doublezero0, warnings_in_window, peer_count, verdict_counts, collected_at, diagnosed_at, facts, diagnosis, worst_since, verdicts_version from node_summary where node = $1',
    ),
    verdicts: await one(
      'select peer, interface, local_ip, verdict, warnings, last_warning_at, evidence, details, diagnosed_at, since, window_end from peer_verdicts where node = $1 order by peer, interface',
    ),
    verdictChanges: await one('select peer, at, verdict, since, warnings from peer_verdict_changes where node = $1 order by at, peer'),
    nodeChanges: await one('select at, worst_verdict, worst_since, node_unknown from node_verdict_changes where node = $1 order by at'),
    history: await one('select at, state_hash from node_state_history where node = $1 order by at'),
    raw: await one('select section, stdout, exit_code, collected_at from node_raw_sections where node = $1 order by section'),
    events: await one('select at, level, msg, peer_ip, dedupe_key from liveness_events where node = $1 order by at, dedupe_key'),
    counters: await one('select result, reason, polls, poll_ms_sum from poll_counters where node = $1 order by result, reason'),
    buckets: await one('select le_ms, polls from poll_duration_buckets where node = $1 order by le_ms'),
  };
}

/** The nodes as the inventory sync registers them (the status rows refer to them). */
async function addNodes(names: readonly string[]): Promise<void> {
  await db.query(`insert into nodes (name, host, port, ssh_user) select n, '127.0.0.1', 22, 'fnh' from unnest($1::text[]) as n`, [names]);
}

/** One agent's caches, as startAgent keeps them. */
const agentCaches = () => ({ normalizeCache: new NormalizeCache(), ingestCache: new IngestCache() });

describe('ingestPolls: a batch of polls in one transaction', () => {
  it('stores exactly what the same polls store one at a time, poll after poll, in one transaction per batch', async () => {
    const rounds = [
      ['healthy', 'stale-session', 'no-route', 'seed-line', 'firewall-blocked', 'fail'],
      ['stale-session', 'stale-session', 'fail', 'seed-line', 'healthy', 'interface-down'],
      ['stale-session', 'healthy', 'no-route', 'fail', 'healthy', 'interface-down'],
    ];
    const nodes = rounds[0]!.map((_, i) => i);
    const names = (kind: string) => nodes.map((i) => `${kind}-${i}`);
    await addNodes([...names('alone'), ...names('batched')]);
    const alone = agentCaches();
    const batched = agentCaches();
    await primeUnstoredNodes(db, alone.ingestCache, names('alone'));
    await primeUnstoredNodes(db, batched.ingestCache, names('batched'));
    const store = counting(db);
    const t0 = Date.UTC(2025, 10, 30, 19, 40, 0);
    for (const [r, round] of rounds.entries()) {
      const at = new Date(t0 + r * 5_000);
      const outcomes = async (kind: string) =>
        Promise.all(round.map(async (name, i) => (name === 'fail' ? failure(`${kind}-${i}`, at) : success(await fixture(name), `${kind}-${i}`, at))));
      for (const o of await outcomes('alone')) await ingestPoll(db, o, alone);
      const before = store.transactions;
      const settled = await ingestPolls(store, await outcomes('batched'), batched);
      expect(settled.map((s) => s.status)).toEqual(round.map(() => 'fulfilled'));
      expect(store.transactions - before).toBe(1);
      for (const i of nodes) expect(await stored(`batched-${i}`), `round ${r}, node ${i} (${round[i]})`).toEqual(await stored(`alone-${i}`));
    }
    // the batch wrote verdicts, log lines and failures, not only statuses
    const all = await stored('batched-1');
    expect(all.verdicts.length).toBeGreaterThan(0);
    expect(all.events.length).toBeGreaterThan(0);
    expect((await stored('batched-5')).counters).toEqual([
      { result: 'error', reason: 'command-timeout', polls: 1, poll_ms_sum: expect.anything() },
      { result: 'ok', reason: '', polls: 2, poll_ms_sum: expect.anything() },
    ]);
  });

  it('a node another agent stored meanwhile: the batch is stored node by node, that node from the store', async () => {
    const t0 = Date.UTC(2025, 10, 30, 21, 0, 0);
    const names = ['m-0', 'm-1', 'm-2'];
    await addNodes(names);
    const mine = agentCaches();
    const stale = await fixture('stale-session');
    expect(
      (
        await ingestPolls(
          db,
          names.map((n) => success(stale, n, new Date(t0))),
          mine,
        )
      ).every((s) => s.status === 'fulfilled'),
    ).toBe(true);
    // another agent (its own caches) polls m-1 a second later
    await ingestPoll(db, success(stale, 'm-1', new Date(t0 + 1_000)));
    const store = counting(db);
    const later = new Date(t0 + 5_000);
    const healthy = await fixture('healthy');
    const settled = await ingestPolls(
      store,
      names.map((n) => success(healthy, n, later)),
      mine,
    );
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    // the batch's transaction rolled back, then one per node
    expect(store.transactions).toBe(1 + names.length);
    for (const n of names) {
      const s = await stored(n);
      expect(s.status[0]).toMatchObject({ state: 'ok', diagnosed_at: later });
      expect(s.summary[0]).toMatchObject({ worst_verdict: expect.any(String), collected_at: later });
      expect(s.counters).toEqual([{ result: 'ok', reason: '', polls: 2 + (n === 'm-1' ? 1 : 0), poll_ms_sum: expect.anything() }]);
    }
  });

  it("a node whose rows the store refuses fails alone; the others' polls are stored", async () => {
    const at = new Date(Date.UTC(2025, 10, 30, 22, 0, 0));
    const stale = await fixture('stale-session');
    const good = success(stale, 'r-good', at);
    const bad = success(stale, 'r-bad', at);
    if (!bad.ok || bad.events.length === 0) throw new Error('fixture without log lines');
    const refused: PollOutcome = { ...bad, events: [{ ...bad.events[0]!, at: 'not a time' }] };
    await addNodes(['r-good', 'r-bad', 'r-down']);
    const caches = agentCaches();
    const settled = await ingestPolls(db, [good, refused, failure('r-down', at)], caches);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((settled[1] as PromiseRejectedResult).reason)).toMatch(/not a time/);
    expect((await stored('r-good')).status[0]).toMatchObject({ state: 'ok' });
    expect((await stored('r-down')).status[0]).toMatchObject({ state: 'error', consecutive_failures: 1 });
    expect(await stored('r-bad')).toMatchObject({ status: [], verdicts: [], events: [] });
    // nothing of the refused poll is remembered: its next poll reads the store
    expect(caches.ingestCache.get('r-bad')).toBeUndefined();
  });
});

describe('IngestQueue', () => {
  it('stores polls finishing together in few transactions, a node twice in two, each caller told its own outcome', async () => {
    const store = counting(db);
    const queue = new IngestQueue(store, { ...agentCaches(), targetWriteMs: 10_000 });
    const at = new Date(Date.UTC(2025, 10, 30, 23, 0, 0));
    const healthy = await fixture('healthy');
    const names = Array.from({ length: 12 }, (_, i) => `q-${i}`);
    await addNodes([...names, 'q-bad']);
    const twice = success(healthy, 'q-0', new Date(at.getTime() + 5_000));
    const refused: PollOutcome = { ...failure('q-bad', at), state: 'not-a-state' as 'error' };
    const results = await Promise.allSettled([...names.map((n) => queue.submit(success(healthy, n, at))), queue.submit(twice), queue.submit(refused)]);
    expect(results.slice(0, 13).map((r) => r.status)).toEqual(Array(13).fill('fulfilled'));
    expect(results[13]!.status).toBe('rejected');
    // one batch, the batch's fall-back after the refused row (one per poll), and q-0's second poll
    expect(store.transactions).toBeLessThanOrEqual(1 + 13 + 1);
    expect((await stored('q-0')).counters).toEqual([{ result: 'ok', reason: '', polls: 2, poll_ms_sum: expect.anything() }]);
    for (const n of names.slice(1)) expect((await stored(n)).status[0]).toMatchObject({ state: 'ok', last_success_at: at });
    await queue.idle();
  });

  it('batches without falling back when every poll is storable', async () => {
    const store = counting(db);
    const queue = new IngestQueue(store, { ...agentCaches(), targetWriteMs: 10_000 });
    const at = new Date(Date.UTC(2025, 10, 30, 23, 30, 0));
    const healthy = await fixture('healthy');
    const names = Array.from({ length: 20 }, (_, i) => `qq-${i}`);
    await addNodes(names);
    await Promise.all(names.map((n) => queue.submit(success(healthy, n, at))));
    expect(store.transactions).toBe(1);
    const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from node_status where node like 'qq-%' and state = 'ok'`);
    expect(rows[0]!.n).toBe(20);
  });

  it('with several writers (PostgreSQL), writes that many batches at once and no more', async () => {
    let open = 0;
    let most = 0;
    const store = {
      query: db.query.bind(db),
      exec: db.exec.bind(db),
      transaction: async <T>(fn: Parameters<Db['transaction']>[0]) => {
        open++;
        most = Math.max(most, open);
        try {
          // long enough for the other writers to start theirs meanwhile
          await new Promise((r) => setTimeout(r, 30));
          return (await db.transaction(fn)) as T;
        } finally {
          open--;
        }
      },
    };
    const queue = new IngestQueue(store, { ...agentCaches(), writers: 3, maxBatch: 2, lingerMs: 0 });
    const at = new Date(Date.UTC(2025, 10, 30, 23, 45, 0));
    const names = Array.from({ length: 12 }, (_, i) => `w-${i}`);
    await addNodes(names);
    const healthy = await fixture('healthy');
    await Promise.all(names.map((n) => queue.submit(success(healthy, n, at))));
    await queue.idle();
    expect(most).toBe(3);
    const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from node_status where node like 'w-%' and state = 'ok'`);
    expect(rows[0]!.n).toBe(12);
  });
});
