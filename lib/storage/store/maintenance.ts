import 'server-only';
import type { Db, Queryable } from '@/lib/db';
import { formatDuration, type Retention } from '@/lib/storage/retention-config';
import { ensureEventPartitions } from './event-partitions';
import { pruneExpired, type PruneReport } from './retention-prune';
import { errorMessage } from '@/lib/errors';

// Maintenance that runs itself (issue 17), in every agent process: retention sweeps in small batches, and
// on the embedded PGlite store (which runs neither autovacuum nor a checkpointer) VACUUM and CHECKPOINT on
// a schedule. Everything goes through the store's background priority, so page reads go first. With
// several agents on one PostgreSQL, each task is claimed in maintenance_runs: one process runs it per period.

/** Tables whose rows are updated or deleted in place: dead rows accumulate there until VACUUM. */
export const churnedTables = [
  'node_status',
  'node_summary',
  'peer_verdicts',
  'node_raw_sections',
  'poll_counters',
  'poll_duration_buckets',
  'liveness_events',
  'node_state_history',
  'peer_verdict_changes',
  'node_verdict_changes',
  'node_leases',
  'agent_heartbeats',
  'sign_in_throttle',
  'sessions',
  'alerts',
];

export interface MaintenanceSchedule {
  /** PostgreSQL: liveness_events partitions for today and the days ahead (first run at start) */
  partitionsEveryMs: number;
  pruneEveryMs: number;
  vacuumEveryMs: number;
  checkpointEveryMs: number;
  /** first run after start (lets a starting agent poll first) */
  firstRunAfterMs: number;
  batchSize: number;
  /** pause between two prune batches */
  pauseMs: number;
}

export const defaultMaintenanceSchedule: MaintenanceSchedule = {
  partitionsEveryMs: 60 * 60_000,
  pruneEveryMs: 10 * 60_000,
  vacuumEveryMs: 5 * 60_000,
  checkpointEveryMs: 2 * 60_000,
  firstRunAfterMs: 60_000,
  batchSize: 2_000,
  pauseMs: 50,
};

export interface MaintenanceReport {
  partitions?: { created: string[] };
  prune?: PruneReport;
  vacuum?: { tables: number; ms: number };
  checkpoint?: { ms: number };
}

type Task = 'partitions' | 'prune' | 'vacuum' | 'checkpoint';

export interface RunningMaintenance {
  /** runs every task now (claims ignored); resolves with what was done */
  runNow(): Promise<MaintenanceReport>;
  stop(): Promise<void>;
  readonly last: Readonly<Record<Task, { at: Date; ms: number; error?: string } | undefined>>;
}

export interface MaintenanceOptions {
  db: Db;
  retention: Retention;
  schedule?: Partial<MaintenanceSchedule>;
  log?: (message: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Claims `task` for this period: true for exactly one process per period, whatever the number of agents. */
async function claim(q: Queryable, task: Task, everyMs: number): Promise<boolean> {
  const { rows } = await q.query(
    `insert into maintenance_runs (task, last_run_at) values ($1, now())
     on conflict (task) do update set last_run_at = now()
       where maintenance_runs.last_run_at <= now() - ($2::int * interval '1 millisecond')
     returning 1`,
    [task, Math.max(0, everyMs - 1_000)],
  );
  return rows.length > 0;
}

export async function vacuumChurned(db: Db): Promise<{ tables: number; ms: number }> {
  const started = Date.now();
  // The statistics this backend still holds (rows it deleted) go out first, so VACUUM's count is the last word.
  await db.query('select pg_stat_force_next_flush()').catch(() => undefined);
  // VACUUM cannot run in a transaction block: one table per statement, so reads get the store in between.
  for (const table of churnedTables) await db.exec(`vacuum (analyze) ${table}`);
  return { tables: churnedTables.length, ms: Date.now() - started };
}

export async function checkpoint(db: Db): Promise<{ ms: number }> {
  const started = Date.now();
  await db.exec('checkpoint');
  return { ms: Date.now() - started };
}

export function startMaintenance(opts: MaintenanceOptions): RunningMaintenance {
  const s = { ...defaultMaintenanceSchedule, ...opts.schedule };
  const db = opts.db.background?.() ?? opts.db;
  const log = opts.log ?? ((m: string) => console.log(m));
  const embedded = db.kind === 'pglite';
  let stopped = false;
  const last: Record<Task, { at: Date; ms: number; error?: string } | undefined> = {
    partitions: undefined,
    prune: undefined,
    vacuum: undefined,
    checkpoint: undefined,
  };
  const between = async () => {
    if (stopped) throw new Error('maintenance stopped');
    await sleep(s.pauseMs);
  };
  const tasks: Record<Task, { everyMs: number; enabled: boolean; firstAfterMs?: number; run: () => Promise<Partial<MaintenanceReport>> }> = {
    // at start, not after firstRunAfterMs: until today's partition exists, polled lines go to the default one
    partitions: {
      everyMs: s.partitionsEveryMs,
      enabled: !embedded,
      firstAfterMs: 0,
      run: async () => ({ partitions: { created: await ensureEventPartitions(db) } }),
    },
    prune: {
      everyMs: s.pruneEveryMs,
      enabled: true,
      run: async () => ({ prune: await pruneExpired(db, opts.retention, { batchSize: s.batchSize, between }) }),
    },
    // PostgreSQL's autovacuum and checkpointer do these; the embedded store has neither.
    vacuum: { everyMs: s.vacuumEveryMs, enabled: embedded, run: async () => ({ vacuum: await vacuumChurned(db) }) },
    checkpoint: { everyMs: s.checkpointEveryMs, enabled: embedded, run: async () => ({ checkpoint: await checkpoint(db) }) },
  };
  let running: Promise<unknown> = Promise.resolve();
  const runTask = (task: Task, claimFirst: boolean): Promise<Partial<MaintenanceReport>> => {
    const next = running.then(async () => {
      if (stopped) return {};
      const t = Date.now();
      try {
        if (claimFirst && !(await claim(db, task, tasks[task].everyMs))) return {};
        const out = await tasks[task].run();
        last[task] = { at: new Date(), ms: Date.now() - t };
        if (out.partitions?.created.length) log(`maintenance: created partitions ${out.partitions.created.join(', ')}`);
        if (task === 'prune' && out.prune) {
          const deleted = Object.entries(out.prune.deleted).filter(([, n]) => n > 0);
          if (deleted.length)
            log(`maintenance: retention deleted ${deleted.map(([t, n]) => `${n} ${t}`).join(', ')} in ${out.prune.batches} batches, ${out.prune.ms} ms`);
          if (out.prune.droppedPartitions.length) log(`maintenance: retention dropped partitions ${out.prune.droppedPartitions.join(', ')}`);
        }
        return out;
      } catch (err) {
        if (!stopped) {
          last[task] = { at: new Date(), ms: Date.now() - t, error: errorMessage(err) };
          log(`maintenance: ${task} failed: ${last[task]!.error}`);
        }
        return {};
      }
    });
    running = next;
    return next;
  };
  const timers: Array<ReturnType<typeof setTimeout>> = [];
  for (const task of Object.keys(tasks) as Task[]) {
    if (!tasks[task].enabled) continue;
    const tick = () => {
      if (stopped) return;
      void runTask(task, true).finally(() => {
        if (!stopped) timers.push(setTimeout(tick, tasks[task].everyMs));
      });
    };
    timers.push(setTimeout(tick, tasks[task].firstAfterMs ?? s.firstRunAfterMs));
  }
  log(
    `maintenance: retention ${Object.entries(opts.retention)
      .map(([k, v]) => `${k} ${formatDuration(v)}`)
      .join(', ')}; ${embedded ? 'VACUUM and CHECKPOINT on a schedule (embedded store)' : "PostgreSQL's autovacuum does the rest"}`,
  );
  return {
    last,
    async runNow() {
      const out: MaintenanceReport = {};
      for (const task of Object.keys(tasks) as Task[]) if (tasks[task].enabled) Object.assign(out, await runTask(task, false));
      return out;
    },
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      await running.catch(() => undefined);
    },
  };
}
