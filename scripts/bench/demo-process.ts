// The demo (`scripts/demo.ts`: simulated fleet + Next.js server with the embedded agent and PGlite) as a
// child process for the read and soak benchmarks, with a signed-in HTTP client and the processes' memory.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '../..');
const nextBin = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');

/** `next build` when there is no build yet (or when asked): the server the benchmarks measure is the production one. */
export function ensureBuilt(rebuild: boolean): void {
  if (!rebuild && existsSync(path.join(root, '.next', 'BUILD_ID'))) return;
  console.log('building the dashboard (next build)…');
  const r = spawnSync(process.execPath, [nextBin, 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`next build failed (exit ${r.status})`);
}

export interface DemoProcess {
  base: string;
  startedAt: number;
  child: ChildProcess;
  /** the Next.js server (dashboard + embedded agent + PGlite), once it runs */
  serverPid(): number | undefined;
  /** resolves with the moment (Date.now()) the demo printed a line matching `pattern`, or null after `timeoutMs` */
  printed(pattern: RegExp, timeoutMs: number): Promise<{ at: number; line: string } | null>;
  stop(): Promise<void>;
}

export function startDemo(opts: { nodes: number; port: number; dataDir: string; cpuProfileDir?: string; env?: Record<string, string> }): DemoProcess {
  const startedAt = Date.now();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'scripts/demo.ts'), '--nodes', String(opts.nodes), '--port', String(opts.port), '--data-dir', opts.dataDir, '--fresh'],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        FNH_ADMIN_USER: 'admin',
        FNH_ADMIN_PASSWORD: 'admin-demo-password',
        ...(opts.cpuProfileDir ? { FNH_SERVER_CPU_PROF_DIR: opts.cpuProfileDir } : {}),
        ...opts.env,
      },
    },
  );
  // The demo's output goes on to ours; each line is kept with the moment it came, for printed().
  const lines: Array<{ at: number; line: string }> = [];
  const watchers = new Set<() => void>();
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    const text = partial + chunk.toString('utf8');
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    const at = Date.now();
    for (const line of parts) lines.push({ at, line });
    for (const w of watchers) w();
  });
  return {
    base: `http://127.0.0.1:${opts.port}`,
    startedAt,
    child,
    printed: (pattern, timeoutMs) =>
      new Promise((resolve) => {
        const check = () => {
          const hit = lines.find((l) => pattern.test(l.line));
          if (!hit) return;
          done(hit);
        };
        const done = (hit: { at: number; line: string } | null) => {
          clearTimeout(timer);
          watchers.delete(check);
          resolve(hit);
        };
        const timer = setTimeout(() => done(null), timeoutMs);
        watchers.add(check);
        check();
      }),
    // the demo's child running scripts/server.ts (it has other children: tsx's esbuild service)
    serverPid: () => (child.pid ? childPids(child.pid).find((pid) => commandLine(pid).includes('scripts/server.ts')) : undefined),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      }),
  };
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces, so read after the last ')'
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

/** Resident memory of a process in MB (current and peak), from /proc. */
export function rssMb(pid: number | undefined): { rss: number; peak: number } | null {
  if (!pid) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return null;
  }
}

export const load1 = (): number => Math.round(loadavg()[0]! * 10) / 10;

/** A signed-in client, as a browser: the session cookie, and Origin on mutations. */
export async function signIn(base: string, deadlineMs: number): Promise<(pathname: string, init?: RequestInit) => Promise<Response>> {
  for (;;) {
    try {
      const res = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: base },
        body: JSON.stringify({ username: 'admin', password: 'admin-demo-password' }),
      });
      if (res.ok) {
        const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
        return (pathname, init = {}) => fetch(`${base}${pathname}`, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), cookie } });
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadlineMs) throw new Error(`could not sign in at ${base}`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}
