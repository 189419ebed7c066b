// `npm run bench:read [-- --nodes 1000 --viewers 5 --requests 20 --port 3210 --rebuild --cpu-prof DIR --postgres N --agent-heap-mb M]`
// --postgres N: the "many machines" set-up instead (README): a throwaway PostgreSQL server (Debian's, as root), the
// dashboard with FNH_AGENT=off, and N `npm run agent` processes sharing the simulated fleet through leases.
// Starts the demo (`npm run demo -- --nodes N`: simulated fleet, Next.js server with the embedded agent
// polling, PGlite store) in a fresh data folder, waits until every node has been polled and every reachable
// one has a recorded verdict (the first full poll), lets it settle, then measures the dashboard's reads as
// a signed-in browser makes them: each read alone, then under V viewers reading at once. Prints p50/p95,
// the time from start to the first full poll, the server's memory (dashboard + agent + store in one
// process) and the load average beside each number; writes bench-results/read-<time>.json.
// Not part of `npm test`: timings are printed, never asserted.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startAgentProcess, stopAgentProcesses, type AgentProcess } from '../../agents/lease/testing/agent-process';
import { postgresAvailable, startTempPostgres, type TempPostgres } from '../../agents/lease/testing/temp-postgres';
import { ensureBuilt, load1, percentile, root, rssMb, signIn, startDemo } from './demo-process';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '1000' },
    viewers: { type: 'string', default: '5' },
    requests: { type: 'string', default: '20' },
    port: { type: 'string', default: '3210' },
    'settle-s': { type: 'string', default: '30' },
    rebuild: { type: 'boolean', default: false },
    // writes the server's V8 CPU profile (dashboard + agent + store) to this folder when it stops
    'cpu-prof': { type: 'string' },
    postgres: { type: 'string' },
    // --postgres: cap each agent's V8 heap (NODE_OPTIONS=--max-old-space-size), to tell live memory from garbage
    'agent-heap-mb': { type: 'string' },
  },
});
const nodes = Number(values.nodes);
const viewers = Number(values.viewers);
const requests = Number(values.requests);
const agents = values.postgres === undefined ? 0 : Number(values.postgres);
if (!Number.isInteger(agents) || agents < 0) throw new Error('--postgres takes the number of agent processes (e.g. 2)');

/** `npm run agent` as the README's "Many machines" runs it: the simulated fleet's inventory, leases on. */
function startBenchAgent(id: string, inventory: string, databaseUrl: string, heapMb: string | undefined): AgentProcess {
  return startAgentProcess({
    id,
    inventory,
    databaseUrl,
    args: ['--leases', 'on'],
    env: { FNH_DATA_DIR: '', ...(heapMb ? { NODE_OPTIONS: `--max-old-space-size=${Number(heapMb)}` } : {}) },
    output: 'stderr',
    cwd: root,
  });
}

interface Timing {
  read: string;
  p50: number;
  p95: number;
  max: number;
  bytes: number;
  status: Record<number, number>;
  load: { before: number; after: number };
}

type Client = Awaited<ReturnType<typeof signIn>>;

async function timeRead(
  client: Client,
  pathname: string,
  init?: RequestInit,
): Promise<{ ms: number; bytes: number; status: number; etag: string | null; error?: string }> {
  const t = performance.now();
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await client(pathname, init);
      const body = await res.arrayBuffer();
      return { ms: performance.now() - t, bytes: body.byteLength, status: res.status, etag: res.headers.get('etag') };
    } catch (err) {
      // a kept-alive connection the server closed while idle: the browser would open a new one too
      if (attempt < 2) continue;
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
      return { ms: performance.now() - t, bytes: 0, status: 0, etag: null, error: cause };
    }
  }
}

function summarize(read: string, samples: Array<{ ms: number; bytes: number; status: number }>, loadBefore: number): Timing {
  // status 0: the request failed (its error is in the JSON file)
  const status: Record<number, number> = {};
  for (const s of samples) status[s.status] = (status[s.status] ?? 0) + 1;
  const ms = samples.map((s) => s.ms);
  return {
    read,
    p50: Math.round(percentile(ms, 50)),
    p95: Math.round(percentile(ms, 95)),
    max: Math.round(Math.max(...ms)),
    bytes: Math.max(...samples.map((s) => s.bytes)),
    status,
    load: { before: loadBefore, after: load1() },
  };
}

/** `reads` in turn, `requests` times, by `concurrent` viewers at once; each viewer keeps its own ETags like a browser tab. */
async function measure(client: Client, reads: readonly string[], concurrent: number, revalidate: boolean): Promise<Timing[]> {
  const loadBefore = load1();
  const samples = new Map(reads.map((r) => [r, [] as Array<{ ms: number; bytes: number; status: number }>]));
  await Promise.all(
    Array.from({ length: concurrent }, async () => {
      const etags = new Map<string, string>();
      for (let i = 0; i < requests; i++) {
        for (const read of reads) {
          const etag = revalidate ? etags.get(read) : undefined;
          const r = await timeRead(client, read, etag ? { headers: { 'if-none-match': etag } } : undefined);
          if (r.etag) etags.set(read, r.etag);
          samples.get(read)!.push(r);
        }
      }
    }),
  );
  return reads.map((r) =>
    summarize(
      `${r}${concurrent > 1 ? ` × ${concurrent} viewers` : ' alone'}${revalidate ? ' (revalidating: If-None-Match)' : ''}`,
      samples.get(r)!,
      loadBefore,
    ),
  );
}

interface FleetRowLite {
  poll: { state: string };
  collectedAt: string | null;
}

async function main(): Promise<void> {
  ensureBuilt(values.rebuild);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'fnh-bench-read-'));
  let pg: TempPostgres | undefined;
  if (agents > 0) {
    if (!postgresAvailable()) throw new Error('--postgres needs Debian postgresql installed and root (it starts a throwaway server)');
    pg = await startTempPostgres();
  }
  const demo = startDemo({
    nodes,
    port: Number(values.port),
    dataDir,
    ...(values['cpu-prof'] ? { cpuProfileDir: path.resolve(values['cpu-prof']) } : {}),
    ...(pg ? { env: { DATABASE_URL: pg.url, FNH_AGENT: 'off' } } : {}),
  });
  const agentProcs: AgentProcess[] = [];
  const rss: Array<{ at: number; rss: number; peak: number; agents: number[] }> = [];
  const sampler = setInterval(() => {
    const m = rssMb(demo.serverPid());
    if (m) rss.push({ at: Date.now(), ...m, agents: agentProcs.map((a) => rssMb(a.child.pid)?.rss ?? NaN) });
  }, 1_000);
  try {
    const client = await signIn(demo.base, Date.now() + 300_000);
    if (pg) {
      // the demo wrote the simulated fleet's inventory before it started the dashboard
      for (let i = 1; i <= agents; i++)
        agentProcs.push(startBenchAgent(`bench-agent-${i}`, path.join(dataDir, 'sim', 'inventory.yaml'), pg.url, values['agent-heap-mb']));
    }
    const signedInAt = Date.now();
    // The first full poll: no node pending any more, and every node that answered has its diagnosis recorded.
    // With the embedded agent, its own line says when it stored a first poll of every node; one read of the
    // fleet then confirms what the dashboard shows. Reading the whole fleet every half second while the agent
    // works would load the server it measures (a third of its CPU at 1,000 nodes). With separate agents
    // (--postgres, leases) there is no such line: the fleet is read once a second. The same with the embedded agent
    // in its worker thread (FNH_AGENT_THREAD=on), which always holds leases.
    const leased = pg !== undefined || process.env.FNH_AGENT_THREAD?.trim() === 'on';
    const agentSaid = leased ? null : await demo.printed(/^agent: first poll of all \d+ nodes stored/, 600_000);
    if (agentSaid) console.log(`  ${Math.round((agentSaid.at - demo.startedAt) / 1000)} s: the agent says: ${agentSaid.line}`);
    let firstFullPollMs = NaN;
    let progress = '';
    let confirmsAgent = agentSaid !== null;
    for (const deadline = Date.now() + 600_000; Date.now() < deadline;) {
      const res = await client('/api/fleet');
      if (res.ok) {
        const fleet = (await res.json()) as { nodes: FleetRowLite[] };
        const pending = fleet.nodes.filter((n) => n.poll.state === 'pending').length;
        const undiagnosed = fleet.nodes.filter((n) => n.poll.state === 'ok' && n.collectedAt === null).length;
        const line = `${fleet.nodes.length - pending}/${fleet.nodes.length} polled, ${undiagnosed} without a verdict`;
        if (line !== progress) console.log(`  ${Math.round((Date.now() - demo.startedAt) / 1000)} s: ${line}`);
        progress = line;
        if (fleet.nodes.length === nodes && pending === 0 && undiagnosed === 0) {
          // the agent's line came when its last first poll was committed: the dashboard showed it from then on
          firstFullPollMs = (confirmsAgent && agentSaid ? agentSaid.at : Date.now()) - demo.startedAt;
          break;
        }
      }
      // the fleet did not agree with the agent's line at once: the moment it does is the one measured
      confirmsAgent = false;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    if (Number.isNaN(firstFullPollMs)) throw new Error('no full poll within 10 minutes');
    const firstPoll = { ms: firstFullPollMs, load: load1(), signInMs: signedInAt - demo.startedAt };
    console.log(`first full poll after ${(firstFullPollMs / 1000).toFixed(1)} s (load ${firstPoll.load}); settling ${values['settle-s']} s…`);
    await new Promise((r) => setTimeout(r, Number(values['settle-s']) * 1000));

    const reads = ['/api/fleet', '/api/peers'];
    const results: Timing[] = [];
    for (const read of reads) results.push(...(await measure(client, [read], 1, false)));
    results.push(...(await measure(client, reads, viewers, false)));
    results.push(...(await measure(client, ['/api/peers'], viewers, true)));
    const steady = rss.filter((s) => s.at >= signedInAt + firstFullPollMs);
    const server = rssMb(demo.serverPid());
    const memory = {
      serverRssMb: server?.rss ?? NaN,
      serverPeakRssMb: server?.peak ?? NaN,
      steadyRssMaxMb: Math.max(...steady.map((s) => s.rss)),
      steadyRssMedianMb: percentile(
        steady.map((s) => s.rss),
        50,
      ),
      // per agent process (--postgres): the largest of them at each sample
      agentSteadyRssMedianMb:
        agents > 0
          ? percentile(
              steady.map((s) => Math.max(...s.agents)),
              50,
            )
          : null,
      agentSteadyRssMaxMb: agents > 0 ? Math.max(...steady.map((s) => Math.max(...s.agents))) : null,
      agentPeakRssMb: agents > 0 ? Math.max(...agentProcs.map((a) => rssMb(a.child.pid)?.peak ?? NaN)) : null,
    };

    console.log('');
    const setUp = pg ? `${agents} npm run agent processes on PostgreSQL, dashboard with FNH_AGENT=off` : 'embedded agent polling, PGlite';
    console.log(`dashboard reads at ${nodes} simulated nodes, ${setUp} (${cpus().length} cores, load average = 1-min, before → after)`);
    console.log(`${'read'.padEnd(64)} ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'max'.padStart(7)} ${'bytes'.padStart(9)}  load`);
    for (const t of results) {
      console.log(
        `${t.read.padEnd(64)} ${`${t.p50} ms`.padStart(7)} ${`${t.p95} ms`.padStart(7)} ${`${t.max} ms`.padStart(7)} ${String(t.bytes).padStart(9)}  ${t.load.before} → ${t.load.after}  ${JSON.stringify(t.status)}`,
      );
    }
    console.log(`start → first full poll: ${(firstPoll.ms / 1000).toFixed(1)} s (load ${firstPoll.load})`);
    console.log(
      `server RSS (${pg ? 'dashboard' : 'dashboard + embedded agent + PGlite'}): now ${memory.serverRssMb} MB, steady median ${memory.steadyRssMedianMb} MB, steady max ${memory.steadyRssMaxMb} MB, peak ${memory.serverPeakRssMb} MB`,
    );
    if (pg)
      console.log(
        `agent RSS (largest of ${agents} processes): steady median ${memory.agentSteadyRssMedianMb} MB, steady max ${memory.agentSteadyRssMaxMb} MB, peak ${memory.agentPeakRssMb} MB`,
      );

    const out = path.join(root, 'bench-results');
    mkdirSync(out, { recursive: true });
    const file = path.join(out, `read-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(
      file,
      JSON.stringify(
        { at: new Date().toISOString(), setUp, nodes, viewers, requests, cores: cpus().length, firstPoll, reads: results, memory, rssSamples: rss },
        null,
        2,
      ),
    );
    console.log(`written to ${path.relative(root, file)}`);
  } finally {
    clearInterval(sampler);
    await stopAgentProcesses(agentProcs, 'SIGTERM');
    await demo.stop();
    await pg?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
