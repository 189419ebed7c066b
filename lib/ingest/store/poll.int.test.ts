import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/lib/db';
import type { Inventory, InventoryNode } from '@/lib/inventory/schema';
import { parseJournal } from '@/lib/parse/journal';
import type { Bundle } from '@/lib/bundle/types';
import { ingestPoll } from './poll';
import { syncInventory } from '../../inventory/store/sync-inventory';
import { openMigratedPgliteAt } from '../../../tests/support/memory-db';

// Inventory sync and poll ingest against real PGlite with the real migrations.

const SEED_LINE =
  'Nov 30 19:36:22 dfw-mn-bm1 doublezerod[1027617]: {"time":"2025-11-30T19:36:22.662807168Z","level":"WARN","msg":"liveness.scheduler: error writing UDP packet","error":"write udp 0.0.0.0:44880->216.238.110.55:44880: sendmsg: network is unreachable","peer":"interface: doublezero0, localIP: 209.245.225.161, peerIP: 216.238.110.55"}';
const LATER_LINE = SEED_LINE.replace(/19:36:22/g, '19:36:27').replace('662807168', '100000000');

let dir: string;
let db: Db;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fnh-ingest-'));
  db = await openMigratedPgliteAt(path.join(dir, 'pglite'));
});

afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const base = { port: 22, user: 'fnh', tags: [], knownHostsPath: '/k', useAgent: true, trustOnFirstUse: false };
const inv = (nodes: Array<Partial<InventoryNode> & { name: string; host: string }>): Inventory => ({
  source: 't',
  nodes: nodes.map((n) => ({ ...base, ...n })),
});
const bundle = (node: string, at: Date) => ({
  meta: { node, collectedAt: at.toISOString() },
  sections: { 'ip-link': { stdout: '[]', stderr: '', exitCode: 0, truncated: false } },
});

async function statusOf(node: string) {
  const { rows } = await db.query<{ state: string; consecutive_failures: number; last_error: unknown; last_success_at: Date | null; poll_ms: number }>(
    'select state, consecutive_failures, last_error, last_success_at, poll_ms from node_status where node = $1',
    [node],
  );
  return rows[0];
}

describe('syncInventory + ingestPoll', () => {
  it('upserts nodes as pending, then follows edits and removals of the inventory', async () => {
    expect(
      await syncInventory(
        db,
        inv([
          { name: 'a', host: 'h1', site: 'dfw', tags: ['x'] },
          { name: 'b', host: 'h2', proxyJump: { kind: 'node', name: 'a' } },
        ]),
      ),
    ).toEqual({ upserted: 2, removed: [] });
    expect(await statusOf('a')).toMatchObject({ state: 'pending', consecutive_failures: 0 });
    const { rows } = await db.query('select name, host, port, ssh_user, site, tags, proxy_jump from nodes order by name');
    expect(rows).toEqual([
      { name: 'a', host: 'h1', port: 22, ssh_user: 'fnh', site: 'dfw', tags: ['x'], proxy_jump: null },
      { name: 'b', host: 'h2', port: 22, ssh_user: 'fnh', site: null, tags: [], proxy_jump: 'a' },
    ]);
  });

  it('stores a success with its bundle and only the events not seen before', async () => {
    const at = new Date('2025-11-30T19:40:00Z');
    const first = await ingestPoll(db, { ok: true, node: 'a', at, pollMs: 42, bundle: bundle('a', at), events: parseJournal(SEED_LINE) });
    expect(first).toMatchObject({ newEvents: 1 });
    // The next window overlaps: the seed line again, plus a new one.
    const second = await ingestPoll(db, {
      ok: true,
      node: 'a',
      at: new Date(at.getTime() + 5_000),
      pollMs: 40,
      bundle: bundle('a', at),
      events: parseJournal(`${SEED_LINE}\n${LATER_LINE}`),
    });
    expect(second).toMatchObject({ newEvents: 1 });
    const { rows } = await db.query<{ n: number }>("select count(*)::int as n from liveness_events where node = 'a'");
    expect(rows[0]!.n).toBe(2);
    expect(await statusOf('a')).toMatchObject({ state: 'ok', consecutive_failures: 0, last_error: null, poll_ms: 40 });
  });

  it('counts consecutive failures with the typed error, and a success resets them', async () => {
    const at = new Date('2025-11-30T19:41:00Z');
    const error = { kind: 'connect-timeout', message: 'no SSH session', host: 'h2:22' };
    await ingestPoll(db, { ok: false, node: 'b', at, pollMs: 2000, state: 'error', error });
    await ingestPoll(db, { ok: false, node: 'b', at, pollMs: 2000, state: 'host-key-changed', error: { ...error, kind: 'host-key-changed' } });
    expect(await statusOf('b')).toMatchObject({
      state: 'host-key-changed',
      consecutive_failures: 2,
      last_error: { kind: 'host-key-changed', host: 'h2:22' },
      last_success_at: null,
    });
    await ingestPoll(db, { ok: true, node: 'b', at, pollMs: 10, bundle: bundle('b', at), events: [] });
    expect(await statusOf('b')).toMatchObject({ state: 'ok', consecutive_failures: 0, last_error: null });
  });

  it('keeps the last success time when a poll fails', async () => {
    await ingestPoll(db, { ok: false, node: 'a', at: new Date('2025-11-30T19:42:00Z'), pollMs: 1, state: 'error', error: { kind: 'closed', message: 'x' } });
    expect((await statusOf('a'))!.last_success_at).toEqual(new Date('2025-11-30T19:40:05Z'));
  });

  it('removes nodes that left the inventory, with their status, bundle and events', async () => {
    expect(await syncInventory(db, inv([{ name: 'b', host: 'h2' }]))).toEqual({ upserted: 1, removed: ['a'] });
    const { rows } = await db.query<{ t: string; n: number }>(
      "select 'status' as t, count(*)::int as n from node_status where node = 'a' union all select 'raw', count(*)::int from node_raw where node = 'a' union all select 'events', count(*)::int from liveness_events where node = 'a'",
    );
    expect(rows.map((r) => r.n)).toEqual([0, 0, 0]);
  });
});

describe('ingestPoll diagnoses in the same transaction', () => {
  it('writes the verdicts and change-only history of a real-capture stale-session bundle', async () => {
    const { loadBundleFolder } = await import('@/lib/bundle/folder');
    const captured = await loadBundleFolder(path.resolve('fixtures/bundles/stale-session'));
    const node = 'stale-node';
    await syncInventory(db, inv([{ name: node, host: 'h9' }]));
    const at = new Date(captured.meta.collectedAt);
    const b = { ...captured, meta: { node, collectedAt: at.toISOString() } };
    await ingestPoll(db, { ok: true, node, at, pollMs: 5, bundle: b, events: parseJournal(b.sections.journal?.stdout ?? '') });
    const verdicts = await db.query<{ verdict: string }>('select verdict from peer_verdicts where node = $1', [node]);
    expect(verdicts.rows.map((r) => r.verdict)).toContain('stale-session');
    const summary = await db.query<{ worst_verdict: string }>('select worst_verdict from node_summary where node = $1', [node]);
    expect(summary.rows[0]?.worst_verdict).toBe('stale-session');
    // The same state polled again is not a change: history keeps one row.
    const later = new Date(at.getTime() + 5000);
    await ingestPoll(db, { ok: true, node, at: later, pollMs: 5, bundle: { ...b, meta: { node, collectedAt: later.toISOString() } }, events: [] });
    const history = await db.query<{ n: number }>('select count(*)::int as n from node_state_history where node = $1', [node]);
    expect(history.rows[0]?.n).toBe(1);
  });

  it('stores the fleet grid facts with the verdicts, and the grid reads the same row from them as from the bundle', async () => {
    const { listFleet } = await import('../../fleet/store/list-fleet');
    const { summarizeState } = await import('@/lib/node/summarize-state');
    const { normalizeBundle } = await import('@/lib/model/normalize');
    const { rows } = await db.query<{ facts: unknown; bundle: Bundle }>(
      `select ns.facts, r.bundle from node_summary ns join node_raw r on r.node = ns.node where ns.node = 'stale-node'`,
    );
    expect(rows[0]?.facts).toEqual(summarizeState(normalizeBundle(rows[0]!.bundle)));
    const now = new Date(Date.parse(rows[0]!.bundle.meta.collectedAt) + 1000);
    const fromFacts = await listFleet({ now, db, only: 'stale-node' });
    // A store written before facts were stored: the same row, diagnosed on read from the bundle.
    await db.query(`update node_summary set facts = null where node = 'stale-node'`);
    const fromBundle = await listFleet({ now, db, only: 'stale-node' });
    expect(fromFacts.nodes[0]).toMatchObject({ link: 'up', worstVerdict: 'stale-session' });
    expect(fromFacts.nodes).toEqual(fromBundle.nodes);
  });
});
