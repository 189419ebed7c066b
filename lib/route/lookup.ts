import type { RouteState, RuleState } from '../model/node-state';
import { familyBits, parseIp, prefixContains, type Family, type ParsedIp } from './ip';

/** A packet the node would send, as the kernel's output route lookup sees it. */
export interface Flow {
  dst: string;
  /** source address the sender asked for (doublezerod passes the session's localIP) */
  src?: string;
  /** outgoing interface the sender pinned (doublezerod pins the session's interface) */
  oif?: string;
  /** locally generated packets are looked up with iif = the loopback device */
  iif?: string;
  fwmark?: number;
  /** for `ipproto` / `dport` / `sport` rule selectors */
  ipproto?: 'udp' | 'tcp';
  sport?: number;
  dport?: number;
}

export type LookupFailure =
  /** no rule led to a matching route: the kernel answers ENETUNREACH */
  | 'no-route'
  /** an `unreachable` route or rule: ENETUNREACH */
  | 'unreachable'
  /** a `prohibit` route or rule: EACCES */
  | 'prohibit'
  /** a `blackhole` route or rule: EINVAL, silently dropped */
  | 'blackhole'
  /** the destination or source is not an IP address */
  | 'bad-address';

export type LookupResult =
  | { ok: true; route: RouteState; table: string; rule: RuleState; dev?: string; steps: string[] }
  | { ok: false; failure: LookupFailure; route?: RouteState; rule?: RuleState; steps: string[] };

const ERROR_TYPES = new Set(['unreachable', 'prohibit', 'blackhole']);

/** The rules the kernel starts with, used when a node's rule list was not collected (and for IPv6). */
export const DEFAULT_RULES: RuleState[] = [
  { priority: 0, not: false, action: 'lookup', table: 'local', otherSelectors: [], text: '0: from all lookup local' },
  { priority: 32766, not: false, action: 'lookup', table: 'main', otherSelectors: [], text: '32766: from all lookup main' },
  { priority: 32767, not: false, action: 'lookup', table: 'default', otherSelectors: [], text: '32767: from all lookup default' },
];

/**
 * The route the kernel would choose for `flow`: rules in priority order (selectors, `not`, goto,
 * suppress_prefixlength), each lookup a longest-prefix match in its table with the lowest metric first,
 * unreachable/blackhole/prohibit routes and rules ending the lookup, and a pinned oif skipping routes via
 * other devices. IPv4 rules only come from `ip rule show`; IPv6 lookups use the default rules.
 */
export function lookupRoute(routes: readonly RouteState[], rules: readonly RuleState[], flow: Flow): LookupResult {
  const steps: string[] = [];
  const dst = parseIp(flow.dst);
  const src = flow.src === undefined ? undefined : parseIp(flow.src);
  if (!dst || (flow.src !== undefined && !src)) return { ok: false, failure: 'bad-address', steps: ['destination or source is not an IP address'] };
  const ruleList = dst.family === 'inet' && rules.length > 0 ? rules : DEFAULT_RULES;
  const packet: Packet = { ...flow, dstIp: dst, srcIp: src, iif: flow.iif ?? 'lo' };

  for (let i = 0; i < ruleList.length; i++) {
    const rule = ruleList[i]!;
    if (rule.otherSelectors.length) {
      steps.push(`rule ${rule.priority}: selectors not evaluated (${rule.otherSelectors.join(', ')}), assumed not to match`);
      continue;
    }
    if (ruleMatches(rule, packet) === rule.not) continue;
    switch (rule.action) {
      // Stryker disable next-line ConditionalExpression,StringLiteral: an action no case names also goes on to the next rule
      case 'nop':
        continue;
      case 'goto': {
        const target = ruleList.findIndex((r, j) => j > i && r.priority === rule.goto);
        steps.push(`rule ${rule.priority}: goto ${rule.goto}${target < 0 ? ' (no such rule, ignored)' : ''}`);
        if (target >= 0) i = target - 1;
        continue;
      }
      case 'unreachable':
      case 'prohibit':
      case 'blackhole':
        steps.push(`rule ${rule.priority}: ${rule.action}`);
        return { ok: false, failure: rule.action, rule, steps };
      case 'lookup': {
        const table = rule.table ?? 'main';
        const found = lookupTable(routes, table, dst.family, packet);
        if (!found) {
          steps.push(`rule ${rule.priority}: table ${table} has no matching route`);
          continue;
        }
        if (found.route.type === 'throw') {
          steps.push(`rule ${rule.priority}: table ${table} throws (${found.route.text})`);
          continue;
        }
        if (ERROR_TYPES.has(found.route.type)) {
          steps.push(`rule ${rule.priority}: table ${table} route ${found.route.text}`);
          return { ok: false, failure: found.route.type as LookupFailure, route: found.route, rule, steps };
        }
        if (rule.suppressPrefixlen !== undefined && found.route.dst.len <= rule.suppressPrefixlen) {
          steps.push(`rule ${rule.priority}: ${found.route.text} suppressed (prefix length <= ${rule.suppressPrefixlen})`);
          continue;
        }
        steps.push(`rule ${rule.priority}: table ${table} route ${found.route.text}`);
        const result: LookupResult = { ok: true, route: found.route, table, rule, steps };
        if (found.dev !== undefined) result.dev = found.dev;
        return result;
      }
    }
  }
  steps.push('no rule matched a route');
  return { ok: false, failure: 'no-route', steps };
}

interface Packet extends Flow {
  dstIp: ParsedIp;
  srcIp: ParsedIp | undefined;
  iif: string;
}

function ruleMatches(rule: RuleState, p: Packet): boolean {
  if (rule.src) {
    // a flow without a source address matches only a /0 source selector, as (0 ^ src) & mask in the kernel
    if (p.srcIp ? !prefixContains(rule.src, p.srcIp) : rule.src.len !== 0) return false;
  }
  if (rule.dst && !prefixContains(rule.dst, p.dstIp)) return false;
  if (rule.iif !== undefined && rule.iif !== p.iif) return false;
  if (rule.oif !== undefined && rule.oif !== p.oif) return false;
  if (rule.fwmark !== undefined) {
    const mask = rule.fwmask ?? 0xffffffff;
    if ((((p.fwmark ?? 0) ^ rule.fwmark) & mask) >>> 0 !== 0) return false;
  }
  // liveness packets are sent with TOS 0
  if (rule.tos !== undefined && Number(rule.tos) !== 0) return false;
  if (rule.ipproto !== undefined && !sameProto(rule.ipproto, p.ipproto)) return false;
  if (rule.sport && !(p.sport !== undefined && p.sport >= rule.sport.from && p.sport <= rule.sport.to)) return false;
  if (rule.dport && !(p.dport !== undefined && p.dport >= rule.dport.from && p.dport <= rule.dport.to)) return false;
  return true;
}

function sameProto(ruleProto: string, flowProto: Flow['ipproto']): boolean {
  return ruleProto === flowProto || (ruleProto === '17' && flowProto === 'udp') || (ruleProto === '6' && flowProto === 'tcp');
}

interface IndexedRoute {
  route: RouteState;
  network: bigint;
  shift: bigint;
}

// Tables indexed once per route list (a node can hold thousands of BGP /32s and is asked once per
// session): routes by table and family, longest prefix first, then lowest metric, networks as bigints.
const tableIndex = new WeakMap<readonly RouteState[], Map<string, IndexedRoute[]>>();

function indexedTable(routes: readonly RouteState[], table: string, family: Family): IndexedRoute[] {
  let index = tableIndex.get(routes);
  // Stryker disable next-line ConditionalExpression: rebuilding the index on every call gives the same answer, only slower
  if (!index) {
    index = new Map();
    for (const route of routes) {
      const base = parseIp(route.dst.addr);
      if (!base || base.family !== route.dst.family) continue;
      const shift = BigInt(familyBits(route.dst.family) - route.dst.len);
      const key = `${route.table}|${route.dst.family}`;
      const list = index.get(key) ?? [];
      list.push({ route, network: base.value >> shift, shift });
      index.set(key, list);
    }
    for (const list of index.values()) list.sort((a, b) => b.route.dst.len - a.route.dst.len || a.route.metric - b.route.metric);
    tableIndex.set(routes, index);
  }
  return index.get(`${table}|${family}`) ?? [];
}

function lookupTable(routes: readonly RouteState[], table: string, family: Family, p: Packet): { route: RouteState; dev?: string } | undefined {
  for (const { route, network, shift } of indexedTable(routes, table, family)) {
    if (p.dstIp.value >> shift !== network) continue;
    // error and throw routes end the table lookup before any device check, as in the kernel
    if (ERROR_TYPES.has(route.type) || route.type === 'throw') return { route };
    const devs = route.nexthops.length ? route.nexthops.map((h) => h.dev) : [route.dev];
    const usable = p.oif === undefined ? devs : devs.filter((d) => d === p.oif);
    if (usable.length === 0) continue;
    const found: { route: RouteState; dev?: string } = { route };
    if (usable[0] !== undefined) found.dev = usable[0];
    return found;
  }
  return undefined;
}
