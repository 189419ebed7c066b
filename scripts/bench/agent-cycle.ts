// Child process of `npm run bench`: the agent's collection path alone, so its CPU and memory are its own.
// Prints one JSON line with: time to connect every node, poll-cycle times in two modes, CPU, peak RSS,
// and the domain work (normalize, hash, journal) on a first-poll cycle and on a steady-state cycle.
//   full:   every section sent in full (no held outputs: what a first poll, or any tool, transfers);
//   steady: as the agent runs, the node answers unchanged sections with their hash.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadInventoryFile } from '../../agents/inventory-file';
import { pollNode, type PolledNode } from '../../agents/poller/poll-node';
import { journalSince } from '../../agents/poller/journal-window';
import { SectionMemo } from '../../agents/poller/section-memo';
import { NormalizeCache } from '../../lib/model/normalize-cache';
import { Semaphore } from '../../agents/poller/semaphore';
import { SshPool } from '../../agents/ssh/pool';
import { diagnoseBundles, type DiagnoseBundlesOptions } from './diagnose-bundles';
import { errorMessage } from '../../lib/errors';

const { values } = parseArgs({
  options: {
    inventory: { type: 'string' },
    cycles: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '256' },
    /** the simulated fleet's process: its CPU is read from /proc around each mode (Linux) */
    'sim-pid': { type: 'string' },
  },
});

/** CPU ms a process has used so far, from /proc (undefined where there is none). */
function processCpuMs(pid: string | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

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
          failed.push(`${name}: ${errorMessage(err)}`);
        }
      }),
    ),
  );
  return { ok, failed };
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
}

interface ModeResult {
  cycleMs: number[];
  /** agent CPU over the mode's cycles, in % of one core */
  cpuPercent: number;
  /** the simulated fleet's CPU over the same time, in % of one core (when measurable) */
  simCpuPercent?: number;
  pollFailures: number;
  pollFailureSamples: string[];
  last: PolledNode[];
  /** the cycle before the last: what the agent's normalization cache holds when the last one is ingested */
  previous: PolledNode[];
}

async function main(): Promise<void> {
  if (!values.inventory) throw new Error('--inventory is required');
  const inventory = loadInventoryFile(values.inventory);
  const names = inventory.nodes.map((n) => n.name);
  const concurrency = Number(values.concurrency);
  const cycles = Number(values.cycles);
  const pool = new SshPool(inventory, { connectTimeoutMs: 60_000 });

  const t0 = performance.now();
  const connected = await forAll(names, concurrency, (name) => pool.exec(name, 'true', { timeoutMs: 60_000, maxBytes: 1024 }));
  const connectAllMs = performance.now() - t0;

  // As the agent does: the first poll reads 15 min of journal, later ones since the last poll (with overlap).
  let lastSuccess: number | undefined;
  const steadyMemo = new SectionMemo();
  const cycle = async (memoFor: () => SectionMemo) => {
    const now = new Date();
    const since = journalSince(now.getTime(), lastSuccess);
    const start = performance.now();
    const res = await forAll(names, concurrency, (name) =>
      pollNode(pool, name, { journalSince: since, timeoutMs: 30_000, maxBytes: 64 * 1024 * 1024, now, memo: memoFor() }),
    );
    lastSuccess = now.getTime();
    return { ms: performance.now() - start, res };
  };
  const runMode = async (memoFor: () => SectionMemo): Promise<ModeResult> => {
    const cpu = process.cpuUsage();
    const simCpu = processCpuMs(values['sim-pid']);
    const wall = performance.now();
    const out: ModeResult = { cycleMs: [], cpuPercent: 0, pollFailures: 0, pollFailureSamples: [], last: [], previous: [] };
    for (let c = 0; c < cycles; c++) {
      const { ms, res } = await cycle(memoFor);
      out.cycleMs.push(ms);
      out.pollFailures += res.failed.length;
      out.pollFailureSamples.push(...res.failed.slice(0, 3 - out.pollFailureSamples.length));
      out.previous = out.last;
      out.last = res.ok;
    }
    const wallMs = performance.now() - wall;
    out.cpuPercent = (cpuMs(cpu) / wallMs) * 100;
    const simAfter = processCpuMs(values['sim-pid']);
    if (simCpu !== undefined && simAfter !== undefined) out.simCpuPercent = ((simAfter - simCpu) / wallMs) * 100;
    return out;
  };

  // Warm-up, not counted: first polls (15-minute journal window); it also fills the steady memo.
  const warmup = await cycle(() => steadyMemo);
  const full = await runMode(() => new SectionMemo());
  const steady = await runMode(() => steadyMemo);

  const diagnose = (polled: PolledNode[], opts: DiagnoseBundlesOptions = {}) => {
    const cpu = process.cpuUsage();
    const start = performance.now();
    const r = diagnoseBundles(polled, opts);
    return { ms: performance.now() - start, cpuMs: cpuMs(cpu), ...r };
  };
  // As the agent ingests: the poller's journal parse reused; first polls meet an empty cache, a steady
  // cycle the cache the previous cycle left (warmed here, not timed; with --cycles 1 it stays cold).
  // `Uncached`: the same work without either, as the ingest did before the cache; measured first, so
  // any JIT warm-up favours it, not the cached path.
  const firstWindowUncached = diagnose(warmup.res.ok);
  const firstWindow = diagnose(warmup.res.ok, { cache: new NormalizeCache(), reuseJournal: true });
  const steadyStateUncached = diagnose(steady.last);
  const steadyCache = new NormalizeCache();
  diagnoseBundles(steady.previous, { cache: steadyCache, reuseJournal: true });
  const steadyState = diagnose(steady.last, { cache: steadyCache, reuseJournal: true });

  await pool.close();
  const { last: _f, previous: _fp, ...fullOut } = full;
  const { last: _s, previous: _sp, ...steadyOut } = steady;
  const result = {
    nodes: names.length,
    connected: connected.ok.length,
    connectFailures: connected.failed.slice(0, 5),
    connectAllMs,
    warmupMs: warmup.ms,
    full: fullOut,
    steady: steadyOut,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    diagnosis: { firstWindow, steadyState, firstWindowUncached, steadyStateUncached },
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
