import type { Db } from '../../lib/db/types';
import type { Inventory } from '../../lib/inventory/schema';
import { NormalizeCache } from '../../lib/model/normalize-cache';
import { onShutdown } from '../../lib/shutdown';
import { IngestCache, type PollOutcome } from '../../lib/ingest/store/poll';
import { IngestQueue } from '../../lib/ingest/store/ingest-queue';
import { primeUnstoredNodes } from '../../lib/ingest/store/cache';
import { lastSuccessByNode } from '../../lib/ingest/store/last-success';
import { syncInventory } from '../../lib/inventory/store/sync-inventory';
import { SshPool, type PoolOptions } from '../ssh/pool';
import { LeaseKeeper, type LeaseOptions } from '../lease/lease-keeper';
import { startMaintenance, type MaintenanceSchedule, type RunningMaintenance } from '../../lib/storage/store/maintenance';
import type { Retention } from '../../lib/storage/retention-config';
import { Poller, type PollerOptions, type PollResult } from './poller';
import { FirstRound } from './first-round';
import { yieldToForeground } from '../../lib/foreground-activity';

// Wires the collection path: inventory -> nodes table, one SSH pool, the poller writing every
// poll to the store. Used by scripts/agent.ts and by the agent embedded in the Next.js server.

export interface RunningAgent {
  pool: SshPool;
  poller: Poller;
  /** present in lease mode: the nodes this agent polls come from it */
  lease?: LeaseKeeper;
  /** present when this agent maintains the store (retention, VACUUM/CHECKPOINT on PGlite) */
  maintenance?: RunningMaintenance;
  stop(): Promise<void>;
}

export interface StartAgentOptions {
  db: Db;
  inventory: Inventory;
  pool?: PoolOptions;
  poller?: PollerOptions;
  /** called after each poll is stored (tests, metrics) */
  observe?: (result: PollResult) => void;
  /** where the agent says it has stored a first poll of every node (default console.log) */
  log?: (line: string) => void;
  /** register stop() with lib/shutdown (default true) */
  registerShutdown?: boolean;
  /**
   * Share the fleet with other agents through node leases in the store (many machines, PostgreSQL).
   * Off: this agent polls every node (the embedded agent on PGlite, one process by construction).
   */
  lease?: LeaseOptions | false;
  /**
   * Retention and store maintenance in this process (lib/storage/store/maintenance.ts): `npm run agent` and the
   * embedded agent run it; with several agents each task is claimed, so one of them runs it per period.
   */
  maintenance?: { retention: Retention; schedule?: Partial<MaintenanceSchedule> } | false;
}

export async function startAgent(opts: StartAgentOptions): Promise<RunningAgent> {
  await syncInventory(opts.db, opts.inventory);
  const pool = new SshPool(opts.inventory, opts.pool);
  const names = opts.inventory.nodes.map((n) => n.name);
  const lastSuccess = await lastSuccessByNode(opts.db);
  // Lives as long as the agent: each poll re-normalizes and re-hashes only the sections that changed.
  const normalizeCache = new NormalizeCache();
  // What this agent last stored per node: an unchanged poll is compared with it, not read back. Nodes the store
  // holds nothing of start in it (empty), so their first poll reads nothing back.
  const ingestCache = new IngestCache();
  await primeUnstoredNodes(opts.db, ingestCache, names);
  // Ingest is background work: on the embedded store, page reads go first. Polls are stored in batches;
  // normalizing and diagnosing is the agent's heaviest step, so pages being answered go first (bounded).
  // PGlite's one connection takes one batch at a time; a PostgreSQL pool (10 connections) several.
  const ingest = new IngestQueue(opts.db.background?.() ?? opts.db, {
    normalizeCache,
    ingestCache,
    yieldBetween: yieldToForeground,
    writers: opts.db.kind === 'postgres' ? 4 : 1,
  });
  // Without leases this agent polls the whole inventory: it says when every node has a first poll stored.
  const firstRound = opts.lease ? undefined : new FirstRound(names, Date.now());
  const poller = new Poller(
    pool,
    names,
    async (r) => {
      try {
        await ingest.submit(toOutcome(r));
        const done = firstRound?.stored(r.node, r.ok, Date.now());
        if (done) (opts.log ?? console.log)(done);
      } finally {
        opts.observe?.(r);
      }
    },
    { lastSuccess, beforePoll: yieldToForeground, ...opts.poller },
  );
  let lease: LeaseKeeper | undefined;
  if (opts.lease) {
    // Nothing is polled on the schedule until the first lease tick says which nodes are ours.
    poller.setScheduled([]);
    lease = new LeaseKeeper({ ...opts.lease, db: opts.db, onHeld: (nodes, last) => poller.setScheduled(nodes, last) });
    await lease.start();
  }
  poller.start();
  const maintenance = opts.maintenance ? startMaintenance({ db: opts.db, ...opts.maintenance }) : undefined;
  let unregister: (() => void) | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      unregister?.();
      await maintenance?.stop();
      await lease?.stop();
      await poller.stop();
      await pool.close();
    })());
  // Registered after the store's own hook, so it runs before the store closes (hooks run newest first).
  if (opts.registerShutdown !== false) unregister = onShutdown(stop);
  return { pool, poller, ...(lease ? { lease } : {}), ...(maintenance ? { maintenance } : {}), stop };
}

function toOutcome(r: PollResult): PollOutcome {
  if (!r.ok) return { ok: false, node: r.node, at: r.at, pollMs: r.pollMs, state: r.state, error: r.error.toJSON() };
  const { bundle, events, journal } = r.polled;
  return { ok: true, node: r.node, at: r.at, pollMs: r.pollMs, bundle, events, journal };
}
