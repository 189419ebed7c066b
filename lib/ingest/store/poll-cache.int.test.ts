import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBundleFolder } from '@/lib/bundle/folder';
import type { Db } from '@/lib/db';
import { canonicalJson } from '@/lib/canonical-json';
import { normalizeBundle } from '@/lib/model/normalize';
import { NormalizeCache } from '@/lib/model/normalize-cache';
import { stableState } from '@/lib/model/state-hash';
import { IngestCache, ingestPoll } from './poll';
import { primeUnstoredNodes } from './cache';
import { loadRecordedPrior } from './record-diagnosis';
import { syncInventory } from '@/lib/inventory/store/sync-inventory';
import { openMigratedPgliteAt } from '../../../tests/support/memory-db';
import { polledOutcome } from '../../../tests/support/poll-outcome';

// The agent's ingest (poller's journal parse + its NormalizeCache) must store exactly what the plain
// ingest stores: the same change-only history rows, verdicts and summary, poll after poll.

let dir: string;
let db: Db;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fnh-ingest-cache-'));
  db = await openMigratedPgliteAt(path.join(dir, 'pglite'));
});

afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const fixture = (name: string) => loadBundleFolder(path.join(__dirname, '..', '..', '..', 'fixtures', 'bundles', name));

async function stored(node: string) {
  const history = await db.query<{ at: Date; state_hash: string; state: unknown }>(
    'select at, state_hash, state from node_state_history where node = $1 order by at, id',
    [node],
  );
  const verdicts = await db.query(
    'select peer, interface, local_ip, verdict, warnings, last_warning_at, evidence, details, diagnosed_at from peer_verdicts where node = $1 order by peer, interface',
    [node],
  );
  const summary = await db.query(
    'select worst_verdict, node_unknown, doublezero0, warnings_in_window, peer_count, verdict_counts, collected_at from node_summary where node = $1',
    [node],
  );
  return { history: history.rows, verdicts: verdicts.rows, summary: summary.rows };
}

describe("ingestPoll with the agent's NormalizeCache", () => {
  it('stores the same history, verdicts and summary as without it, and a history row exactly at each change', async () => {
    for (const node of ['plain', 'cached']) await db.query(`insert into nodes (name, host, port, ssh_user) values ($1, '127.0.0.1', 22, 'fnh')`, [node]);
    const names = [
      'healthy',
      'healthy',
      'no-route',
      'no-route',
      'no-route',
      'healthy',
      'interface-down',
      'stale-session',
      'stale-session',
      'healthy',
      'firewall-blocked',
      'healthy',
    ];
    const bundles = await Promise.all(names.map(fixture));
    const cache = new NormalizeCache();
    const t0 = Date.UTC(2025, 10, 30, 19, 40, 0);
    for (const [i, bundle] of bundles.entries()) {
      const at = new Date(t0 + i * 5000);
      const plain = polledOutcome(bundle, 'plain', at);
      await ingestPoll(db, { ...plain, journal: undefined });
      await ingestPoll(db, polledOutcome(bundle, 'cached', at), { normalizeCache: cache });
      const [a, b] = await Promise.all([stored('plain'), stored('cached')]);
      expect(b).toEqual(a);
    }
    expect(cache.stats.sectionHits).toBeGreaterThan(0);
    expect(cache.stats.hashHits).toBeGreaterThan(0);

    // a row exactly where the normalized stable state differs from the previous poll's
    const states = bundles.map((b) => canonicalJson(stableState(normalizeBundle(b))));
    const changedAt = states.flatMap((s, i) => (i === 0 || s !== states[i - 1] ? [new Date(t0 + i * 5000).toISOString()] : []));
    const { history } = await stored('cached');
    expect(history.map((r) => new Date(r.at).toISOString())).toEqual(changedAt);
    expect(history.map((r) => canonicalJson(r.state))).toEqual(changedAt.map((at) => states[(Date.parse(at) - t0) / 5000]));
    expect(history.length).toBeLessThan(names.length);
  });
});

describe('an agent starting with nodes the store holds nothing of', () => {
  it('primes only those, and their first polls store exactly what an unprimed ingest stores', async () => {
    const t0 = new Date(Date.UTC(2025, 10, 30, 20, 0, 0));
    // as an agent starts: the inventory sync gives every new node a pending status first
    const names = ['fresh-plain', 'fresh-primed', 'known', 'log-only', 'failed-once'];
    await syncInventory(db, {
      source: 'test',
      nodes: names.map((name) => ({ name, host: '127.0.0.1', port: 22, user: 'fnh', tags: [], knownHostsPath: '/k', useAgent: false, trustOnFirstUse: false })),
    });
    const stale = await fixture('stale-session');
    await ingestPoll(db, polledOutcome(stale, 'known', t0));
    // a node with only log lines stored is not "nothing" either, nor one whose only poll failed
    await db.query(`insert into liveness_events (node, at, level, msg, dedupe_key) values ('log-only', $1, 'INFO', 'x', 'k')`, [t0]);
    await ingestPoll(db, { ok: false, node: 'failed-once', at: t0, pollMs: 5, state: 'error', error: { kind: 'connect-refused', message: 'refused' } });

    const cache = new IngestCache();
    expect(await primeUnstoredNodes(db, cache, names)).toEqual(['fresh-plain', 'fresh-primed']);
    expect(cache.get('known')).toBeUndefined();
    // what the store would have said of it: a (pending) status row, nothing diagnosed
    expect(cache.get('fresh-primed')?.prior).toEqual(await loadRecordedPrior(db, 'fresh-primed'));
    cache.forget('fresh-plain');

    for (const [i, name] of ['stale-session', 'stale-session', 'healthy'].entries()) {
      const at = new Date(t0.getTime() + (i + 1) * 5000);
      const bundle = await fixture(name);
      await ingestPoll(db, polledOutcome(bundle, 'fresh-plain', at));
      await ingestPoll(db, polledOutcome(bundle, 'fresh-primed', at), { ingestCache: cache });
      const [plain, primed] = await Promise.all([stored('fresh-plain'), stored('fresh-primed')]);
      expect(primed).toEqual(plain);
      const events = async (node: string) =>
        (await db.query<{ n: number }>('select count(*)::int as n from liveness_events where node = $1', [node])).rows[0]!.n;
      expect(await events('fresh-primed')).toBe(await events('fresh-plain'));
    }
    expect((await stored('fresh-primed')).verdicts.length).toBeGreaterThan(0);
  });
});
