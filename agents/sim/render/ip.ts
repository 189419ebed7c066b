import { broadcastOf } from '../ipv4';
import { linkLocalOf, type KernelRoute } from '../routes';
import { addressesOn, type SimLink, type SimNodeState } from '../state';

// `ip -j ...` output, key for key as iproute2 6.1 prints it (captured from real links on Debian 12;
// GRE fields from iproute2's link_gre printer).

type Json = Record<string, unknown>;

function flagsOf(l: SimLink): string[] {
  if (l.kind === 'loopback') return l.up ? ['LOOPBACK', 'UP', 'LOWER_UP'] : ['LOOPBACK'];
  if (l.kind === 'gre') return l.up ? ['POINTOPOINT', 'NOARP', 'UP', 'LOWER_UP'] : ['POINTOPOINT', 'NOARP'];
  return l.up ? ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'] : ['BROADCAST', 'MULTICAST'];
}

function operstateOf(l: SimLink): string {
  if (!l.up) return 'DOWN';
  return l.kind === 'ether' ? 'UP' : 'UNKNOWN';
}

/** The fields `ip link` and `ip addr` share, in their order. */
function linkHead(l: SimLink, detailed: boolean): Json {
  const head: Json = { ifindex: l.ifindex };
  // A tunnel with no underlying device prints as `doublezero0@NONE`: JSON has "link": null.
  if (l.kind === 'gre') head.link = null;
  Object.assign(head, {
    ifname: l.name,
    flags: flagsOf(l),
    mtu: l.mtu,
    qdisc: l.kind === 'ether' ? 'mq' : l.up ? 'noqueue' : 'noop',
    operstate: operstateOf(l),
  });
  if (detailed) head.linkmode = 'DEFAULT';
  head.group = 'default';
  head.txqlen = 1000;
  if (l.kind === 'loopback') Object.assign(head, { link_type: 'loopback', address: '00:00:00:00:00:00', broadcast: '00:00:00:00:00:00' });
  else if (l.kind === 'gre') Object.assign(head, { link_type: 'gre', address: l.address, link_pointtopoint: true, broadcast: l.greRemote });
  else Object.assign(head, { link_type: 'ether', address: l.address, broadcast: 'ff:ff:ff:ff:ff:ff' });
  return head;
}

function linkDetails(l: SimLink): Json {
  const d: Json = {
    promiscuity: 0,
    allmulti: 0,
    min_mtu: l.kind === 'loopback' ? 0 : 68,
    max_mtu: l.kind === 'loopback' ? 0 : l.kind === 'gre' ? 65511 : 9216,
  };
  if (l.kind === 'gre') d.linkinfo = { info_kind: 'gre', info_data: { remote: l.greRemote, local: l.address, ttl: 64, pmtudisc: true } };
  Object.assign(d, {
    inet6_addr_gen_mode: 'eui64',
    num_tx_queues: l.kind === 'ether' ? 8 : 1,
    num_rx_queues: l.kind === 'ether' ? 8 : 1,
    gso_max_size: 65536,
    gso_max_segs: 65535,
    tso_max_size: l.kind === 'loopback' ? 524280 : 65536,
    tso_max_segs: 65535,
    gro_max_size: 65536,
  });
  if (l.kind === 'ether') Object.assign(d, { parentbus: 'pci', parentdev: '0000:41:00.0' });
  return d;
}

export function renderIpLink(state: SimNodeState, detailed: boolean, dev?: string): string {
  const links = state.links.filter((l) => dev === undefined || l.name === dev);
  return JSON.stringify(links.map((l) => (detailed ? { ...linkHead(l, true), ...linkDetails(l) } : linkHead(l, true)))) + '\n';
}

export function renderIpAddr(state: SimNodeState, dev?: string): string {
  const links = state.links.filter((l) => dev === undefined || l.name === dev);
  const out = links.map((l) => {
    const { linkmode: _linkmode, ...head } = linkHead(l, false);
    const addrInfo: Json[] = addressesOn(state, l.name).map((a) => {
      const info: Json = { family: 'inet', local: a.local, prefixlen: a.prefixlen };
      if (a.prefixlen < 31) info.broadcast = broadcastOf(a.local, a.prefixlen);
      Object.assign(info, { scope: l.kind === 'loopback' ? 'host' : 'global', label: l.name, valid_life_time: 4294967295, preferred_life_time: 4294967295 });
      return info;
    });
    if (l.kind === 'loopback' && l.up)
      addrInfo.push({ family: 'inet6', local: '::1', prefixlen: 128, scope: 'host', valid_life_time: 4294967295, preferred_life_time: 4294967295 });
    if (l.kind === 'ether' && l.up)
      addrInfo.push({
        family: 'inet6',
        local: linkLocalOf(l.address),
        prefixlen: 64,
        scope: 'link',
        valid_life_time: 4294967295,
        preferred_life_time: 4294967295,
      });
    return { ...head, addr_info: addrInfo };
  });
  return JSON.stringify(out) + '\n';
}

export interface RouteFilter {
  /** 'all' or a table name; default main */
  table: string;
  protocol?: string;
  dev?: string;
}

export function renderIpRoute(routes: readonly KernelRoute[], filter: RouteFilter): string {
  const selected = routes.filter(
    (r) =>
      (filter.table === 'all' || r.table === filter.table) &&
      (filter.protocol === undefined || (r.protocol ?? 'boot') === filter.protocol) &&
      (filter.dev === undefined || r.dev === filter.dev),
  );
  return JSON.stringify(selected.map((r) => routeJson(r, filter))) + '\n';
}

function routeJson(r: KernelRoute, filter: RouteFilter): Json {
  const o: Json = {};
  if (r.type !== 'unicast') o.type = r.type;
  const hostLen = r.family === 4 ? 32 : 128;
  o.dst = r.dst === 'default' ? 'default' : r.prefixlen === hostLen ? r.dst : `${r.dst}/${r.prefixlen}`;
  if (r.gateway) o.gateway = r.gateway;
  // iproute2 leaves out what the filter already fixed.
  if (filter.dev === undefined) o.dev = r.dev;
  if (r.table !== 'main') o.table = r.table;
  if (r.protocol && filter.protocol === undefined) o.protocol = r.protocol;
  if (r.scope) o.scope = r.scope;
  if (r.metric !== undefined) o.metric = r.metric;
  if (r.prefsrc) o.prefsrc = r.prefsrc;
  o.flags = [];
  if (r.family === 6) o.pref = 'medium';
  return o;
}

export function renderIpRule(): string {
  return (
    JSON.stringify([
      { priority: 0, src: 'all', table: 'local' },
      { priority: 32766, src: 'all', table: 'main' },
      { priority: 32767, src: 'all', table: 'default' },
    ]) + '\n'
  );
}
