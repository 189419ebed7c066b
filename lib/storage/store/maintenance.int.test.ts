import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, Queryable } from '@/lib/db';
import { retentionFromEnv } from '@/lib/storage/retention-config';
import { startMaintenance } from './maintenance';
import { pruneExpired } from './retention-prune';
import { openMemoryDb } from '../../../tests/support/memory-db';

// Maintenance runs by itself: retention in small batches that leave the store to page reads in between,
// VACUUM and CHECKPOINT on the embedded store, and one run per period however many agents share a store.

let db: Db;

async function addOldEvents(n: number) {
  await db.query(
    `insert into liveness_events (node, at, level, msg, dedupe_key)
     select 'n1', now() - interval '10 days' + g * interval '1 second', 'WARN', 'liveness.scheduler: error writing UDP packet', 'old' || g || '-' || random() from generate_series(1, $1::int) g`,
    [n],
  );
}

beforeAll(async () => {
  db = await openMemoryDb();
  await db.query(`insert into nodes (name, host, port, ssh_user) values ('n1', '127.0.0.1', 22, 'fnh')`);
});
afterAll(async () => {
  await db?.close();
});

describe('maintenance', () => {
  it('a page read waits for at most the statement running when it came, not for the queued background work', async () => {
    await addOldEvents(2_000);
    const bg = db.background?.() ?? db;
    let backgroundDone = 0;
    const counted: Queryable = {
      exec: (sql) => bg.exec(sql),
      async query(sql, params) {
        const r = await bg.query(sql, params);
        backgroundDone++;
        return r as never;
      },
    };
    let pruning = true;
    const waited: number[] = [];
    // polls keep queueing background writes meanwhile; page reads arrive every few milliseconds
    const polls = setInterval(() => {
      for (let i = 0; i < 5; i++) void counted.query('select count(*) from liveness_events');
    }, 5);
    const reads = (async () => {
      while (pruning) {
        await new Promise((r) => setTimeout(r, 7));
        const before = backgroundDone;
        await db.query('select count(*) from nodes');
        waited.push(backgroundDone - before);
      }
    })();
    const report = await pruneExpired(counted, retentionFromEnv({}), { batchSize: 100, between: () => new Promise((r) => setTimeout(r, 0)) });
    pruning = false;
    clearInterval(polls);
    await reads;
    expect(report.deleted.liveness_events).toBe(2_000);
    expect(waited.length).toBeGreaterThan(5);
    // first come, first served, a read would wait for every queued poll; with reads first, for the one running
    expect(Math.max(...waited)).toBeLessThanOrEqual(1);
  });

  it('runs retention, VACUUM and CHECKPOINT on schedule, each task once per period across agents', async () => {
    await addOldEvents(300);
    const logs: string[] = [];
    const schedule = { firstRunAfterMs: 10, pruneEveryMs: 60_000, vacuumEveryMs: 60_000, checkpointEveryMs: 60_000, pauseMs: 0 };
    const retention = retentionFromEnv({ FNH_RETAIN_EVENTS: '2d' });
    // two agents on the same store
    const a = startMaintenance({ db, retention, schedule, log: (m) => logs.push(`a ${m}`) });
    const b = startMaintenance({ db, retention, schedule, log: (m) => logs.push(`b ${m}`) });
    const deadline = Date.now() + 60_000;
    const allRan = () => (['prune', 'vacuum', 'checkpoint'] as const).every((t) => a.last[t] || b.last[t]);
    while (Date.now() < deadline && !allRan()) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 500));
    await Promise.all([a.stop(), b.stop()]);
    expect((await db.query<{ n: number }>(`select count(*)::int as n from liveness_events where at < now() - interval '2 days'`)).rows[0]!.n).toBe(0);
    // each task ran in exactly one of the two
    for (const task of ['prune', 'vacuum', 'checkpoint'] as const) expect([a.last[task], b.last[task]].filter(Boolean)).toHaveLength(1);
    expect(logs.filter((l) => l.includes('retention deleted 300 liveness_events'))).toHaveLength(1);
    // run in order (retention, then VACUUM), no dead rows are left behind in the pruned table
    await addOldEvents(100);
    const now = startMaintenance({ db, retention, schedule: { firstRunAfterMs: 3600_000 }, log: () => undefined });
    expect((await now.runNow()).prune?.deleted.liveness_events).toBe(100);
    await now.stop();
    await db.query('select pg_stat_force_next_flush()').catch(() => undefined);
    const dead = await db.query<{ n: number }>(`select n_dead_tup::int as n from pg_stat_user_tables where relname = 'liveness_events'`);
    expect(dead.rows[0]?.n).toBe(0);
  });
});
