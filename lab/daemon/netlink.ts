import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { z } from 'zod';

// The daemon's kernel side, through iproute2 (the real daemon uses netlink directly). Runs as root
// inside the node's network namespace. Output of `ip -j` is parsed with zod like any other input.
const run = promisify(execFile);

async function ip(args: readonly string[]): Promise<string> {
  const { stdout } = await run('ip', [...args], { timeout: 5000 });
  return stdout;
}

const linkSchema = z.array(z.object({ ifname: z.string(), flags: z.array(z.string()) }));
const addrSchema = z.array(
  z.object({ addr_info: z.array(z.object({ family: z.string(), local: z.string(), prefixlen: z.number() })).default([]) }),
);
const routeSchema = z.array(z.object({ dst: z.string(), prefsrc: z.string().optional(), gateway: z.string().optional() }));

export async function linkIsUp(ifname: string): Promise<boolean> {
  try {
    const links = linkSchema.parse(JSON.parse(await ip(['-j', 'link', 'show', 'dev', ifname])));
    return links.some((l) => l.flags.includes('UP'));
  } catch {
    return false;
  }
}

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

/** What the daemon's BGP installs for each learned client /32: table main, proto bgp, src = DZ IP. */
export async function installPeerRoute(ifname: string, peer: string, via: string, src: string): Promise<void> {
  await ip(['route', 'replace', `${peer}/32`, 'via', via, 'dev', ifname, 'proto', 'bgp', 'src', src]);
}

export async function flushPeerRoutes(ifname: string): Promise<void> {
  await ip(['route', 'flush', 'table', 'main', 'proto', 'bgp', 'dev', ifname]);
}

export interface KernelRoute {
  peer: string;
  src: string | undefined;
}

/** Host routes through the interface, whoever installed them (BGP, or an operator fixing a gap by hand). */
export async function peerRoutes(ifname: string): Promise<KernelRoute[]> {
  const routes = routeSchema.parse(JSON.parse(await ip(['-j', 'route', 'show', 'table', 'main', 'dev', ifname])));
  return routes
    .filter((r) => !r.dst.includes('/') || r.dst.endsWith('/32'))
    .map((r) => ({ peer: r.dst.replace(/\/32$/, ''), src: r.prefsrc }));
}

/**
 * Calls `onChange` whenever the kernel reports a link change (`ip monitor link`), so the daemon reacts
 * to its interface coming back at once rather than on its next poll. Returns a stop function.
 */
export function watchLinkChanges(onChange: () => void): () => void {
  const monitor = spawn('ip', ['-o', 'monitor', 'link'], { stdio: ['ignore', 'pipe', 'ignore'] });
  monitor.stdout.on('data', () => onChange());
  monitor.on('error', () => undefined);
  return () => {
    monitor.kill();
  };
}
