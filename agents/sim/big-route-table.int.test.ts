import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIpRoute } from '../../lib/parse/ip-route';
import { loadInventoryFile } from '../inventory-file';
import { DEFAULT_MAX_POLL_OUTPUT_BYTES, Poller, type PollResult } from '../poller/poller';
import { SshPool } from '../ssh/pool';
import { startSimFleet, type SimFleet } from './fleet';

// A node with a 1,000,000-route table (~122 MB of JSON, ~163 MB as the probe's base64) collected by
// the real agent over real SSH from the simulated fleet (the budget test is in
// big-route-table-budget.int.test.ts, in its own process for a clean memory baseline).

const MILLION = 1_000_000;
const BIG = 'par-mn-bm1';

let dir: string;
let fleet: SimFleet;
let clock = Date.UTC(2025, 10, 30, 19, 40, 0);

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fnh-sim-big-'));
  fleet = await startSimFleet({
    count: 12,
    dir,
    now: () => clock,
    scenarioOverrides: { [BIG]: { routeTableSize: MILLION } },
  });
});

afterAll(async () => {
  await fleet?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a node with a 1,000,000-route table', () => {
  it('is collected by the poller with its default limits while the other nodes keep being polled', async () => {
    const inventory = loadInventoryFile(fleet.inventoryPath);
    const names = inventory.nodes.map((n) => n.name);
    const pool = new SshPool(inventory);
    const results: PollResult[] = [];
    const poller = new Poller(pool, names, async (r) => void results.push(r), { concurrency: 16, pollTimeoutMs: 120_000, log: () => undefined });
    try {
      const others = fleet.nodes.filter((n) => n.name !== BIG && n.behavior === 'normal').map((n) => n.name);
      let bigDone = false;
      const big = poller.pollNow(BIG).finally(() => (bigDone = true));
      // Rounds of polls of every other node while the big reply is in flight.
      let roundsDuringBig = 0;
      while (!bigDone) {
        const round = await Promise.all(others.map((n) => poller.pollNow(n)));
        expect(round.map((s) => s.state)).toEqual(others.map(() => 'ok'));
        if (!bigDone) roundsDuringBig++;
      }
      const status = await big;
      expect(status.lastError?.message).toBeUndefined();
      expect(status.state).toBe('ok');
      expect(roundsDuringBig).toBeGreaterThan(0);

      const bigResult = results.find((r) => r.node === BIG);
      if (!bigResult?.ok) throw new Error('no successful poll of the big node');
      const section = bigResult.polled.bundle.sections['ip-route'];
      expect(section?.truncated).toBe(false);
      const parsed = parseIpRoute(section?.stdout ?? '');
      expect(parsed.issues).toEqual([]);
      expect(parsed.items).toHaveLength(MILLION);
      expect(pool.byteBudget.inFlight).toBe(0);
      // The whole reply went through one poll's cap and the shared budget.
      expect(pool.byteBudget.peak).toBeGreaterThan(160 * 1000 * 1000);
      expect(pool.byteBudget.peak).toBeLessThan(DEFAULT_MAX_POLL_OUTPUT_BYTES);

      // The next poll offers the table's hash: the node answers "unchanged" and the held table is reused.
      clock += 5_000;
      results.length = 0;
      expect((await poller.pollNow(BIG)).state).toBe('ok');
      const again = results.find((r) => r.node === BIG);
      if (!again?.ok) throw new Error('no second poll of the big node');
      expect(again.polled.bundle.sections['ip-route']?.stdout).toBe(section?.stdout);
    } finally {
      await poller.stop();
      await pool.close();
    }
  }, 300_000);
});
