import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/lib/db';
import { loadBundleFolder } from '@/lib/bundle/folder';
import type { Bundle } from '@/lib/bundle/types';
import { normalizeBundle } from '@/lib/model/normalize';
import { verdicts } from '@/lib/diagnosis/verdict-schema';
import { openMemoryDb } from '../../../tests/support/memory-db';
import { recordNodeState } from '../../ingest/store/record-node-state';
import { listPeerGrid } from './list-peer-grid';
import { listFleet } from '../../fleet/store/list-fleet';
import { getNode } from '../../node/store/get-node';
import { diagnoseAndRecordPoll } from '../../ingest/store/record-diagnosis';

// Real captures (fixtures/bundles): the seed node was healthy, then lost its allocated /32 (stale-session).
const fixture = (name: string) => loadBundleFolder(path.join(__dirname, '..', '..', '..', 'fixtures', 'bundles', name));
const t0 = new Date('2025-11-30T19:00:00Z');
const t1 = new Date('2025-11-30T19:30:00Z');
const now = new Date('2025-11-30T19:40:00Z');
const peer = '216.238.110.55';
let db: Db;
let staleBundle: Bundle;

beforeAll(async () => {
  db = await openMemoryDb();
  const healthy = await fixture('healthy');
  staleBundle = await fixture('stale-session');
  await db.query(`insert into nodes (name, host, port, ssh_user) values ('dfw-mn-bm1', '10.0.0.1', 22, 'fnh')`);
  await recordNodeState(db, 'dfw-mn-bm1', t0, normalizeBundle(healthy));
  await recordNodeState(db, 'dfw-mn-bm1', t1, normalizeBundle(staleBundle));
  const collected = new Date(now.getTime() - 2_000);
  staleBundle = { ...staleBundle, meta: { ...staleBundle.meta, collectedAt: collected.toISOString() } };
  await db.query(`insert into node_status (node, state, last_poll_at, last_success_at) values ('dfw-mn-bm1', 'ok', $1, $1)`, [collected]);
  await db.query(`insert into node_raw (node, collected_at, bundle) values ('dfw-mn-bm1', $1, $2)`, [collected, JSON.stringify(staleBundle)]);
  // The session came up before t0; after t1 the daemon logs a send failure every 5 s until now.
  await db.query(
    `insert into liveness_events (node, at, level, msg, interface, local_ip, peer_ip, dedupe_key)
     values ('dfw-mn-bm1', $1, 'INFO', 'liveness: session up', 'doublezero0', '209.245.225.161', $2, 'up')`,
    [new Date('2025-11-30T18:59:30Z'), peer],
  );
  for (let i = 0; i < 120; i++) {
    await db.query(
      `insert into liveness_events (node, at, level, msg, interface, local_ip, peer_ip, error, dedupe_key)
       values ('dfw-mn-bm1', $1, 'WARN', 'liveness.scheduler: error writing UDP packet', 'doublezero0', '209.245.225.161', $2,
               'write udp 0.0.0.0:44880->216.238.110.55:44880: sendmsg: network is unreachable', $3)`,
      [new Date(now.getTime() - 5_000 * i), peer, `w${i}`],
    );
  }
});
afterAll(async () => {
  await db.close();
});

const cellOf = (grid: Awaited<ReturnType<typeof listPeerGrid>>) => {
  const col = grid.cols.findIndex((c) => c.ip === peer);
  const cell = grid.cells.find(([r, c]) => grid.rows[r]?.name === 'dfw-mn-bm1' && c === col);
  return cell ? { verdict: verdicts[cell[2]], warnings: cell[3] } : null;
};

describe('peer grid and node detail, live and pinned', () => {
  it('live: the seed cell is stale-session with its warnings, the fleet row says so', async () => {
    // The diagnosis counts the window before the collection (2 s before now): the warning logged at `now` is not in it.
    expect(cellOf(await listPeerGrid({ now, db }))).toEqual({ verdict: 'stale-session', warnings: 119 });
    const fleet = await listFleet({ now, db });
    expect(fleet.nodes[0]).toMatchObject({ worstVerdict: 'stale-session', warnings15m: 120 });
    expect(fleet.nodes[0]?.checks.verdict).toMatchObject({ status: 'fail', label: 'stale-session' });
  });
  it('live evidence names the missing address', async () => {
    const node = await getNode({ name: 'dfw-mn-bm1', now, db });
    const v = node.peers.find((p) => p.peer === peer);
    expect(v?.verdict).toBe('stale-session');
    expect(v?.details.missingAddress).toBe('209.245.225.161');
    expect(v?.evidence.join(' ')).toContain('209.245.225.161');
    expect(node.interfaces.some((i) => i.ifname === 'doublezero0')).toBe(true);
  });
  it('pinned before the change: rebuilt from history, the pair was healthy and nothing had changed', async () => {
    const grid = await listPeerGrid({ now, at: new Date('2025-11-30T19:10:00Z'), db });
    expect(grid.pinned).toBe(true);
    expect(cellOf(grid)).toEqual({ verdict: 'healthy', warnings: 0 });
    const node = await getNode({ name: 'dfw-mn-bm1', now, at: new Date('2025-11-30T19:10:00Z'), db });
    expect(node.stateSince).toBe(t0.toISOString());
    expect(node.changes).toEqual([]);
  });
  it('pinned after the change: stale-session, and "what changed" shows the address removed', async () => {
    const at = new Date('2025-11-30T19:35:00Z');
    expect(cellOf(await listPeerGrid({ now, at, db }))?.verdict).toBe('stale-session');
    const node = await getNode({ name: 'dfw-mn-bm1', now, at, db });
    expect(node.changes).toContainEqual(
      expect.objectContaining({ at: t1.toISOString(), kind: 'address-removed', subject: expect.stringContaining('209.245.225.161') }),
    );
  });
  it('live: uses the verdicts the poll recorded for this very bundle', async () => {
    await db.transaction((tx) => diagnoseAndRecordPoll(tx, 'dfw-mn-bm1', staleBundle));
    await db.query(`update peer_verdicts set evidence = '["as recorded by the poll"]'::jsonb where node = 'dfw-mn-bm1' and peer = $1`, [peer]);
    const node = await getNode({ name: 'dfw-mn-bm1', now, db });
    expect(node.peers.find((p) => p.peer === peer)).toMatchObject({ verdict: 'stale-session', evidence: ['as recorded by the poll'] });
  });
  it('pinned before any history: unknown, never healthy', async () => {
    const fleet = await listFleet({ now, at: new Date('2025-11-30T18:00:00Z'), db });
    expect(fleet.nodes[0]?.checks.poll.status).toBe('unknown');
    expect(fleet.nodes[0]?.worstVerdict).toBeNull();
  });
});
