import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

// `npm run agent` as a child process, for the tests and benchmarks that run agents against PostgreSQL:
// exactly what the npm script runs (its node flags read from package.json), without npm in between (so the
// pid is the agent's).

const packageJson = path.join(import.meta.dirname, '..', '..', '..', 'package.json');

/**
 * The node flags of package.json's `agent` script (`node <flags> scripts/agent.ts`); `bare` keeps only what it
 * needs to run at all (--conditions, --import tsx), without the V8 heap flags.
 */
export function agentNodeFlags(opts: { bare?: boolean } = {}): string[] {
  const pkg = JSON.parse(readFileSync(packageJson, 'utf8')) as { scripts: Record<string, string> };
  const script = pkg.scripts.agent ?? '';
  const words = script.split(/\s+/);
  if (words[0] !== 'node' || words.at(-1) !== 'scripts/agent.ts') throw new Error(`unexpected agent script: ${script}`);
  const flags = words.slice(1, -1);
  // --import takes its module as the next word
  const keep = (f: string, i: number) => f.startsWith('--conditions') || f === '--import' || flags[i - 1] === '--import';
  return opts.bare ? flags.filter(keep) : flags;
}

export interface AgentProcess {
  id: string;
  child: ChildProcess;
  /** stdout and stderr as they came, when `output: 'capture'` */
  output: string[];
  /** the exit code, or null when a signal ended it */
  exited: Promise<number | null>;
}

export interface AgentProcessOptions {
  /** --agent-id */
  id: string;
  /** --inventory */
  inventory: string;
  /** DATABASE_URL */
  databaseUrl: string;
  /** node's own flags; the `agent` script's by default (agentNodeFlags()) */
  nodeFlags?: readonly string[];
  /** further `npm run agent` flags (--interval, --leases, --lease-ms, …) */
  args?: readonly string[];
  /** set over the inherited environment (FNH_DATA_DIR and FNH_LEASES are dropped from it first) */
  env?: Readonly<Record<string, string | undefined>>;
  /** 'capture' (default) keeps both streams in `output`; 'stderr' drops stdout and passes stderr through */
  output?: 'capture' | 'stderr';
  cwd?: string;
}

export function startAgentProcess(opts: AgentProcessOptions): AgentProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: opts.databaseUrl };
  delete env.FNH_DATA_DIR;
  delete env.FNH_LEASES;
  Object.assign(env, opts.env);
  const capture = (opts.output ?? 'capture') === 'capture';
  const child = spawn(
    process.execPath,
    [...(opts.nodeFlags ?? agentNodeFlags()), 'scripts/agent.ts', '--inventory', opts.inventory, ...(opts.args ?? []), '--agent-id', opts.id],
    { cwd: opts.cwd ?? process.cwd(), env, stdio: ['ignore', capture ? 'pipe' : 'ignore', capture ? 'pipe' : 'inherit'] },
  );
  const output: string[] = [];
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { id: opts.id, child, output, exited };
}

/** Ends every agent still running with `signal` and waits for all of them to exit. */
export async function stopAgentProcesses(agents: Iterable<AgentProcess>, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  await Promise.all(
    [...agents].map((a) => {
      if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill(signal);
      return a.exited;
    }),
  );
}

/**
 * Polls `probe` until it gives a value; past `timeoutMs` throws, with the last lines of each agent's output
 * (what a failure on a shared machine needs to be understood).
 */
export async function waitForAgents<T>(
  agents: Iterable<AgentProcess>,
  what: string,
  probe: () => Promise<T | undefined>,
  opts: { timeoutMs: number; everyMs: number },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const logs = [...agents].map((a) => `--- ${a.id}\n${a.output.join('').slice(-3000)}`).join('\n');
      throw new Error(`timed out waiting for ${what}\n${logs}`);
    }
    await new Promise((r) => setTimeout(r, opts.everyMs));
  }
}
