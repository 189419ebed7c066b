// Child process of `npm run bench`: the agent's collection path alone, so its CPU and memory are its own.
// Prints one JSON line with: time to connect every node, full-probe cycle times, CPU and peak RSS.
import { parseArgs } from 'node:util';
import { loadInventoryFile } from '../../agents/inventory-file';
import { pollNode, type PolledNode } from '../../agents/poller/poll-node';
import { journalSince } from '../../agents/poller/journal-window';
import { Semaphore } from '../../agents/poller/semaphore';
import { SshPool } from '../../agents/ssh/pool';
import { diagnoseBundles } from './diagnose-bundles';

const { values } = parseArgs({
  options: {
    inventory: { type: 'string' },
    cycles: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '256' },
  },
});

async function forAll<T>(names: string[], concurrency: number, fn: (name: string) => Promise<T>): Promise<{ ok: T[]; failed: string[] }> {
  const sem = new Semaphore(concurrency);
  const ok: T[] = [];
  const failed: string[] = [];
  await Promise.all(
    names.map((name) =>
      sem.run(async () => {
        try {
          ok.push(await fn(name));
        } catch (err) {
          failed.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }),
    ),
  );
  return { ok, failed };
}

async function main(): Promise<void> {
  if (!values.inventory) throw new Error('--inventory is required');
  const inventory = loadInventoryFile(values.inventory);
  const names = inventory.nodes.map((n) => n.name);
  const concurrency = Number(values.concurrency);
  const pool = new SshPool(inventory, { connectTimeoutMs: 60_000 });

  const t0 = performance.now();
  const connected = await forAll(names, concurrency, (name) => pool.exec(name, 'true', { timeoutMs: 60_000, maxBytes: 1024 }));
  const connectAllMs = performance.now() - t0;

  const cycles: number[] = [];
  let cpuStart = process.cpuUsage();
  let wallStart = performance.now();
  let last: PolledNode[] = [];
  let failures = 0;
  const failureSamples: string[] = [];
  // As the agent does: the first poll reads 15 min of journal, later ones since the last poll (with overlap).
  // The first cycle is a warm-up and is not counted.
  let lastSuccess: number | undefined;
  for (let c = 0; c <= Number(values.cycles); c++) {
    const start = performance.now();
    const now = new Date();
    const since = journalSince(now.getTime(), lastSuccess);
    const res = await forAll(names, concurrency, (name) => pollNode(pool, name, { journalSince: since, timeoutMs: 30_000, maxBytes: 64 * 1024 * 1024, now }));
    lastSuccess = now.getTime();
    if (c === 0) {
      last = res.ok;
      cpuStart = process.cpuUsage();
      wallStart = performance.now();
      continue;
    }
    cycles.push(performance.now() - start);
    failures += res.failed.length;
    failureSamples.push(...res.failed.slice(0, 3 - failureSamples.length));
  }
  const cpu = process.cpuUsage(cpuStart);
  const wallMs = performance.now() - wallStart;

  const diagnosisStart = performance.now();
  // Diagnose the warm-up cycle: it carries the full 15-minute journal window, the heaviest case.
  const diagnosed = diagnoseBundles(last.map((p) => p.bundle));
  const diagnoseMs = performance.now() - diagnosisStart;

  await pool.close();
  const result = {
    nodes: names.length,
    connected: connected.ok.length,
    connectFailures: connected.failed.slice(0, 5),
    connectAllMs,
    cycleMs: cycles,
    pollFailures: failures,
    pollFailureSamples: failureSamples,
    cpuPercentDuringCycles: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    diagnoseMs,
    diagnosedNodes: diagnosed.nodes,
    diagnosedPeers: diagnosed.peers,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack ?? err.message : String(err));
    process.exit(1);
  },
);
