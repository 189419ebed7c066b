import { z } from 'zod';
import { parseIp, parsePrefix, type Family, type Prefix } from '../route/ip';
import type { Parsed } from './issues';
import { parseJsonRecords } from './json-records';
import { normalizeTable } from './table-name';

export interface Nexthop {
  gateway?: string;
  dev?: string;
  weight?: number;
  flags: string[];
}

/** One route from `ip -j route show table all`. */
export interface Route {
  /** normalized table: main, local, default or the number as text */
  table: string;
  /** unicast (absent in the output), local, broadcast, multicast, unreachable, blackhole, prohibit, throw, ... */
  type: string;
  dst: Prefix;
  /** dst as printed: `default`, `216.238.110.55`, `169.254.0.2/31` */
  dstText: string;
  protocol?: string;
  /** universe when absent */
  scope: string;
  /** kernel default 0 (IPv4) when absent */
  metric: number;
  prefsrc?: string;
  gateway?: string;
  dev?: string;
  nexthops: Nexthop[];
  flags: string[];
  raw: Record<string, unknown>;
}

const nexthopSchema = z.looseObject({
  gateway: z.string().optional(),
  dev: z.string().optional(),
  weight: z.number().int().optional(),
  flags: z.array(z.string()).default([]),
});

const routeRecordSchema = z.looseObject({
  type: z.string().optional(),
  dst: z.string(),
  table: z.union([z.string(), z.number()]).optional(),
  protocol: z.union([z.string(), z.number()]).optional(),
  scope: z.union([z.string(), z.number()]).optional(),
  metric: z.number().int().nonnegative().optional(),
  prefsrc: z.string().optional(),
  gateway: z.string().optional(),
  dev: z.string().optional(),
  nexthops: z.array(nexthopSchema).optional(),
  flags: z.array(z.string()).default([]),
  pref: z.string().optional(),
});
type RouteRecord = z.infer<typeof routeRecordSchema>;

// `ip route show table all` mixes both families and prints the default route as `default`: the family
// comes from an address in the record, and only IPv6 routes carry a router preference (`pref`).
function familyOf(record: RouteRecord): Family {
  for (const candidate of [record.gateway, record.prefsrc, record.nexthops?.[0]?.gateway]) {
    const ip = candidate ? parseIp(candidate) : undefined;
    if (ip) return ip.family;
  }
  return record.pref !== undefined ? 'inet6' : 'inet';
}

export function parseIpRoute(text: string): Parsed<Route> {
  const { items, issues } = parseJsonRecords(text, routeRecordSchema, 'ip route');
  const routes: Route[] = [];
  items.forEach((record, index) => {
    const dst = parsePrefix(record.dst, familyOf(record));
    if (!dst) {
      issues.push({ at: index, message: `ip route record ${index}: unreadable dst` });
      return;
    }
    const route: Route = {
      table: normalizeTable(record.table),
      type: record.type ?? 'unicast',
      dst,
      dstText: record.dst,
      scope: record.scope === undefined ? 'universe' : String(record.scope),
      metric: record.metric ?? 0,
      nexthops: (record.nexthops ?? []).map((hop) => {
        const out: Nexthop = { flags: hop.flags };
        if (hop.gateway !== undefined) out.gateway = hop.gateway;
        if (hop.dev !== undefined) out.dev = hop.dev;
        if (hop.weight !== undefined) out.weight = hop.weight;
        return out;
      }),
      flags: record.flags,
      raw: record,
    };
    if (record.protocol !== undefined) route.protocol = String(record.protocol);
    if (record.prefsrc !== undefined) route.prefsrc = record.prefsrc;
    if (record.gateway !== undefined) route.gateway = record.gateway;
    if (record.dev !== undefined) route.dev = record.dev;
    routes.push(route);
  });
  return { items: routes, issues };
}

/** The route as `ip route` would print it, for evidence text. */
export function formatRoute(route: Route): string {
  const parts: string[] = [];
  if (route.type !== 'unicast') parts.push(route.type);
  parts.push(route.dstText);
  if (route.gateway) parts.push('via', route.gateway);
  if (route.dev) parts.push('dev', route.dev);
  if (route.table !== 'main') parts.push('table', route.table);
  if (route.protocol) parts.push('proto', route.protocol);
  if (route.scope !== 'universe') parts.push('scope', route.scope);
  if (route.prefsrc) parts.push('src', route.prefsrc);
  if (route.metric) parts.push('metric', String(route.metric));
  for (const hop of route.nexthops) {
    parts.push('nexthop');
    if (hop.gateway) parts.push('via', hop.gateway);
    if (hop.dev) parts.push('dev', hop.dev);
    if (hop.weight !== undefined) parts.push('weight', String(hop.weight));
  }
  if (route.flags.length) parts.push(...route.flags);
  return parts.join(' ');
}
