import { execFile, spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { z } from 'zod';

// What lab/up.sh built, read back from lab/.run/lab.json, and how tests reach it: lab scripts,
// the real OpenSSH client as the monitoring user, and root commands inside a node's namespaces.
const run = promisify(execFile);

export const LAB_DIR = fileURLToPath(new URL('..', import.meta.url));
export const RUN_DIR = path.join(LAB_DIR, '.run');

export const scenarioSchema = z.enum(['stale-session', 'interface-down', 'firewall-blocked', 'no-route', 'multicast-down', 'healthy']);
export type Scenario = z.infer<typeof scenarioSchema>;

export const labNodeSchema = z.object({
  name: z.string(),
  netns: z.string(),
  host: z.ipv4(),
  publicIp: z.ipv4(),
  allocatedIp: z.ipv4(),
  overlayPeer: z.ipv4(),
  scenario: scenarioSchema,
  holderPid: z.number().int().positive(),
  /** the upstream client version the node's stand-in daemon behaves as */
  version: z.string().regex(/^\d+\.\d+\.\d+$/),
  /** the unit's ExecStart flags */
  daemonFlags: z.string(),
  /** runs the multicast service (doublezero1) too */
  multicast: z.boolean(),
  /** the peers it has routes and liveness sessions to */
  peers: z.array(z.ipv4()).min(1),
});
export type LabNode = z.infer<typeof labNodeSchema>;

export const labSchema = z.object({
  livenessPort: z.number().int(),
  peers: z.array(z.ipv4()).min(1),
  firewalledPeer: z.ipv4(),
  unroutedPeer: z.ipv4(),
  nodes: z.array(labNodeSchema).min(7),
});
export type Lab = z.infer<typeof labSchema>;

export function readLab(): Lab {
  return labSchema.parse(JSON.parse(readFileSync(path.join(RUN_DIR, 'lab.json'), 'utf8')));
}

export function nodeWith(lab: Lab, scenario: Scenario): LabNode {
  const node = lab.nodes.find((n) => n.scenario === scenario);
  if (!node) throw new Error(`the lab has no ${scenario} node`);
  return node;
}

const LAB_LOCK = '/run/lock/fnh-lab.lock';

/**
 * Holds the machine's lab lock (the one lab/up.sh and lab/down.sh take) until the returned release is
 * called, so another test run or a manual `npm run lab:up` waits instead of tearing this lab down.
 */
export function holdLabLock(timeoutSec = 100): Promise<() => void> {
  mkdirSync(path.dirname(LAB_LOCK), { recursive: true });
  // --no-fork: the locking process is the one we end; it waits on our pipe, so the lock also goes if we die.
  const holder = spawn('flock', ['--no-fork', '--exclusive', '--timeout', String(timeoutSec), LAB_LOCK, 'sh', '-c', 'echo locked && exec cat >/dev/null'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    holder.once('error', reject);
    holder.once('exit', (code) => reject(new Error(`could not take ${LAB_LOCK} (flock exited ${code})`)));
    holder.stdout.once('data', () => {
      holder.removeAllListeners('exit');
      resolve(() => void holder.kill());
    });
  });
}

export async function labScript(name: 'up.sh' | 'down.sh'): Promise<void> {
  await run('bash', [path.join(LAB_DIR, name)], { timeout: 110_000, env: { ...process.env, FNH_LAB_LOCK_HELD: '1' } });
}

export interface CommandResult {
  stdout: string;
  stderr: string;
  code: number;
}

async function capture(file: string, args: readonly string[], timeoutMs: number): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await run(file, [...args], { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: unknown };
    if (typeof e.code !== 'number') throw err;
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: e.code };
  }
}

/** Runs `command` on the node with the real ssh client, as the monitoring user, pinned host key. */
export function sshNode(node: LabNode, command: string, timeoutMs = 30_000): Promise<CommandResult> {
  return capture(
    'ssh',
    [
      '-F',
      '/dev/null',
      '-i',
      path.join(RUN_DIR, 'id_ed25519'),
      '-o',
      'BatchMode=yes',
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      `UserKnownHostsFile=${path.join(RUN_DIR, 'known_hosts')}`,
      '-o',
      'GlobalKnownHostsFile=/dev/null',
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      'ConnectTimeout=10',
      `fnh@${node.host}`,
      command,
    ],
    timeoutMs,
  );
}

/** Runs argv as root inside the node's network namespace (for evidence the node's user cannot see). */
export function inNodeNetns(node: LabNode, argv: readonly string[]): Promise<CommandResult> {
  return capture('ip', ['netns', 'exec', node.netns, ...argv], 10_000);
}

/** The kernel's count of IPv4 sends that found no route (ENETUNREACH), from /proc/net/snmp. */
export async function outNoRoutes(node: LabNode): Promise<number> {
  const { stdout } = await inNodeNetns(node, ['cat', '/proc/net/snmp']);
  const [header, values] = stdout.split('\n').filter((l) => l.startsWith('Ip: '));
  const names = (header ?? '').split(' ');
  const value = (values ?? '').split(' ')[names.indexOf('OutNoRoutes')];
  return z.coerce.number().int().parse(value);
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
