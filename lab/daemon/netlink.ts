import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { z } from 'zod';

// The daemon's kernel side, through iproute2 (the real daemon uses netlink directly). Runs as root inside the
// node's network namespace. Output of `ip -j` is parsed with zod like any other input. Route changes for many
// peers go through one `ip -batch` so provisioning 200 routes costs one process, not 200.
const run = promisify(execFile);

async function ip(args: readonly string[]): Promise<string> {
  const { stdout } = await run('ip', [...args], { timeout: 5000 });
  return stdout;
}

/** Runs `ip -force -batch -` over the given commands (one per line); -force carries on past a failed line. */
function ipBatch(lines: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['-force', '-batch', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(stderr));
    child.stdin.end(lines.map((l) => `${l}\n`).join(''));
  });
}

const addrSchema = z.array(z.object({ addr_info: z.array(z.object({ family: z.string(), local: z.string() })).default([]) }));
const routeSchema = z.array(z.object({ dst: z.string(), prefsrc: z.string().optional(), gateway: z.string().optional() }));

export async function interfaceAddresses(ifname: string): Promise<string[]> {
  const links = addrSchema.parse(JSON.parse(await ip(['-j', 'addr', 'show', 'dev', ifname])));
  return links.flatMap((l) => l.addr_info.filter((a) => a.family === 'inet').map((a) => a.local));
}

export async function addHostAddress(ifname: string, address: string): Promise<void> {
  if ((await interfaceAddresses(ifname)).includes(address)) return;
  await ip(['addr', 'add', `${address}/32`, 'dev', ifname]);
}

export async function removeHostAddress(ifname: string, address: string): Promise<void> {
  if (!(await interfaceAddresses(ifname)).includes(address)) return;
  await ip(['addr', 'del', `${address}/32`, 'dev', ifname]);
}

/**
 * What the daemon's BGP installs for each learned client /32: table main, proto bgp, src = the DZ IP, via the
 * overlay peer. Returns the stderr of the lines that failed (e.g. the tunnel is down: the routes arrive with BGP).
 */
export function installPeerRoutes(ifname: string, peers: readonly string[], via: string, src: string): Promise<string> {
  return ipBatch(peers.map((peer) => `route replace ${peer}/32 via ${via} dev ${ifname} proto bgp src ${src}`));
}

export async function flushPeerRoutes(ifname: string): Promise<void> {
  await ip(['route', 'flush', 'table', 'main', 'proto', 'bgp', 'dev', ifname]);
}

export interface KernelRoute {
  peer: string;
  src: string | undefined;
  via: string | undefined;
}

/** The proto bgp routes through the interface (what `GET /routes` reads: RouteByProtocol(RTPROT_BGP)). */
export async function bgpRoutes(ifname: string): Promise<KernelRoute[]> {
  let out: string;
  try {
    out = await ip(['-j', 'route', 'show', 'table', 'main', 'proto', 'bgp', 'dev', ifname]);
  } catch {
    return []; // the interface is gone
  }
  return routeSchema
    .parse(JSON.parse(out))
    .filter((r) => !r.dst.includes('/') || r.dst.endsWith('/32'))
    .map((r) => ({ peer: r.dst.replace(/\/32$/, ''), src: r.prefsrc, via: r.gateway }));
}
