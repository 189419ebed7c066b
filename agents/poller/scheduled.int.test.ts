import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventoryFile } from '../inventory-file';
import { startSimFleet, type SimFleet } from '../sim/fleet';
import { SshPool } from '../ssh/pool';
import { ForegroundActivity } from '../../lib/foreground-activity';
import { Poller } from './poller';

// Lease mode narrows the poller's schedule to the nodes the agent holds (Poller.setScheduled), against
// three simulated SSH nodes: only scheduled nodes are polled, a node handed over stops being polled,
// pollNow still reaches any node without putting it on the schedule.

let dir: string;
let fleet: SimFleet;
let pool: SshPool;
let poller: Poller;
const polls = new Map<string, number>();
// the embedded agent's yield point, with a bound longer than this test: polls start only when it is idle
const activity = new ForegroundActivity();
const count = (n: string) => polls.get(n) ?? 0;

async function until(what: string, cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(Object.fromEntries(polls))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fnh-scheduled-'));
  fleet = await startSimFleet({ count: 3, dir });
  const inventory = loadInventoryFile(fleet.inventoryPath);
  pool = new SshPool(inventory);
  poller = new Poller(
    pool,
    inventory.nodes.map((n) => n.name),
    async (r) => {
      polls.set(r.node, count(r.node) + 1);
    },
    { intervalMs: 300, pollTimeoutMs: 10_000, beforePoll: () => activity.idle(60_000) },
  );
});

afterAll(async () => {
  await poller?.stop();
  await pool?.close();
  await fleet?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('Poller.setScheduled', () => {
  it('polls only the scheduled nodes, follows a hand-over, and pollNow works outside the schedule', async () => {
    const [a, b, c] = fleet.nodes.map((n) => n.name) as [string, string, string];
    poller.setScheduled([a]);
    poller.start();
    await until(`${a} polled twice`, () => count(a) >= 2);
    expect(count(b)).toBe(0);
    expect(count(c)).toBe(0);

    poller.setScheduled([b]); // a was handed to another agent
    const aAtHandOver = count(a);
    await until(`${b} polled three times`, () => count(b) >= 3);
    // at most the poll of a that was already running when it was handed over
    expect(count(a)).toBeLessThanOrEqual(aAtHandOver + 1);

    const status = await poller.pollNow(c);
    expect(status.state).toBe('ok');
    const bNow = count(b);
    await until(`${b} polled three more times`, () => count(b) >= bNow + 3);
    expect(count(c)).toBe(1); // the one pollNow, never scheduled

    poller.setScheduled(undefined); // lease mode off: everything
    const before = { a: count(a), c: count(c) };
    await until('every node polled again', () => count(a) > before.a + 1 && count(c) > before.c + 1);
  });
});

describe('Poller beforePoll', () => {
  it('starts no poll while a request is answered, and resumes when it ends', async () => {
    const all = fleet.nodes.map((n) => n.name);
    const total = () => all.reduce((sum, n) => sum + count(n), 0);
    await until('polling', () => total() > 0);
    const endRequest = activity.begin();
    // polls already started may finish; then nothing starts
    await new Promise((r) => setTimeout(r, 1_000));
    const held = total();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(total()).toBe(held);
    endRequest();
    await until('polling again', () => total() >= held + all.length);
  });
});
