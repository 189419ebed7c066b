import type { Bundle } from '@/lib/bundle/types';
import { parseIpAddr } from '@/lib/parse/ip-addr';
import { parseIpLink } from '@/lib/parse/ip-link';
import { parseIpRoute } from '@/lib/parse/ip-route';
import type { AddressRow, InterfaceRow, RouteRow } from './node';

export interface NodeTables {
  interfaces: InterfaceRow[];
  addresses: AddressRow[];
  routes: RouteRow[];
  parseIssues: string[];
}

// The node page's readable tables, from the shared parsers' output of one raw bundle.
export function buildNodeTables(bundle: Bundle | null): NodeTables {
  const s = bundle?.sections ?? {};
  const link = parseIpLink(s['ip-link']?.stdout ?? '');
  const addr = parseIpAddr(s['ip-addr']?.stdout ?? '');
  const route = parseIpRoute(s['ip-route']?.stdout ?? '');
  const parseIssues = [
    ...(s['ip-link'] ? link.issues : []),
    ...(s['ip-addr'] ? addr.issues : []),
    ...(s['ip-route'] ? route.issues : []),
  ].map((i) => i.message);
  return {
    interfaces: link.items.map((l) => ({
      ifname: l.ifname,
      kind: l.kind ?? l.linkType ?? null,
      operstate: l.operstate,
      flags: l.flags,
      mtu: l.mtu ?? null,
      linkAddress: typeof l.raw.address === 'string' ? l.raw.address : null,
    })),
    addresses: addr.items.map((a) => ({
      ifname: a.ifname,
      family: a.family,
      cidr: `${a.local}/${a.prefixlen}`,
      scope: a.scope ?? null,
    })),
    routes: route.items.map((r) => ({
      table: r.table,
      type: r.type,
      dst: r.dstText,
      gateway: r.gateway ?? (r.nexthops.map((n) => n.gateway).filter(Boolean).join(', ') || null),
      dev: r.dev ?? (r.nexthops.map((n) => n.dev).filter(Boolean).join(', ') || null),
      protocol: r.protocol ?? null,
      scope: r.scope,
      prefsrc: r.prefsrc ?? null,
      metric: r.metric,
    })),
    parseIssues,
  };
}
