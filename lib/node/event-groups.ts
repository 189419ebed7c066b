import type { LivenessEventRow } from './node';

// The node page's liveness events, grouped: a failing node logs the same send warning for each of its
// sessions every few seconds, so the readable unit is "this message, N times, over these sessions, from
// … to …", each session expandable to its lines. Pure, so the grouping and the filters are unit-tested.

interface Span {
  key: string;
  count: number;
  first: string;
  last: string;
  /** the error of the newest line that has one */
  lastError: string | null;
}

/** One session's lines of one message: (interface, local IP, peer). */
export interface SessionGroup extends Span {
  interface: string | null;
  localIp: string | null;
  peerIp: string | null;
  /** newest first */
  events: LivenessEventRow[];
}

/** One message at one level, over all its sessions (the session with the newest line first). */
export interface MessageGroup extends Span {
  level: string;
  msg: string;
  sessions: SessionGroup[];
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

const newestFirst = (a: { last: string; key: string }, b: { last: string; key: string }) =>
  a.last < b.last ? 1 : a.last > b.last ? -1 : a.key.localeCompare(b.key);

/** Groups by level and message, then by session; the group with the newest line first at both levels. */
export function groupEvents(events: readonly LivenessEventRow[], filter: EventFilter = { peer: '', level: '' }): MessageGroup[] {
  const messages = new Map<string, { level: string; msg: string; sessions: Map<string, SessionGroup> }>();
  for (const e of filterEvents(events, filter)) {
    const mkey = JSON.stringify([e.level, e.msg]);
    let m = messages.get(mkey);
    if (!m) {
      m = { level: e.level, msg: e.msg, sessions: new Map() };
      messages.set(mkey, m);
    }
    const skey = JSON.stringify([e.interface, e.localIp, e.peerIp]);
    let s = m.sessions.get(skey);
    if (!s) {
      s = { key: skey, interface: e.interface, localIp: e.localIp, peerIp: e.peerIp, count: 0, first: e.at, last: e.at, lastError: null, events: [] };
      m.sessions.set(skey, s);
    }
    s.count++;
    s.events.push(e);
    if (e.at < s.first) s.first = e.at;
    if (e.at > s.last) s.last = e.at;
  }
  const out: MessageGroup[] = [];
  for (const [key, m] of messages) {
    const sessions = [...m.sessions.values()];
    for (const s of sessions) {
      s.events.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
      s.lastError = s.events.find((e) => e.error !== null)?.error ?? null;
    }
    sessions.sort(newestFirst);
    const newest = sessions[0]!;
    out.push({
      key,
      level: m.level,
      msg: m.msg,
      sessions,
      count: sessions.reduce((n, s) => n + s.count, 0),
      first: sessions.reduce((t, s) => (s.first < t ? s.first : t), newest.first),
      last: newest.last,
      lastError: sessions.find((s) => s.lastError !== null)?.lastError ?? null,
    });
  }
  return out.sort(newestFirst);
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
