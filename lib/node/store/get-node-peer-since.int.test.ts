import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadBundleFolder } from '@/lib/bundle/folder';
import type { Db } from '@/lib/db';
import { parseJournal } from '@/lib/parse/journal';
import { getNode } from './get-node';
import { ingestPoll } from '../../ingest/store/poll';
import { syncInventory } from '../../inventory/store/sync-inventory';
import { openMigratedPgliteAt } from '../../../tests/support/memory-db';

// The node page says since when each peer's verdict holds (the `since` the ingest stored, kept across polls),
// and which local IP a stale-local-ip finding is about.

let dir: string;
let db: Db;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fnh-node-since-'));
  db = await openMigratedPgliteAt(path.join(dir, 'pglite'));
});

afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('each peer verdict of the node page carries the since the ingest stored, and it stays on the next poll', async () => {
  const node = 'n-stale';
  await syncInventory(db, {
    source: 't',
    nodes: [{ name: node, host: 'h', port: 22, user: 'fnh', tags: [], knownHostsPath: '/k', useAgent: true, trustOnFirstUse: false }],
  });
  const captured = await loadBundleFolder(path.resolve('fixtures/bundles/stale-session'));
  const poll = async (at: Date) => {
    const b = { ...captured, meta: { node, collectedAt: at.toISOString() } };
    await ingestPoll(db, { ok: true, node, at, pollMs: 5, bundle: b, events: parseJournal(b.sections.journal?.stdout ?? '') });
  };
  const first = new Date(captured.meta.collectedAt);
  await poll(first);
  await poll(new Date(first.getTime() + 5_000));
  const detail = await getNode({ name: node, now: new Date(first.getTime() + 6_000), db });
  const { rows } = await db.query<{ peer: string; since: Date }>('select peer, since from peer_verdicts where node = $1', [node]);
  const stored = new Map(rows.map((r) => [r.peer, r.since.toISOString()]));
  const stale = detail.peers.filter((p) => p.verdict === 'stale-session');
  expect(stale.length).toBeGreaterThan(0);
  for (const p of stale) {
    expect(p.since).toBe(stored.get(p.peer));
    expect(Date.parse(p.since!)).toBeLessThanOrEqual(first.getTime());
  }
});

it('the stale-local-ip finding names its local IP, the one the stale sessions send from', async () => {
  const { rows } = await db.query<{ collected_at: Date }>(`select collected_at from node_raw where node = 'n-stale'`);
  const detail = await getNode({ name: 'n-stale', now: new Date(rows[0]!.collected_at.getTime() + 1_000), db });
  const finding = detail.findings.find((f) => f.kind === 'stale-local-ip');
  const stale = detail.peers.filter((p) => p.verdict === 'stale-session');
  expect(finding?.localIP).toBeTruthy();
  expect(new Set(stale.map((p) => p.localIP))).toEqual(new Set([finding!.localIP]));
});

it('pinned to a moment, a verdict in effect carries the since recorded for it, also when its peer is not named inside the window', async () => {
  // One stale peer keeps being named by the throttle, the other not for 16 minutes: the log of the window
  // alone no longer says when the quiet one began failing, the change-only record does.
  const node = 'n-pinned';
  await syncInventory(db, {
    source: 't',
    nodes: [{ name: node, host: 'h', port: 22, user: 'fnh', tags: [], knownHostsPath: '/k', useAgent: true, trustOnFirstUse: false }],
  });
  const captured = await loadBundleFolder(path.resolve('fixtures/bundles/stale-session'));
  const first = new Date(captured.meta.collectedAt);
  const journal = captured.sections.journal!.stdout;
  const poll = async (at: Date, journalText: string) => {
    const b = {
      ...captured,
      meta: { node, collectedAt: at.toISOString() },
      sections: { ...captured.sections, journal: { ...captured.sections.journal!, stdout: journalText } },
    };
    await ingestPoll(db, { ok: true, node, at, pollMs: 5, bundle: b, events: parseJournal(journalText) });
  };
  await poll(first, journal);
  const named = '198.18.7.55';
  const quiet = '216.238.110.55';
  const later = new Date(first.getTime() + 16 * 60_000);
  // the named peer's last line, again every 5 s up to the second poll
  const template = journal
    .split('\n')
    .filter((l) => l.includes(named))
    .pop()!;
  const lines = Array.from({ length: 12 }, (_, i) => {
    const t = new Date(later.getTime() - (12 - i) * 5_000);
    const rec = JSON.parse(template) as Record<string, string>;
    const msg = JSON.parse(rec.MESSAGE!) as Record<string, string>;
    msg.time = t.toISOString();
    return JSON.stringify({ ...rec, __CURSOR: `${rec.__CURSOR}-${i}`, __REALTIME_TIMESTAMP: String(t.getTime() * 1000), MESSAGE: JSON.stringify(msg) });
  });
  await poll(later, lines.join('\n') + '\n');

  const { rows } = await db.query<{ peer: string; verdict: string; since: Date }>('select peer, verdict, since from peer_verdicts where node = $1', [node]);
  const stored = new Map(rows.map((r) => [r.peer, r]));
  expect(stored.get(quiet)?.verdict).toBe('stale-session');
  const pinned = await getNode({ name: node, now: new Date(later.getTime() + 2_000), at: new Date(later.getTime() + 1), db });
  const quietPeer = pinned.peers.find((p) => p.peer === quiet);
  expect(quietPeer?.verdict).toBe('stale-session');
  expect(quietPeer?.warnings).toBe(0);
  expect(quietPeer?.since).toBe(stored.get(quiet)!.since.toISOString());
  expect(pinned.peers.find((p) => p.peer === named)?.since).toBe(stored.get(named)!.since.toISOString());
});
