import { broadcastOf, intPrefixContains, ipToInt, networkOf } from './ipv4';
import { findLink, type SimNodeState } from './state';

// The kernel's routing tables, derived from links, addresses and the daemon's BGP routes the way
// Linux does it: addresses add `local`/`broadcast` routes (table local) and a connected route (main)
// while their link is up; taking a link down flushes every route through it.

export interface KernelRoute {
  family: 4 | 6;
  table: 'main' | 'local';
  type: 'unicast' | 'local' | 'broadcast' | 'multicast';
  /** network address (or the address itself for host routes); `default` for 0/0 */
  dst: string;
  prefixlen: number;
  gateway?: string;
  dev: string;
  /** undefined = `boot` (iproute2 does not print it) */
  protocol?: 'kernel' | 'bgp' | 'static';
  scope?: 'link' | 'host';
  prefsrc?: string;
  metric?: number;
}

export function deriveRoutes(state: SimNodeState): KernelRoute[] {
  const routes: KernelRoute[] = [];
  const upLinks = new Set(state.links.filter((l) => l.up).map((l) => l.name));
  for (const a of state.addresses) {
    if (!upLinks.has(a.ifname)) continue;
    if (a.ifname === 'lo') {
      routes.push(
        { family: 4, table: 'local', type: 'local', dst: '127.0.0.0', prefixlen: 8, dev: 'lo', protocol: 'kernel', scope: 'host', prefsrc: a.local },
        { family: 4, table: 'local', type: 'local', dst: a.local, prefixlen: 32, dev: 'lo', protocol: 'kernel', scope: 'host', prefsrc: a.local },
        { family: 4, table: 'local', type: 'broadcast', dst: '127.255.255.255', prefixlen: 32, dev: 'lo', protocol: 'kernel', scope: 'link', prefsrc: a.local },
      );
      continue;
    }
    routes.push({ family: 4, table: 'local', type: 'local', dst: a.local, prefixlen: 32, dev: a.ifname, protocol: 'kernel', scope: 'host', prefsrc: a.local });
    if (a.prefixlen < 31) {
      routes.push({
        family: 4,
        table: 'local',
        type: 'broadcast',
        dst: broadcastOf(a.local, a.prefixlen),
        prefixlen: 32,
        dev: a.ifname,
        protocol: 'kernel',
        scope: 'link',
        prefsrc: a.local,
      });
    }
    if (a.prefixlen < 32) {
      routes.push({
        family: 4,
        table: 'main',
        type: 'unicast',
        dst: networkOf(a.local, a.prefixlen),
        prefixlen: a.prefixlen,
        dev: a.ifname,
        protocol: 'kernel',
        scope: 'link',
        prefsrc: a.local,
      });
    }
  }
  if (upLinks.has('eth0')) {
    routes.push({ family: 4, table: 'main', type: 'unicast', dst: 'default', prefixlen: 0, gateway: state.gateway, dev: 'eth0' });
  }
  for (const r of state.installedRoutes) {
    if (!upLinks.has(r.dev)) continue;
    const protocol = r.protocol === 'boot' ? undefined : r.protocol;
    routes.push({ family: 4, table: 'main', type: 'unicast', dst: r.dst, prefixlen: r.prefixlen, gateway: r.gateway, dev: r.dev, protocol, prefsrc: r.src });
  }
  routes.sort(compareRoutes);
  return [...routes, ...ipv6Routes(state, upLinks)];
}

// The kernel dumps table main before table local, each in address order.
function compareRoutes(a: KernelRoute, b: KernelRoute): number {
  if (a.table !== b.table) return a.table === 'main' ? -1 : 1;
  const ka = a.dst === 'default' ? 0 : ipToInt(a.dst);
  const kb = b.dst === 'default' ? 0 : ipToInt(b.dst);
  return ka - kb || a.prefixlen - b.prefixlen;
}

function ipv6Routes(state: SimNodeState, upLinks: Set<string>): KernelRoute[] {
  const out: KernelRoute[] = [];
  const eth0 = findLink(state, 'eth0');
  if (eth0 && upLinks.has('eth0')) {
    out.push({ family: 6, table: 'main', type: 'unicast', dst: 'fe80::', prefixlen: 64, dev: 'eth0', protocol: 'kernel', metric: 256 });
  }
  if (upLinks.has('lo')) out.push({ family: 6, table: 'local', type: 'local', dst: '::1', prefixlen: 128, dev: 'lo', protocol: 'kernel', metric: 0 });
  if (eth0 && upLinks.has('eth0')) {
    out.push(
      { family: 6, table: 'local', type: 'local', dst: linkLocalOf(eth0.address), prefixlen: 128, dev: 'eth0', protocol: 'kernel', metric: 0 },
      { family: 6, table: 'local', type: 'multicast', dst: 'ff00::', prefixlen: 8, dev: 'eth0', protocol: 'kernel', metric: 256 },
    );
  }
  return out;
}

/** The EUI-64 link-local address of a MAC, as the kernel derives it. */
export function linkLocalOf(mac: string): string {
  const b = mac.split(':').map((h) => parseInt(h, 16));
  const g = (hi: number, lo: number) => ((hi << 8) | lo).toString(16);
  return `fe80::${g((b[0] ?? 0) ^ 2, b[1] ?? 0)}:${g(b[2] ?? 0, 0xff)}:${g(0xfe, b[3] ?? 0)}:${g(b[4] ?? 0, b[5] ?? 0)}`;
}

/**
 * Longest-prefix match over the tables the rules use (local, main, default), like a send with
 * IP_PKTINFO pinned to `oif`: routes through another device are skipped.
 */
export function lookupRoute(routes: readonly KernelRoute[], dst: string, oif?: string): KernelRoute | null {
  const target = ipToInt(dst);
  for (const table of ['local', 'main'] as const) {
    let best: KernelRoute | null = null;
    for (const r of routes) {
      if (r.family !== 4 || r.table !== table || r.type === 'broadcast') continue;
      if (oif !== undefined && r.dev !== oif) continue;
      if (best && r.prefixlen <= best.prefixlen) continue;
      if (r.dst !== 'default' && !intPrefixContains(ipToInt(r.dst), r.prefixlen, target)) continue;
      best = r;
    }
    if (best) return best;
  }
  return null;
}
