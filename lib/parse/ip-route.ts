import { z } from 'zod';
import { parseIp, parsePrefix, type Family, type Prefix } from '../route/ip';
import type { Parsed } from './issues';
import { parseJsonRecords } from './json-records';
import { isRouteRecordShape } from './ip-route-guard';
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

export const routeRecordSchema = z.looseObject({
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

// Same pattern as lib/route/ip.ts: dotted quad, no leading zeros, each octet 0-255.
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function familyOfAddress(text: string): Family | undefined {
  // Most addresses are IPv4: a regex test instead of building the address as a bigint.
  return IPV4.test(text) ? 'inet' : parseIp(text)?.family;
}

// `ip route show table all` mixes both families and prints the default route as `default`: the family
// comes from an address in the record, and only IPv6 routes carry a router preference (`pref`).
function familyOf(record: RouteRecord): Family {
  for (const candidate of [record.gateway, record.prefsrc, record.nexthops?.[0]?.gateway]) {
    const family = candidate ? familyOfAddress(candidate) : undefined;
    if (family) return family;
  }
  return record.pref !== undefined ? 'inet6' : 'inet';
}

/** parsePrefix for a route's dst, with IPv4 read without bigints (a million-route table is mostly IPv4). */
function routePrefix(record: RouteRecord): Prefix | undefined {
  const text = record.dst;
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  if (IPV4.test(addr)) {
    if (slash < 0) return { family: 'inet', addr, len: 32 };
    const lenText = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(lenText)) return undefined;
    const len = Number(lenText);
    return len <= 32 ? { family: 'inet', addr, len } : undefined;
  }
  // The family is only needed for `default`, and finding it may parse addresses: only then.
  return parsePrefix(text, text === 'default' || text === 'all' ? familyOf(record) : undefined);
}

// Shared by every route without nexthops (nearly all of them): one array fewer per route. Frozen, so a
// consumer that tried to add to it would fail loudly instead of changing every route.
const NO_NEXTHOPS: Nexthop[] = Object.freeze([]) as unknown as Nexthop[];

export function parseIpRoute(text: string): Parsed<Route> {
  const { items, issues } = parseJsonRecords(text, routeRecordSchema, 'ip route', isRouteRecordShape);
  const routes: Route[] = [];
  for (let index = 0; index < items.length; index++) {
    const record = items[index]!;
    const dst = routePrefix(record);
    if (!dst) {
      issues.push({ at: index, message: `ip route record ${index}: unreadable dst` });
      continue;
    }
    const route: Route = {
      table: normalizeTable(record.table),
      type: record.type ?? 'unicast',
      dst,
      dstText: record.dst,
      scope: record.scope === undefined ? 'universe' : String(record.scope),
      metric: record.metric ?? 0,
      nexthops:
        record.nexthops === undefined
          ? NO_NEXTHOPS
          : record.nexthops.map((hop) => {
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
  }
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
