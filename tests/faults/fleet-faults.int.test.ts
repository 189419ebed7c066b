import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimFleet, type SimFleet } from '../../agents/sim/fleet';
import { nodeName } from '../../agents/sim/scenarios';
import { loadInventoryFile } from '../../agents/inventory-file';
import type { PollResult } from '../../agents/poller/poller';
import { startAgent, type RunningAgent } from '../../agents/poller/start-agent';
import type { Db } from '../../lib/db';
import { openMigratedPgliteAt } from '../support/memory-db';

// Faults on a simulated fleet of real SSH servers, polled by the real agent into real PGlite:
// more than 10 % of the nodes fail in different ways (nothing listens, accepts TCP and never speaks,
// answers later than the poll timeout, goes down in the middle of the run and comes back). The healthy
// nodes keep their cadence within one poll timeout, each failed node is stored with its reason, and the
// node that comes back recovers without anyone touching it. No log line carries the SSH private key.

const COUNT = 20;
const INTERVAL_MS = 2_000;
const POLL_TIMEOUT_MS = 5_000;
const silentNode = nodeName(10);
const slowNode = nodeName(11);
const dropNode = nodeName(12);
const unreachableNode = nodeName(5); // unreachable by the fleet's own scenario plan
const faulty = new Set([silentNode, slowNode, dropNode, unreachableNode]);

let dir: string;
let fleet: SimFleet;
let db: Db;
let agent: RunningAgent;
const results: PollResult[] = [];
const logLines: string[] = [];

async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function status(node: string) {
  const { rows } = await db.query<{ state: string; last_error: { kind: string; message: string } | null; consecutive_failures: number }>(
    'select state, last_error, consecutive_failures from node_status where node = $1',
    [node],
  );
  return rows[0];
}

const okCount = (node: string, after = 0) => results.filter((r) => r.node === node && r.ok && r.at.getTime() >= after).length;
const failCount = (node: string, after = 0) => results.filter((r) => r.node === node && !r.ok && r.at.getTime() >= after).length;

let dropStoppedAt = 0;
let dropRestartedAt = 0;
const healthy = () => fleet.nodes.map((n) => n.name).filter((n) => !faulty.has(n));

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fnh-faults-'));
  fleet = await startSimFleet({
    count: COUNT,
    dir: path.join(dir, 'sim'),
    scenarioOverrides: { [silentNode]: 'silent', [slowNode]: { behavior: 'slow', delayMs: 60_000 } },
  });
  db = await openMigratedPgliteAt(path.join(dir, 'pglite'));
  agent = await startAgent({
    db,
    inventory: loadInventoryFile(fleet.inventoryPath),
    registerShutdown: false,
    lease: false,
    pool: { connectTimeoutMs: 4_000, backoff: { baseMs: 200, maxMs: 1_000 } },
    poller: { intervalMs: INTERVAL_MS, pollTimeoutMs: POLL_TIMEOUT_MS, concurrency: 16, log: (m) => logLines.push(m) },
    observe: (r) => results.push(r),
  });

  // Phase 1: everyone has been polled a few times; the faulty nodes have failed at least twice.
  await until(
    'healthy nodes polled 3 times, faulty ones failed twice',
    () => healthy().every((n) => okCount(n) >= 3) && [silentNode, slowNode, unreachableNode].every((n) => failCount(n) >= 2) && okCount(dropNode) >= 2,
  );
  // Phase 2: the drop node goes away (its SSH server stops, open connections are cut) while the agent runs.
  dropStoppedAt = Date.now();
  await fleet.node(dropNode).stopServer();
  await until('the dropped node failed twice', () => failCount(dropNode, dropStoppedAt) >= 2);
  await until('the dropped node is stored as failed', async () => (await status(dropNode))?.state === 'error');
}, 180_000);

afterAll(async () => {
  await agent?.stop();
  await db?.close();
  await fleet?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a fleet with more than 10 % of its nodes failing', () => {
  it('stores each failed node as error with the reason it failed', async () => {
    expect(faulty.size / COUNT).toBeGreaterThanOrEqual(0.1);
    expect(await status(silentNode)).toMatchObject({ state: 'error', last_error: { kind: 'connect-timeout' } });
    expect(await status(slowNode)).toMatchObject({ state: 'error', last_error: { kind: 'command-timeout' } });
    expect(await status(unreachableNode)).toMatchObject({ state: 'error', last_error: { kind: 'connect-refused' } });
    const dropped = await status(dropNode);
    expect(dropped?.state).toBe('error');
    // Cut mid-session or refused on reconnect, depending on when the poll was: either way a named reason.
    expect(['closed', 'connect-refused', 'protocol']).toContain(dropped?.last_error?.kind);
    for (const n of faulty) {
      const s = await status(n);
      expect(s!.consecutive_failures, n).toBeGreaterThanOrEqual(1);
      expect(s!.last_error!.message.length, n).toBeGreaterThan(0);
    }
  });

  it('keeps every healthy node on its cadence: no poll held back by more than one poll timeout', async () => {
    for (const n of healthy()) {
      const polls = results.filter((r) => r.node === n);
      // A poll starts max(interval, the node's own previous poll) after the previous one when nothing
      // holds it back; whatever is beyond that is delay caused by others, and must stay within a timeout.
      const delays = polls.slice(1).map((r, i) => r.at.getTime() - polls[i]!.at.getTime() - Math.max(INTERVAL_MS, polls[i]!.pollMs));
      expect(polls.length, n).toBeGreaterThanOrEqual(3);
      expect(Math.max(...delays), n).toBeLessThanOrEqual(POLL_TIMEOUT_MS);
    }
    // A healthy node may see a transient connect timeout on a loaded CI machine, but it ends healthy.
    for (const n of healthy()) expect((await status(n))?.state, n).toBe('ok');
    // The faults really were slower than a healthy poll: the slow node's polls hit the timeout.
    const slowPolls = results.filter((r) => r.node === slowNode && !r.ok).map((r) => r.pollMs);
    expect(Math.min(...slowPolls)).toBeGreaterThanOrEqual(POLL_TIMEOUT_MS - 100);
  });

  it('recovers the dropped node by itself when its server comes back', async () => {
    dropRestartedAt = Date.now();
    await fleet.node(dropNode).startServer();
    await until('the dropped node polls OK again', () => okCount(dropNode, dropRestartedAt) >= 1, 60_000);
    await until('the store shows it OK', async () => (await status(dropNode))?.state === 'ok', 30_000);
    expect(await status(dropNode)).toMatchObject({ state: 'ok', last_error: null, consecutive_failures: 0 });
  }, 120_000);

  it('never writes the SSH private key to the logs or the stored errors', async () => {
    const key = readFileSync(fleet.clientKeyPath, 'utf8');
    // Every base64 line of the key body, not only the armour, must be absent.
    const keyLines = key.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'));
    expect(keyLines.length).toBeGreaterThan(0);
    const stored = await db.query<{ last_error: unknown }>('select last_error from node_status');
    const haystack = [...logLines, ...results.filter((r) => !r.ok).map((r) => JSON.stringify(r)), JSON.stringify(stored.rows)].join('\n');
    expect(logLines.length + stored.rows.length).toBeGreaterThan(0);
    expect(haystack).not.toContain('PRIVATE KEY');
    for (const l of keyLines) expect(haystack).not.toContain(l);
  });
});
