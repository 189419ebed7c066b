// `npx tsx scripts/bench/big-node.ts [--routes N]`: collect + parse one node with a huge route table.
// A simulated fleet (its own process) where one node holds N routes (default 1,000,000, ~163 MB of
// probe reply); this process is the agent: SshPool + pollNode with the agent's default limits
// (per-poll cap and in-flight byte budget), then the product's ip-route parser on what was collected.
// Prints one JSON line last (scripts/bench/run.ts reads it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startSimProcess } from './sim-process';
import { z } from 'zod';
import { loadInventoryFile } from '../../agents/inventory-file';
import { pollNode } from '../../agents/poller/poll-node';
import { DEFAULT_MAX_POLL_OUTPUT_BYTES } from '../../agents/poller/poller';
import { SshPool } from '../../agents/ssh/pool';
import { parseIpRoute } from '../../lib/parse/ip-route';
import { errorMessage } from '../../lib/errors';

// Index 6 of the simulated fleet: a healthy node with its tunnel up (the bulk routes go through it).
const NODE = 'tyo-mn-bm1';
const { values } = parseArgs({ options: { routes: { type: 'string', default: '1000000' } } });
const routes = z.coerce.number().int().min(1).max(2_000_000).parse(values.routes);

export interface BigNodeResult {
  routes: number;
  parsedRoutes: number;
  sectionBytes: number;
  /** first poll: the whole table sent, received, decoded (wall) */
  collectMs: number;
  /** the product's parser on the collected section */
  parseMs: number;
  parseCpuMs: number;
  /** the next poll: the node says "unchanged", the held table is reused */
  unchangedPollMs: number;
  budgetPeakMb: number;
  peakRssMb: number;
}

async function main(): Promise<BigNodeResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'fnh-bench-big-'));
  const fleet = await startSimProcess(dir, ['--nodes', '7', '--route-table', `${NODE}=${routes}`]);
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 10);
  const pool = new SshPool(loadInventoryFile(fleet.inventoryPath));
  try {
    await pool.ensureConnected(NODE);
    const opts = (now: number) => ({
      journalSince: Math.floor(now / 1000) - 900,
      timeoutMs: 120_000,
      maxBytes: DEFAULT_MAX_POLL_OUTPUT_BYTES,
      now: new Date(now),
    });
    const t0 = performance.now();
    const polled = await pollNode(pool, NODE, opts(Date.now()));
    const collectMs = performance.now() - t0;
    const text = polled.bundle.sections['ip-route']?.stdout ?? '';
    const cpu = process.cpuUsage();
    const t1 = performance.now();
    const parsed = parseIpRoute(text);
    const parseMs = performance.now() - t1;
    const used = process.cpuUsage(cpu);
    const t2 = performance.now();
    await pollNode(pool, NODE, opts(Date.now()));
    const unchangedPollMs = performance.now() - t2;
    return {
      routes,
      parsedRoutes: parsed.items.length,
      sectionBytes: Buffer.byteLength(text),
      collectMs,
      parseMs,
      parseCpuMs: (used.user + used.system) / 1000,
      unchangedPollMs,
      budgetPeakMb: pool.byteBudget.peak / 1e6,
      peakRssMb: Math.max(peakRss, process.memoryUsage.rss()) / 1e6,
    };
  } finally {
    clearInterval(sampler);
    await pool.close();
    await fleet.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (r) => {
    console.log(JSON.stringify(r));
    process.exit(0);
  },
  (err: unknown) => {
    console.error(errorMessage(err));
    process.exit(1);
  },
);
