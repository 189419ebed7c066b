// `npm run bench`: one run, one machine, ratios between tools measured side by side.
// 1. a simulated fleet of N real SSH servers in its own process;
// 2. our agent (own process): connect all, full-probe cycles (p50/p95), CPU, peak memory, diagnosis time;
// 3. the same probe over the same fleet with parallel-ssh (Debian pssh) and `ansible -m raw`;
// 4. parsing a 1,000,000-route table;
// 5. collecting + parsing a node with a 1,000,000-route table over SSH (scripts/bench/big-node.ts).
// Results: a table on stdout and bench-results/bench-<time>.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startSimProcess } from './sim-process';
import { parse as parseYaml } from 'yaml';
import { journalSince } from '../../agents/poller/journal-window';
import { buildProbeCommand } from '../../lib/probe/script';
import type { BigNodeResult } from './big-node';
import { routeTableBench } from './route-table';
import { errorMessage } from '../../lib/errors';

const root = path.resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '1000' },
    cycles: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '256' },
    'tool-parallelism': { type: 'string', default: '100' },
    'skip-tools': { type: 'boolean', default: false },
  },
});
const nodes = Number(values.nodes);

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
}

interface AgentMode {
  cycleMs: number[];
  cpuPercent: number;
  simCpuPercent?: number;
  pollFailures: number;
  pollFailureSamples: string[];
}

interface AgentResult {
  connectAllMs: number;
  connected: number;
  warmupMs: number;
  full: AgentMode;
  steady: AgentMode;
  peakRssMb: number;
  diagnosis: Record<'firstWindow' | 'steadyState' | 'firstWindowUncached' | 'steadyStateUncached', { ms: number; cpuMs: number; nodes: number; peers: number }>;
}

interface InventoryDoc {
  defaults: { user: string; keyPath: string; knownHostsPath: string };
  nodes: Array<{ name: string; host: string; port: number }>;
}

function timeCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): { ms: number; status: number | null; stdout: string; stderr: string } {
  const start = performance.now();
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  return { ms: performance.now() - start, status: r.status, stdout: r.stdout ?? '', stderr: (r.stderr ?? '').slice(-2000) };
}

/** A tool's cycle: it ran (exit 0, or the tool's "some hosts failed" code) and reached `succeeded` hosts. */
function toolResult(
  r: { ms: number; status: number | null; stderr: string },
  someFailedStatus: number,
  succeeded: number,
  total: number,
  flag: string,
): { ms: number; ok: boolean; note: string } {
  const ran = (r.status === 0 || r.status === someFailedStatus) && succeeded > 0;
  return { ms: r.ms, ok: ran, note: ran ? `${flag}, ${succeeded}/${total} hosts answered` : `exit ${r.status}: ${r.stderr.slice(-300)}` };
}

function toolCycles(inv: InventoryDoc, fleetDir: string, work: string): Record<string, { ms: number; ok: boolean; note: string }> {
  // The agent's steady-state journal window (since the last poll, a few seconds ago, minus the overlap):
  // the tools run the same full probe as the agent's `full` cycles, every section sent in full.
  const probe = buildProbeCommand({ journalSince: journalSince(Date.now(), Date.now() - 5_000) });
  const key = path.resolve(fleetDir, inv.defaults.keyPath);
  const knownHosts = path.resolve(fleetDir, inv.defaults.knownHostsPath);
  const sshOpts = ['-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'ConnectTimeout=60', '-i', key];
  const par = values['tool-parallelism'];
  const out: Record<string, { ms: number; ok: boolean; note: string }> = {};

  const hostsFile = path.join(work, 'pssh-hosts');
  writeFileSync(hostsFile, inv.nodes.map((n) => `${inv.defaults.user}@${n.host}:${n.port}`).join('\n') + '\n');
  const psshBin = ['parallel-ssh', 'pssh'].find((b) => spawnSync('sh', ['-c', `command -v ${b}`]).status === 0);
  if (psshBin) {
    const r = timeCommand(psshBin, ['-h', hostsFile, '-p', par, '-t', '120', '-o', path.join(work, 'pssh-out'), '-x', sshOpts.join(' '), probe]);
    // pssh prints `[n] time [SUCCESS] host` per host; exit 4 means some hosts failed (the unreachable ones).
    out['parallel-ssh'] = toolResult(r, 4, (r.stdout.match(/\[SUCCESS\]/g) ?? []).length, inv.nodes.length, `-p ${par}`);
  } else out['parallel-ssh'] = { ms: NaN, ok: false, note: 'not installed (apt-get install pssh)' };

  const ansibleInv = path.join(work, 'ansible-hosts.ini');
  writeFileSync(
    ansibleInv,
    '[fleet]\n' + inv.nodes.map((n) => `${n.name} ansible_host=${n.host} ansible_port=${n.port} ansible_user=${inv.defaults.user}`).join('\n') + '\n',
  );
  if (spawnSync('sh', ['-c', 'command -v ansible']).status === 0) {
    const env = {
      ...process.env,
      ANSIBLE_HOST_KEY_CHECKING: 'True',
      ANSIBLE_SSH_ARGS: sshOpts.filter((o) => o !== '-i' && o !== key).join(' ') + ' -o ControlMaster=no',
      ANSIBLE_PRIVATE_KEY_FILE: key,
      ANSIBLE_STDOUT_CALLBACK: 'oneline',
      ANSIBLE_LOCAL_TEMP: path.join(work, 'ansible-tmp'),
      ANSIBLE_HOME: path.join(work, 'ansible-home'),
    };
    const r = timeCommand('ansible', ['all', '-i', ansibleInv, '-m', 'raw', '-a', probe, '-f', par, '-o'], env);
    // One line per host with -o; exit 4 means some hosts were unreachable.
    out['ansible -m raw'] = toolResult(r, 4, (r.stdout.match(/^\S+ \| (SUCCESS|CHANGED) \|/gm) ?? []).length, inv.nodes.length, `-f ${par}`);
  } else out['ansible -m raw'] = { ms: NaN, ok: false, note: 'not installed (apt-get install ansible)' };
  return out;
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'fnh-bench-'));
  const fleetDir = path.join(work, 'fleet');
  console.log(`starting ${nodes} simulated SSH nodes…`);
  const fleet = await startSimProcess(fleetDir, ['--nodes', String(nodes)]);
  try {
    console.log('agent: connect + cycles…');
    // Other work on the machine shows up in wall times (not in CPU times): record how busy it was.
    const loadBefore = loadavg()[0]!;
    const agentRun = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(root, 'scripts/bench/agent-cycle.ts'),
        '--inventory',
        fleet.inventoryPath,
        '--cycles',
        values.cycles,
        '--concurrency',
        values.concurrency,
        ...(fleet.pid ? ['--sim-pid', String(fleet.pid)] : []),
      ],
      { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    if (agentRun.status !== 0) throw new Error(`agent benchmark failed (exit ${agentRun.status})`);
    const agent = JSON.parse(agentRun.stdout.trim().split('\n').pop() ?? '{}') as AgentResult;
    const load = { before: loadBefore, after: loadavg()[0]!, cores: cpus().length };
    const inv = parseYaml(readFileSync(fleet.inventoryPath, 'utf8')) as InventoryDoc;
    console.log('parallel-ssh and ansible cycles…');
    const tools = values['skip-tools'] ? {} : toolCycles(inv, fleetDir, work);
    console.log('1,000,000-route table…');
    const routes = [routeTableBench(1_000_000), routeTableBench(1_000_000), routeTableBench(1_000_000)];
    const route = routes.reduce((best, r) => (r.parseMs < best.parseMs ? r : best));
    console.log('collect + parse a 1,000,000-route node…');
    // Its own process (agent side) and its own simulated node: the peak RSS is this poll's alone.
    const bigRun = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/bench/big-node.ts')], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (bigRun.status !== 0) throw new Error(`1M-route node benchmark failed (exit ${bigRun.status})`);
    const bigNode = JSON.parse(bigRun.stdout.trim().split('\n').pop() ?? '{}') as BigNodeResult;

    const full = { p50: percentile(agent.full.cycleMs, 50), p95: percentile(agent.full.cycleMs, 95) };
    const steady = { p50: percentile(agent.steady.cycleMs, 50), p95: percentile(agent.steady.cycleMs, 95) };
    const mode = (m: AgentMode, p: { p50: number; p95: number }) =>
      `${p.p50.toFixed(0)} / ${p.p95.toFixed(0)} ms over ${m.cycleMs.length} cycles (${m.pollFailures} failed polls); CPU: agent ${m.cpuPercent.toFixed(0)} %, simulated fleet ${m.simCpuPercent?.toFixed(0) ?? '?'} % of one core`;
    const diag = (d: AgentResult['diagnosis']['firstWindow']) =>
      `${d.ms.toFixed(0)} ms wall, ${d.cpuMs.toFixed(0)} ms CPU (${d.nodes} nodes, ${d.peers} peer verdicts)`;
    const rows: Array<[string, string]> = [
      ['nodes', `${nodes} (concurrency ${values.concurrency})`],
      ['machine load (1-min average)', `${load.before.toFixed(1)} before, ${load.after.toFixed(1)} after the agent's run, on ${load.cores} cores`],
      ['agent: connect all', `${agent.connectAllMs.toFixed(0)} ms (${agent.connected} connected)`],
      ['agent: steady cycle p50 / p95', mode(agent.steady, steady)],
      ['agent: full-probe cycle p50 / p95', mode(agent.full, full)],
      ['agent: peak RSS', `${agent.peakRssMb.toFixed(0)} MB`],
      ['diagnosis: first polls (15-min journal)', diag(agent.diagnosis.firstWindow)],
      ['diagnosis: steady-state cycle', diag(agent.diagnosis.steadyState)],
      ['diagnosis without the cache: first polls', diag(agent.diagnosis.firstWindowUncached)],
      ['diagnosis without the cache: steady cycle', diag(agent.diagnosis.steadyStateUncached)],
      [
        '1,000,000-route table parse (best of 3)',
        `${route.parseMs.toFixed(0)} ms wall, ${route.cpuMs.toFixed(0)} ms CPU (${(route.bytes / 1e6).toFixed(0)} MB of ip -j output, ${route.routes} routes; all: ${routes.map((r) => r.parseMs.toFixed(0)).join(', ')} ms)`,
      ],
      [
        'collect + parse a 1,000,000-route node',
        `${(bigNode.collectMs + bigNode.parseMs).toFixed(0)} ms (collect ${bigNode.collectMs.toFixed(0)} ms: ${(bigNode.sectionBytes / 1e6).toFixed(0)} MB table over SSH, budget peak ${bigNode.budgetPeakMb.toFixed(0)} MB; parse ${bigNode.parseMs.toFixed(0)} ms, ${bigNode.parsedRoutes} routes); next poll (table unchanged) ${bigNode.unchangedPollMs.toFixed(0)} ms; agent peak RSS ${bigNode.peakRssMb.toFixed(0)} MB`,
      ],
    ];
    for (const [tool, r] of Object.entries(tools)) {
      rows.push([
        `${tool}: one full-probe cycle`,
        r.ok
          ? `${r.ms.toFixed(0)} ms (${r.note}) = ${(r.ms / full.p50).toFixed(1)}× the agent's full-probe p50, ${(r.ms / steady.p50).toFixed(1)}× its steady p50`
          : `failed: ${r.note}`,
      ]);
    }
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log('\n' + rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n'));
    const outDir = path.join(root, 'bench-results');
    mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(
      file,
      JSON.stringify(
        {
          at: new Date().toISOString(),
          nodes,
          load,
          concurrency: Number(values.concurrency),
          agent: { ...agent, full: { ...agent.full, ...full }, steady: { ...agent.steady, ...steady } },
          tools,
          routes,
          bigNode,
        },
        null,
        2,
      ) + '\n',
    );
    console.log(`\nwritten: ${path.relative(root, file)}`);
  } finally {
    await fleet.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(errorMessage(err));
  process.exit(1);
});
