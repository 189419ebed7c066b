// `npm run bench:agent-memory [-- --nodes 1000 --steady-s 180 --bare | --compare] [--heap]`
// The memory of ONE `npm run agent` process as it runs: a throwaway PostgreSQL server (Debian's, as root), the
// simulated fleet in a process of its own, and the agent started exactly as package.json's `agent` script
// starts it (its node flags included). Waits for the first full poll (every node polled, every reachable one
// diagnosed, read from the store), then samples the agent's RSS (/proc/<pid>/status VmRSS) through the steady
// state and prints: time to the first full poll, RSS median/max in steady state, peak RSS, the load average.
//   --bare     the agent without the V8 heap flags of the `agent` script (only --conditions/--import kept)
//   --compare  both, one after the other in the same run (tuned first, then bare), side by side
//   --heap     at the end of the steady state, writes a heap snapshot of the agent (bench-results/) and prints
//              the largest groups of objects (self size summed by constructor or string kind)
// Not part of `npm test`: numbers are printed, never asserted.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { agentNodeFlags, startAgentProcess } from '../../agents/lease/testing/agent-process';
import { postgresAvailable, startTempPostgres } from '../../agents/lease/testing/temp-postgres';
import { load1, percentile, root, rssMb } from './demo-process';
import { startSimProcess } from './sim-process';
import { summarizeHeapSnapshot } from './heap-summary';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '1000' },
    'steady-s': { type: 'string', default: '180' },
    'sample-ms': { type: 'string', default: '1000' },
    bare: { type: 'boolean', default: false },
    compare: { type: 'boolean', default: false },
    heap: { type: 'boolean', default: false },
  },
});
const nodes = Number(values.nodes);
const steadyMs = Number(values['steady-s']) * 1000;
const sampleMs = Number(values['sample-ms']);
const resultsDir = path.join(root, 'bench-results');

interface RunResult {
  label: string;
  flags: string[];
  firstFullPollS: number;
  loadAtFirstPoll: number;
  steadyMedianMb: number;
  steadyMaxMb: number;
  peakMb: number;
  samples: number;
  load: { before: number; after: number };
  heap?: { file: string; top: ReturnType<typeof summarizeHeapSnapshot> };
}

async function progress(client: pg.Client): Promise<{ total: number; polled: number; undiagnosed: number }> {
  const { rows } = await client.query<{ total: string; polled: string; undiagnosed: string }>(
    `select count(*) as total,
            count(*) filter (where state <> 'pending') as polled,
            count(*) filter (where state = 'ok' and diagnosed_at is null) as undiagnosed
       from node_status`,
  );
  const r = rows[0]!;
  return { total: Number(r.total), polled: Number(r.polled), undiagnosed: Number(r.undiagnosed) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function run(bare: boolean): Promise<RunResult> {
  const label = bare ? 'bare (no heap flags)' : 'npm run agent (as in package.json)';
  const flags = agentNodeFlags({ bare });
  const dir = mkdtempSync(path.join(tmpdir(), 'fnh-bench-agent-memory-'));
  const pgServer = await startTempPostgres();
  const sim = await startSimProcess(path.join(dir, 'sim'), ['--nodes', String(nodes)]);
  const db = new pg.Client({ connectionString: pgServer.url });
  let agent: ChildProcess | undefined;
  try {
    await db.connect();
    console.log(`${label}: node ${flags.join(' ')} scripts/agent.ts`);
    const startedAt = Date.now();
    const diagnostics = values.heap ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${resultsDir}`] : [];
    const started = startAgentProcess({
      id: 'bench-agent',
      inventory: sim.inventoryPath,
      databaseUrl: pgServer.url,
      nodeFlags: [...flags, ...diagnostics],
      args: ['--leases', 'on'],
      env: { FNH_DATA_DIR: '', NODE_OPTIONS: '' },
      output: 'stderr',
      cwd: root,
    });
    agent = started.child;
    const exited = started.exited.then((code): never => {
      throw new Error(`agent exited with ${code}`);
    });
    exited.catch(() => undefined);

    let firstFullPollMs = NaN;
    let printedAt = 0;
    for (const deadline = Date.now() + 600_000; Date.now() < deadline;) {
      if (agent.exitCode !== null) await exited;
      try {
        const p = await progress(db);
        if (Date.now() - printedAt >= 5000) {
          printedAt = Date.now();
          const s = Math.round((printedAt - startedAt) / 1000);
          console.log(`  ${s} s: ${p.polled}/${p.total} polled, ${p.undiagnosed} without a verdict (agent RSS ${rssMb(agent.pid)?.rss ?? '?'} MB)`);
        }
        if (p.total === nodes && p.polled === nodes && p.undiagnosed === 0) {
          firstFullPollMs = Date.now() - startedAt;
          break;
        }
      } catch {
        // the agent has not migrated the store yet
      }
      await sleep(500);
    }
    if (Number.isNaN(firstFullPollMs)) throw new Error('no full poll within 10 minutes');
    const loadAtFirstPoll = load1();
    console.log(`  first full poll after ${(firstFullPollMs / 1000).toFixed(1)} s (load ${loadAtFirstPoll}); sampling RSS for ${steadyMs / 1000} s…`);

    const loadBefore = load1();
    const rss: number[] = [];
    for (const end = Date.now() + steadyMs; Date.now() < end;) {
      if (agent.exitCode !== null) await exited;
      const m = rssMb(agent.pid);
      if (m) rss.push(m.rss);
      if (rss.length % 30 === 0) console.log(`  steady: ${rss.length} samples, now ${m?.rss ?? '?'} MB (load ${load1()})`);
      await sleep(sampleMs);
    }
    const result: RunResult = {
      label,
      flags,
      firstFullPollS: Math.round(firstFullPollMs / 100) / 10,
      loadAtFirstPoll,
      steadyMedianMb: percentile(rss, 50),
      steadyMaxMb: Math.max(...rss),
      peakMb: rssMb(agent.pid)?.peak ?? NaN,
      samples: rss.length,
      load: { before: loadBefore, after: load1() },
    };
    if (values.heap) result.heap = await heapSnapshot(agent);
    return result;
  } finally {
    if (agent && agent.exitCode === null) {
      const gone = new Promise<void>((resolve) => agent!.once('exit', () => resolve()));
      agent.kill('SIGTERM');
      await gone;
    }
    await db.end().catch(() => undefined);
    await sim.stop();
    await pgServer.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Signals the agent (started with --heapsnapshot-signal) and waits for the snapshot it writes into bench-results/. */
async function heapSnapshot(agent: ChildProcess): Promise<{ file: string; top: ReturnType<typeof summarizeHeapSnapshot> }> {
  const list = () => readdirSync(resultsDir).filter((f) => f.endsWith('.heapsnapshot'));
  const before = new Set(list());
  agent.kill('SIGUSR2');
  let file: string | undefined;
  for (let i = 0; i < 300 && !file; i++) {
    await sleep(2000);
    const made = list().find((f) => !before.has(f));
    // complete once its size stops changing
    if (made) {
      const size = statSync(path.join(resultsDir, made)).size;
      await sleep(3000);
      if (size > 0 && statSync(path.join(resultsDir, made)).size === size) file = path.join(resultsDir, made);
    }
  }
  if (!file) throw new Error('the agent wrote no heap snapshot');
  // V8 cannot hold a snapshot text much beyond 500 MB in one string: larger ones are for DevTools (Memory tab)
  const top = statSync(file).size < 450 * 1024 * 1024 ? summarizeHeapSnapshot(readFileSync(file, 'utf8')) : [];
  return { file: path.relative(root, file), top };
}

function print(results: RunResult[]): void {
  console.log('');
  console.log(`agent memory at ${nodes} simulated nodes, one npm run agent process on PostgreSQL (${cpus().length} cores; load = 1-min average)`);
  console.log(`${'agent'.padEnd(40)} ${'first full poll'.padStart(16)} ${'RSS median'.padStart(11)} ${'RSS max'.padStart(9)} ${'peak'.padStart(8)}  load`);
  for (const r of results) {
    console.log(
      `${r.label.padEnd(40)} ${`${r.firstFullPollS} s`.padStart(16)} ${`${r.steadyMedianMb} MB`.padStart(11)} ${`${r.steadyMaxMb} MB`.padStart(9)} ${`${r.peakMb} MB`.padStart(8)}  ${r.loadAtFirstPoll} at first poll, ${r.load.before} → ${r.load.after} steady`,
    );
  }
  for (const r of results) {
    if (!r.heap) continue;
    console.log(`\nheap snapshot of "${r.label}": ${r.heap.file}; largest groups (self size by constructor):`);
    for (const g of r.heap.top) console.log(`  ${`${(g.bytes / 1024 / 1024).toFixed(1)} MB`.padStart(10)} ${String(g.count).padStart(9)} × ${g.name}`);
  }
}

async function main(): Promise<void> {
  mkdirSync(resultsDir, { recursive: true });
  if (!postgresAvailable()) throw new Error('needs Debian postgresql installed and root (it starts a throwaway server)');
  const modes = values.compare ? [false, true] : [values.bare];
  const results: RunResult[] = [];
  for (const bare of modes) results.push(await run(bare));
  print(results);
  const file = path.join(resultsDir, `agent-memory-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), nodes, cores: cpus().length, steadyS: steadyMs / 1000, results }, null, 2));
  console.log(`written to ${path.relative(root, file)}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
