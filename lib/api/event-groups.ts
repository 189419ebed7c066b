import type { LivenessEventRow } from './node';

// The node page's liveness events, grouped: a failing node logs the same send warning for the same
// session every few seconds, so the readable unit is "this message, this session, N times, from … to …",
// expandable to its lines. Pure, so the grouping and the filters are unit-tested.

export interface EventGroup {
  key: string;
  level: string;
  msg: string;
  interface: string | null;
  localIp: string | null;
  peerIp: string | null;
  count: number;
  first: string;
  last: string;
  /** the error of the newest line that has one */
  lastError: string | null;
  /** newest first */
  events: LivenessEventRow[];
}

export interface EventFilter {
  /** a peer IP, or '' for all */
  peer: string;
  /** a level (as logged, e.g. WARN), or '' for all */
  level: string;
}

export function filterEvents(events: readonly LivenessEventRow[], filter: EventFilter): LivenessEventRow[] {
  return events.filter((e) => (!filter.peer || e.peerIp === filter.peer) && (!filter.level || e.level === filter.level));
}

/** Groups by level, message and session (interface, local IP, peer); the group with the newest line first. */
export function groupEvents(events: readonly LivenessEventRow[], filter: EventFilter = { peer: '', level: '' }): EventGroup[] {
  const groups = new Map<string, EventGroup>();
  for (const e of filterEvents(events, filter)) {
    const key = JSON.stringify([e.level, e.msg, e.interface, e.localIp, e.peerIp]);
    let g = groups.get(key);
    if (!g) {
      g = { key, level: e.level, msg: e.msg, interface: e.interface, localIp: e.localIp, peerIp: e.peerIp, count: 0, first: e.at, last: e.at, lastError: null, events: [] };
      groups.set(key, g);
    }
    g.count++;
    g.events.push(e);
    if (e.at < g.first) g.first = e.at;
    if (e.at > g.last) g.last = e.at;
  }
  const out = [...groups.values()];
  for (const g of out) {
    g.events.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
    g.lastError = g.events.find((e) => e.error !== null)?.error ?? null;
  }
  return out.sort((a, b) => (a.last < b.last ? 1 : a.last > b.last ? -1 : a.key.localeCompare(b.key)));
}

/** The peers and levels the filters offer: every value present, sorted. */
export function eventFacets(events: readonly LivenessEventRow[]): { peers: string[]; levels: string[] } {
  const peers = new Set<string>();
  const levels = new Set<string>();
  for (const e of events) {
    if (e.peerIp) peers.add(e.peerIp);
    levels.add(e.level);
  }
  return { peers: [...peers].sort(comparePeers), levels: [...levels].sort() };
}

// IPv4 in numeric order (10.0.0.9 before 10.0.0.10), anything else after, as text.
function comparePeers(a: string, b: string): number {
  const na = ipv4Number(a);
  const nb = ipv4Number(b);
  if (na !== null && nb !== null) return na - nb;
  if (na !== null) return -1;
  if (nb !== null) return 1;
  return a.localeCompare(b);
}

function ipv4Number(ip: string): number | null {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    n = n * 256 + Number(p);
  }
  return n;
}
