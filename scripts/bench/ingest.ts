// `npm run bench:ingest [-- --nodes 1000 --rounds 3 --concurrency 64]`: what the agent's ingest costs on the
// embedded store, statement by statement. Starts the simulated fleet in its own process, polls every node as
// the agent does (one SshPool, the probe, its section memory), and stores each round's polls through the
// agent's IngestQueue (in batches) into a fresh PGlite (a new store, the inventory synced and the never-polled
// nodes primed, as `startAgent` does). Round 1 is the first poll after a start; later rounds are steady polls
// (unchanged sections sent as their hash). Prints, per round, the polling time, the ingest's wall and CPU time and the statements that took
// longest (count, total and mean). Not part of `npm test`: numbers are printed, never asserted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadInventoryFile } from '../../agents/inventory-file';
import { journalSince } from '../../agents/poller/journal-window';
import { pollNode, type PolledNode } from '../../agents/poller/poll-node';
import { Semaphore } from '../../agents/poller/semaphore';
import { SshPool } from '../../agents/ssh/pool';
import { openMigratedPglite } from '../../lib/db/pglite';
import type { Db, Queryable } from '../../lib/db/types';
import { syncInventory } from '../../lib/inventory/store/sync-inventory';
import { IngestCache } from '../../lib/ingest/store/poll';
import { IngestQueue } from '../../lib/ingest/store/ingest-queue';
import { primeUnstoredNodes } from '../../lib/ingest/store/cache';
import { NormalizeCache } from '../../lib/model/normalize-cache';
import { startSimProcess } from './sim-process';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '64' },
    'interval-ms': { type: 'string', default: '5000' },
  },
});

/** Statement text (first 90 characters, spaces folded) → how often and how long. */
const statements = new Map<string, { n: number; ms: number }>();
function count(sql: string, ms: number): void {
  const key = sql.replace(/\s+/g, ' ').trim().slice(0, 90);
  const s = statements.get(key) ?? { n: 0, ms: 0 };
  s.n++;
  s.ms += ms;
  statements.set(key, s);
}
async function timed<T>(key: string, work: () => Promise<T>): Promise<T> {
  const t = performance.now();
  try {
    return await work();
  } finally {
    count(key, performance.now() - t);
  }
}
/** The store, timing each statement and each transaction as a whole. */
function counted(db: Db): Db {
  const wrap = (q: Queryable): Queryable => ({
    exec: (sql) => timed(sql, () => q.exec(sql)),
    query: (sql, params) => timed(sql, () => q.query(sql, params)),
  });
  const store: Db = {
    ...db,
    ...wrap(db),
    transaction: (fn) => timed('(a whole transaction)', () => db.transaction((tx) => fn(wrap(tx)))),
    background: () => store,
  };
  return store;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'fnh-bench-ingest-'));
  const sim = await startSimProcess(path.join(dir, 'sim'), ['--nodes', values.nodes]);
  const inventory = loadInventoryFile(sim.inventoryPath);
  const pool = new SshPool(inventory);
  const semaphore = new Semaphore(Number(values.concurrency));
  const store = await openMigratedPglite(path.join(dir, 'pglite'));
  try {
    await syncInventory(store, inventory);
    const ingestCache = new IngestCache();
    await primeUnstoredNodes(
      store,
      ingestCache,
      inventory.nodes.map((n) => n.name),
    );
    const normalizeCache = new NormalizeCache();
    const db = counted(store);
    // as the poller reads the journal: the first window, then since the last success (with its overlap)
    const lastSuccess = new Map<string, number>();
    for (let round = 1; round <= Number(values.rounds); round++) {
      if (round > 1) await new Promise((r) => setTimeout(r, Number(values['interval-ms'])));
      let t = performance.now();
      const polls = (
        await Promise.all(
          inventory.nodes.map((n) =>
            semaphore.run(async (): Promise<Array<{ node: string; at: Date; polled: PolledNode }>> => {
              const at = new Date();
              try {
                const polled = await pollNode(pool, n.name, {
                  journalSince: journalSince(at.getTime(), lastSuccess.get(n.name)),
                  timeoutMs: 20_000,
                  maxBytes: 320 * 2 ** 20,
                  now: at,
                });
                lastSuccess.set(n.name, at.getTime());
                return [{ node: n.name, at, polled }];
              } catch {
                return []; // unreachable by design (the simulated fleet's down nodes)
              }
            }),
          ),
        )
      ).flat();
      const pollMs = performance.now() - t;
      statements.clear();
      t = performance.now();
      const cpu = process.cpuUsage();
      // as the agent stores them: through its queue, in batches sized to its intended write length
      const queue = new IngestQueue(db, { normalizeCache, ingestCache, lingerMs: 0 });
      await Promise.all(
        polls.map(({ node, at, polled }) => {
          const { bundle, events, journal } = polled;
          return queue.submit({ ok: true, node, at, pollMs: 10, bundle, events, journal });
        }),
      );
      const used = process.cpuUsage(cpu);
      console.log(
        `round ${round} (${round === 1 ? 'first polls' : 'steady'}): polled ${polls.length} nodes in ${(pollMs / 1000).toFixed(1)} s; ingest ${((performance.now() - t) / 1000).toFixed(1)} s wall, ${((used.user + used.system) / 1e6).toFixed(1)} s CPU`,
      );
      for (const [sql, s] of [...statements].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12))
        console.log(`  ${s.ms.toFixed(0).padStart(6)} ms ${String(s.n).padStart(5)}× ${(s.ms / s.n).toFixed(2).padStart(6)} ms  ${sql}`);
    }
  } finally {
    await pool.close();
    await sim.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
