import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '@/lib/db';
import { retentionFromEnv } from '@/lib/storage/retention-config';
import { loadNodeStateAt } from '../../node/store/load-node-state-at';
import { pruneExpired } from './retention-prune';
import { openMigratedPgliteAt } from '../../../tests/support/memory-db';

// The store restarted mid-prune loses nothing: a process pruning the embedded store in small batches is
// SIGKILLed between two of them; the reopened store still holds every row inside its window (and the
// state history still rebuilds every kept moment), and the next sweep finishes the job.

const DAY = 24 * 3600_000;
const now = new Date('2026-11-26T12:00:00.000Z');
const dir = mkdtempSync(path.join(tmpdir(), 'fnh-prune-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const OLD_EVENTS = 3_000;
const KEPT_EVENTS = 400;

async function fill(db: Db): Promise<void> {
  await db.query(`insert into nodes (name, host, port, ssh_user) values ('n1', '127.0.0.1', 22, 'fnh')`);
  // log lines from 10 days ago (past the 3-day window) and from the last day
  await db.query(
    `insert into liveness_events (node, at, level, msg, dedupe_key)
     select 'n1', $1::timestamptz + g * interval '1 second', 'WARN', 'liveness.scheduler: error writing UDP packet', 'old' || g from generate_series(1, $2::int) g`,
    [new Date(now.getTime() - 10 * DAY), OLD_EVENTS],
  );
  await db.query(
    `insert into liveness_events (node, at, level, msg, dedupe_key)
     select 'n1', $1::timestamptz + g * interval '1 second', 'WARN', 'liveness.scheduler: error writing UDP packet', 'new' || g from generate_series(1, $2::int) g`,
    [new Date(now.getTime() - DAY), KEPT_EVENTS],
  );
  // a state change every hour for 40 days: change-only history past the 30-day window and inside it
  await db.query(
    `insert into node_state_history (node, at, state_hash, state)
     select 'n1', $1::timestamptz + g * interval '1 hour', 'h' || g, '{"links":[],"addresses":[],"routes":[],"rules":[],"firewall":null,"daemon":{"unitState":null,"sessions":null}}'::jsonb
       from generate_series(0, 40 * 24) g`,
    [new Date(now.getTime() - 40 * DAY)],
  );
}

const keptMoments = [30 * DAY, 29 * DAY + 1800_000, 10 * DAY, 3600_000].map((ms) => new Date(now.getTime() - ms));

async function kept(db: Db) {
  const events = (await db.query<{ n: number }>(`select count(*)::int as n from liveness_events where at >= $1`, [new Date(now.getTime() - 3 * DAY)])).rows[0]!
    .n;
  const old = (await db.query<{ n: number }>(`select count(*)::int as n from liveness_events where at < $1`, [new Date(now.getTime() - 3 * DAY)])).rows[0]!.n;
  const states = await Promise.all(keptMoments.map(async (at) => (await loadNodeStateAt(db, 'n1', at))?.hash));
  return { events, old, states };
}

describe('a store killed mid-prune', () => {
  it('keeps every row inside its window, and the next sweep finishes', { timeout: 300_000 }, async () => {
    const dataDir = path.join(dir, 'pglite');
    let db = await openMigratedPgliteAt(dataDir);
    await fill(db);
    const before = await kept(db);
    expect(before).toMatchObject({ events: KEPT_EVENTS, old: OLD_EVENTS });
    await db.close();

    const child = spawn(
      process.execPath,
      [
        '--conditions=react-server',
        '--import',
        'tsx',
        path.join(import.meta.dirname, '..', '..', '..', 'tests', 'support', 'prune-child.ts'),
        dataDir,
        now.toISOString(),
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (b: Buffer) => {
        if (/BATCH 5\b/.test(b.toString())) resolve();
        if (b.toString().includes('DONE')) reject(new Error('the prune finished before it could be killed'));
      });
      child.on('exit', (code) => reject(new Error(`prune child exited with ${code}`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));

    db = await openDb({ dataDir, databaseUrl: '' });
    const afterKill = await kept(db);
    // nothing inside the window was lost; some of what is past it was deleted, not all
    expect(afterKill.events).toBe(KEPT_EVENTS);
    expect(afterKill.states).toEqual(before.states);
    expect(afterKill.old).toBeGreaterThan(0);
    expect(afterKill.old).toBeLessThan(OLD_EVENTS);

    await pruneExpired(db, retentionFromEnv({}), { now });
    const done = await kept(db);
    expect(done).toEqual({ events: KEPT_EVENTS, old: 0, states: before.states });
    await db.close();
  });
});
