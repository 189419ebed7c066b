import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../lib/db';
import type { Db } from '../lib/db/types';
import { ForegroundActivity } from '../lib/foreground-activity';
import { startEmbeddedWorker } from './embedded';
import { EmbeddedAgentSupervisor } from './embedded-supervisor';
import { startSimFleet, type SimFleet } from './sim/fleet';

// The embedded agent in its worker thread, for real: a simulated fleet over SSH, a PGlite store in this thread
// (as in the dashboard), and the worker started from agents/embedded-worker-boot.mjs. It polls the fleet and the
// store fills; a worker that dies is started again and polling goes on; a clean stop gives its leases back.

const NODES = 3;
let dir: string;
let fleet: SimFleet;
let db: Db;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fnh-embedded-worker-'));
  fleet = await startSimFleet({ count: NODES, dir: path.join(dir, 'sim') });
  db = await openDb({ dataDir: path.join(dir, 'pglite'), databaseUrl: '' });
});

afterAll(async () => {
  await db?.close();
  await fleet?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const env = () => ({
  ...process.env,
  FNH_INVENTORY: fleet.inventoryPath,
  FNH_POLL_INTERVAL_MS: '1000',
  FNH_LEASE_MS: '3000',
});

async function polledSince(since: Date): Promise<number> {
  const { rows } = await db.query<{ n: number }>('select count(*)::int as n from node_status where last_success_at > $1', [since]);
  return rows[0]!.n;
}

async function leaseHolders(): Promise<string[]> {
  const { rows } = await db.query<{ agent_id: string | null }>('select distinct agent_id from node_leases');
  return rows.map((r) => r.agent_id ?? 'none');
}

describe('the embedded agent in a worker thread', () => {
  it('polls the fleet into the store, is started again when it dies, and gives its leases back on stop', async () => {
    const logged: string[] = [];
    const gaveUp: string[] = [];
    const supervisor = new EmbeddedAgentSupervisor({
      db,
      foreground: new ForegroundActivity().shared(),
      startWorker: (init) => startEmbeddedWorker(init, { env: env() }),
      policy: { maxExits: 5, windowMs: 60_000, backoffMs: () => 100 },
      onGiveUp: (m) => gaveUp.push(m),
      log: (m) => logged.push(m),
    });
    const started = new Date();
    const firstReady = supervisor.ready();
    supervisor.start();
    await firstReady;
    await expect.poll(() => polledSince(started), { timeout: 60_000, interval: 250 }).toBe(NODES);
    const [firstAgent] = await leaseHolders();
    expect(firstAgent).toMatch(/:/);

    // the thread dies (as on a crash): a new one is started, takes the nodes and polls them again
    const killedAt = new Date();
    const nextReady = supervisor.ready();
    await supervisor.current!.terminate();
    await nextReady;
    expect(supervisor.started).toBe(2);
    await expect.poll(() => polledSince(killedAt), { timeout: 60_000, interval: 250 }).toBe(NODES);
    const holders = await leaseHolders();
    expect(holders).toHaveLength(1);
    expect(holders[0]).not.toBe(firstAgent);
    expect(logged.some((m) => m.includes('starting it again'))).toBe(true);

    await supervisor.stop();
    expect(supervisor.current).toBeUndefined();
    expect(await leaseHolders()).toEqual(['none']);
    expect(gaveUp).toEqual([]);
  });

  it('gives up after five exits within the window instead of restarting forever', async () => {
    const gaveUp: string[] = [];
    const supervisor = new EmbeddedAgentSupervisor({
      db,
      foreground: new ForegroundActivity().shared(),
      // a worker that dies at once, every time
      startWorker: () => new Worker('process.exit(3)', { eval: true }),
      policy: { maxExits: 5, windowMs: 60_000, backoffMs: () => 10 },
      onGiveUp: (m) => gaveUp.push(m),
      log: () => undefined,
    });
    supervisor.start();
    await expect.poll(() => gaveUp, { timeout: 30_000 }).toHaveLength(1);
    expect(gaveUp[0]).toMatch(/exited 5 times within 60 s \(last exit code 3\)/);
    expect(supervisor.started).toBe(5);
    await supervisor.stop();
  });
});
