import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBundleFolder } from '@/lib/bundle/folder';
import type { Db } from '@/lib/db';
import type { Inventory } from '@/lib/inventory/schema';
import { parseJournal } from '@/lib/parse/journal';
import { ingestPoll } from '../../ingest/store/poll';
import { listFleet } from './list-fleet';
import { syncInventory } from '../../inventory/store/sync-inventory';
import { openMigratedPgliteAt } from '../../../tests/support/memory-db';

// The fleet row's `signals` (what the fleet header's patterns read), from real-capture bundles ingested into
// real PGlite: the live path (stored summary + peer_verdicts) and the diagnose-on-read path must agree.

let dir: string;
let db: Db;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fnh-fleet-signals-'));
  db = await openMigratedPgliteAt(path.join(dir, 'pglite'));
  const base = { port: 22, user: 'fnh', tags: [], knownHostsPath: '/k', useAgent: true, trustOnFirstUse: false };
  const inventory: Inventory = { source: 't', nodes: ['no-route', 'stale-session', 'healthy'].map((f) => ({ ...base, name: `n-${f}`, host: `h-${f}` })) };
  await syncInventory(db, inventory);
  for (const fixture of ['no-route', 'stale-session', 'healthy']) {
    const captured = await loadBundleFolder(path.resolve('fixtures/bundles', fixture));
    const node = `n-${fixture}`;
    const b = { ...captured, meta: { node, collectedAt: captured.meta.collectedAt } };
    await ingestPoll(db, { ok: true, node, at: new Date(b.meta.collectedAt), pollMs: 5, bundle: b, events: parseJournal(b.sections.journal?.stdout ?? '') });
  }
});

afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function rowsAt(node: string) {
  const { rows } = await db.query<{ collected_at: Date }>('select collected_at from node_raw where node = $1', [node]);
  const now = new Date(rows[0]!.collected_at.getTime() + 1000);
  return (await listFleet({ now, db, only: node })).nodes[0]!;
}

describe('fleet row signals', () => {
  it('lists the peers a node fails for a peer-attributable reason (no-route), and no others', async () => {
    const row = await rowsAt('n-no-route');
    const { rows } = await db.query<{ peer: string; verdict: string }>('select peer, verdict from peer_verdicts where node = $1 order by peer', ['n-no-route']);
    expect(row.worstVerdict).toBe('no-route');
    expect(row.signals?.peerFaults).toEqual(rows.filter((r) => r.verdict === 'no-route').map((r) => r.peer));
    expect(row.signals?.peerFaults.length).toBeGreaterThan(0);
  });

  it('a stale session is the node’s own cause: no peer fault, but the known issue it matches', async () => {
    const row = await rowsAt('n-stale-session');
    expect(row.worstVerdict).toBe('stale-session');
    expect(row.signals?.peerFaults).toEqual([]);
    expect(row.signals?.knownIssues).toEqual(['doublezero-2320']);
  });

  it('a healthy node has none', async () => {
    const row = await rowsAt('n-healthy');
    expect(row.signals).toMatchObject({ knownIssues: [], peerFaults: [] });
  });

  it('the stored summary and the diagnosis on read give the same signals', async () => {
    for (const node of ['n-no-route', 'n-stale-session', 'n-healthy']) {
      const live = await rowsAt(node);
      await db.query('update node_summary set facts = null where node = $1', [node]);
      const onRead = await rowsAt(node);
      expect(onRead.signals).toEqual(live.signals);
    }
  });
});
